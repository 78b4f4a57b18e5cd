"""Crawl-friendly pages (sitemaps, robots.txt) and the organiser's archive page."""

from xml.sax.saxutils import escape

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from hubbub.blog.models import Post
from hubbub.core.eventviews import event_view, render_event
from hubbub.core.permissions import Action

from . import backoffice
from .models import ArchiveExport
from .sitemaps import event_sitemap_pages, public_events
from .wxr_import import MAX_FILE_BYTES, do_import_wxr

XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def _origin(request) -> str:
    return settings.HUBBUB_SITE_URL or request.build_absolute_uri("/").rstrip("/")


def _urlset(request, pages) -> HttpResponse:
    origin = _origin(request)
    rows = []
    for path, lastmod in pages:
        row = f"<url><loc>{escape(origin + path)}</loc>"
        if lastmod:
            row += f"<lastmod>{lastmod.date().isoformat()}</lastmod>"
        rows.append(row + "</url>")
    body = XML_HEAD + f'<urlset xmlns="{NS}">\n' + "\n".join(rows) + "\n</urlset>\n"
    return HttpResponse(body, content_type="application/xml; charset=utf-8")


@require_GET
@event_view()
def event_sitemap(request, event):
    return _urlset(request, event_sitemap_pages(event))


@require_GET
def site_sitemap(request):
    """The sitemap index: the site's own pages and each public event's sitemap."""
    origin = _origin(request)
    maps = [reverse("archive:site_pages")] + [
        reverse("archive:event_sitemap", args=[event.slug]) for event in public_events()
    ]
    rows = "\n".join(f"<sitemap><loc>{escape(origin + path)}</loc></sitemap>" for path in maps)
    body = XML_HEAD + f'<sitemapindex xmlns="{NS}">\n{rows}\n</sitemapindex>\n'
    return HttpResponse(body, content_type="application/xml; charset=utf-8")


@require_GET
def site_pages(request):
    pages = [("/", None), (reverse("site_blog:list"), None)]
    posts = Post.objects.visible().filter(event__isnull=True).order_by("-publish_at")
    pages += [(post.get_absolute_url(), post.updated_at) for post in posts]
    pages += [(event.get_absolute_url(), None) for event in public_events()]
    return _urlset(request, pages)


@require_GET
def robots_txt(request):
    """Let search engines and web archives in; keep them out of the team's and writers' pages
    and off the never-ending live stream."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        "Disallow: /api/",
        "Disallow: /manage/",
        "Disallow: /*/manage/",
        "Disallow: /*/team/",
        "Disallow: /*/live/stream",
        "Disallow: /*/live/write",
        "Allow: /",
        "",
        f"Sitemap: {_origin(request)}{reverse('archive:site_sitemap')}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


# -- back office -----------------------------------------------------------------------------
@login_required
@event_view(Action.MANAGE_EVENT, section="manage")
def manage(request, event):
    errors = []
    if request.method == "POST":
        try:
            backoffice.do_request_export(
                event=event, user=request.user, fmt=request.POST.get("format", "")
            )
        except ValidationError as exc:
            errors = [m for msgs in exc.message_dict.values() for m in msgs]
        else:
            messages.success(
                request, _("The archive is being made: this page shows how far it has got.")
            )
            return redirect("archive:manage", event=event.slug)
    return _manage_page(request, event, errors=errors, status=422 if errors else 200)


def _manage_page(request, event, *, errors=(), report=None, status=200):
    exports = backoffice.latest_exports(event)
    context = {
        "exports": exports,
        "running": any(e.status in {"queued", "running"} for e in exports),
        "errors": errors,
        "report": report,
        "formats": [
            ("static", _("Static copy (a zip of web pages that open without a server)")),
            ("wacz", _("Web archive (WACZ, for ReplayWeb.page, pywb and web archives)")),
        ],
    }
    return render_event(request, event, "archive/manage.html", context, status=status)


@login_required
@event_view(Action.MANAGE_EVENT, section="manage")
def download(request, event, export_id):
    export = get_object_or_404(
        ArchiveExport, pk=export_id, event=event, status=ArchiveExport.Status.DONE
    )
    if not export.file:
        raise Http404
    suffix = backoffice.SUFFIXES[export.format]
    name = f"{event.slug}-archive-{export.finished_at:%Y-%m-%d}{suffix}"
    return FileResponse(export.file.open("rb"), as_attachment=True, filename=name)


@login_required
@event_view(Action.MANAGE_EVENT, section="manage")
def wxr_upload(request, event):
    if request.method != "POST":
        return redirect("archive:manage", event=event.slug)
    upload = request.FILES.get("file")
    if upload is None:
        return _manage_page(
            request, event, errors=[_("Choose a WordPress export file.")], status=422
        )
    if upload.size > MAX_FILE_BYTES:
        message = _("The file is larger than %(mb)d MB.") % {"mb": MAX_FILE_BYTES // 2**20}
        return _manage_page(request, event, errors=[message], status=422)
    try:
        report = do_import_wxr(
            upload.read(),
            event=event,
            pages_as_posts=bool(request.POST.get("pages_as_posts")),
            actor=request.user,
        )
    except ValidationError as exc:
        errors = [m for msgs in exc.message_dict.values() for m in msgs]
        return _manage_page(request, event, errors=errors, status=422)
    return _manage_page(request, event, report=report.lines())
