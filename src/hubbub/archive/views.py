"""Crawl-friendly pages: sitemaps and robots.txt."""

from xml.sax.saxutils import escape

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from hubbub.blog.models import Post
from hubbub.core.eventviews import event_view

from .sitemaps import event_sitemap_pages, public_events

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
