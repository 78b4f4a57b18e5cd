"""Sitemaps: every public page of an event, so search engines and web archives find them all.

The apps this one may import are listed here; apps below it add their pages through
`events.extensions.register_sitemap_source` (their pages also join any crawl by plain links)."""

from __future__ import annotations

from django.urls import reverse

from hubbub.blog.services import visible_posts
from hubbub.events.extensions import register_sitemap_source, sitemap_pages
from hubbub.events.models import Event, Session, Speaker
from hubbub.live.models import LiveEntry
from hubbub.media.services.galleries import galleries_for
from hubbub.media.services.slideshows import public_slideshows
from hubbub.unconf.models import Pitch, Unconference


def _event_pages(event) -> list[tuple[str, object]]:
    slug = event.slug
    pages = [
        (reverse("events:home", args=[slug]), None),
        (reverse("live:page", args=[slug]), None),
        (reverse("events:programme", args=[slug]), None),
        (reverse("media:index", args=[slug]), None),
        (reverse("blog:list", args=[slug]), None),
    ]
    for session in Session.objects.filter(event=event).order_by("starts_at", "pk"):
        pages.append((session.get_absolute_url(), None))
    for speaker in Speaker.objects.filter(event=event).select_related("event").order_by("slug"):
        pages.append((speaker.get_absolute_url(), None))
    return pages


def _live_pages(event) -> list[tuple[str, object]]:
    entries = LiveEntry.objects.filter(event=event, status=LiveEntry.Status.PUBLISHED).only(
        "pk", "created_at", "edited_at"
    )
    return [
        (reverse("live:entry", args=[event.slug, e.pk]), e.edited_at or e.created_at)
        for e in entries.order_by("pk")
    ]


def _blog_pages(event) -> list[tuple[str, object]]:
    return [(post.get_absolute_url(), post.updated_at) for post in visible_posts(event)]


def _media_pages(event) -> list[tuple[str, object]]:
    return [(deck.get_absolute_url(), None) for deck in public_slideshows(event)] + [
        (gallery.get_absolute_url(), None) for gallery in galleries_for(event)
    ]


def _unconf_pages(event) -> list[tuple[str, object]]:
    unconference = Unconference.objects.filter(event=event).first()
    if unconference is None:
        return []
    pitches = Pitch.objects.filter(unconference=unconference, merged_into__isnull=True).exclude(
        status=Pitch.Status.WITHDRAWN
    )
    return [(reverse("unconf:index", args=[event.slug]), None)] + [
        (reverse("unconf:topic", args=[event.slug, pitch.pk]), None)
        for pitch in pitches.order_by("pk")
    ]


def register_builtin_sources() -> None:
    for source in (_event_pages, _live_pages, _blog_pages, _media_pages, _unconf_pages):
        register_sitemap_source(source)


def event_sitemap_pages(event) -> list[tuple[str, object]]:
    """Every page once, in a stable order."""
    seen, pages = set(), []
    for path, lastmod in sitemap_pages(event):
        if path not in seen:
            seen.add(path)
            pages.append((path, lastmod))
    return pages


def public_events():
    return Event.objects.exclude(status=Event.Status.DRAFT).order_by("-starts_on", "slug")
