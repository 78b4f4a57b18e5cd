from datetime import date
from functools import partial

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from hubbub.comments import views as comment_views
from hubbub.comments.services import can_moderate
from hubbub.comments.targets import describe
from hubbub.core.eventviews import add_service_errors, render_event
from hubbub.core.text import render_markdown
from hubbub.events.lifecycle import EventClosed
from hubbub.events.services import get_public_event

from . import services
from .forms import PostForm
from .models import Category, Post, Tag
from .urlnames import blog_url

PAGE_SIZE = 10


def _event(request, event_slug):
    return get_public_event(event_slug, request.user) if event_slug else None


# Blog pages are an event's or the whole site's (event None).
_render = partial(render_event, section="blog")


def _listing(request, event, posts, heading, intro=""):
    page = Paginator(posts, PAGE_SIZE).get_page(request.GET.get("page"))
    for post in page:
        post.event = event
        post.summary = services.post_summary(post)
    return _render(
        request,
        event,
        "blog/list.html",
        {
            "page": page,
            "heading": heading,
            "intro": intro,
            "months": services.archive_months(event),
            "categories": services.categories_in_use(event),
            "can_write": services.can_change(request.user, event),
            "can_moderate": can_moderate(request.user, event),
        },
    )


def post_list(request, event=None):
    event = _event(request, event)
    heading = _("%(title)s: blog") % {"title": event.title} if event else _("Blog")
    return _listing(request, event, services.visible_posts(event), heading)


def month_archive(request, year, month, event=None):
    event = _event(request, event)
    if not 1 <= month <= 12:
        raise Http404
    tz = event.tz if event else timezone.get_current_timezone()
    posts = services.visible_posts(event).filter(
        publish_at__year=year, publish_at__month=month
    ) if event is None else services.visible_posts(event).filter(
        publish_at__gte=timezone.datetime(year, month, 1, tzinfo=tz),
        publish_at__lt=timezone.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=tz),
    )  # fmt: skip
    label = date_format(date(year, month, 1), "F Y")
    return _listing(request, event, posts, _("Posts from %(month)s") % {"month": label})


def category_archive(request, slug, event=None):
    event = _event(request, event)
    category = get_object_or_404(Category, slug=slug)
    posts = services.visible_posts(event).filter(categories=category)
    return _listing(request, event, posts, _("Posts in %(name)s") % {"name": category.name})


def tag_archive(request, slug, event=None):
    event = _event(request, event)
    tag = get_object_or_404(Tag, slug=slug)
    posts = services.visible_posts(event).filter(tags=tag)
    return _listing(request, event, posts, _("Posts tagged %(name)s") % {"name": tag.name})


def author_archive(request, username, event=None):
    event = _event(request, event)
    author = get_object_or_404(get_user_model(), username=username)
    posts = services.visible_posts(event).filter(author=author)
    name = author.get_full_name() or author.get_username()
    return _listing(request, event, posts, _("Posts by %(name)s") % {"name": name})


def post_detail(request, slug, event=None):
    event = _event(request, event)
    post = services.get_post(event, slug, request.user)
    post.event = event
    target = describe(post)
    form, status = None, 200
    if request.method == "POST":
        if not target.visible:
            raise Http404
        form, response, status = comment_views.handle_comment_post(request, target)
        if response is not None:
            return response
    previous, following = services.neighbours(post)
    context = {
        "post": post,
        "previous": previous,
        "following": following,
        "can_write": services.can_change(request.user, event),
        **comment_views.comments_context(request, target, form),
    }
    return comment_views.finish(
        request, _render(request, event, "blog/post.html", context, status=status)
    )


@login_required
def write(request, slug=None, event=None):
    event = _event(request, event)
    try:
        services.require_write(request.user, event)
        # "Publish at" is typed in the event's own time zone.
        with timezone.override(event.tz if event else timezone.get_current_timezone()):
            return _write(request, slug, event)
    except EventClosed as exc:
        # An archive's posts stay readable; the writing page says why it is closed.
        messages.error(request, str(exc))
        return redirect(blog_url("list", event))


def _write(request, slug, event):
    post = services.get_post(event, slug, request.user) if slug else None
    preview = None
    if request.method == "POST":
        form = PostForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            if "preview" in request.POST:
                preview = {"title": data["title"], "html": render_markdown(data["body"])}
            else:
                try:
                    post = services.do_save_post(
                        event=event, author=request.user, post=post,
                        title=data["title"], body=data["body"], slug=data["slug"],
                        excerpt=data["excerpt"], status=data["status"],
                        publish_at=data["publish_at"], categories=data["categories"],
                        tags=data["tags"], cover=data["cover"], cover_alt=data["cover_alt"],
                        comments_open=data["comments_open"],
                    )  # fmt: skip
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    messages.success(request, _("Saved."))
                    post.event = event
                    return redirect(post.get_absolute_url())
    else:
        initial = {"status": Post.Status.DRAFT, "comments_open": True}
        if post is not None:
            initial = {
                "title": post.title, "body": post.body, "excerpt": post.excerpt,
                "slug": post.slug, "status": post.status, "cover_alt": post.cover_alt,
                "publish_at": timezone.localtime(post.publish_at, event.tz if event else None),
                "categories": ", ".join(c.name for c in post.categories.all()),
                "tags": ", ".join(t.name for t in post.tags.all()),
                "comments_open": post.comments_open,
            }  # fmt: skip
        form = PostForm(initial=initial)
    return _render(
        request, event, "blog/write.html", {"form": form, "post": post, "preview": preview}
    )


def search(request):
    query = request.GET.get("q", "").strip()
    event = None
    if request.GET.get("event"):
        event = get_public_event(request.GET["event"], request.user)
    hits = services.search(query, event=event) if query else []
    return render(request, "blog/search.html", {"query": query, "hits": hits, "scope_event": event})
