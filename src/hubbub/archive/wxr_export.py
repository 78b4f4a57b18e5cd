"""WordPress eXtended RSS (WXR 1.2) export of an event: what the WordPress importer reads.

Blog posts become posts; the live blog becomes one post per day with that day's entries in
order (or one post per entry); approved comments keep their authors and threading; categories,
tags and authors are listed in the channel; slide decks, gallery photos and post covers become
attachments. Apps that add more kinds of writing (reflections) join through `ITEM_SOURCES`."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from xml.etree import ElementTree as ET

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify

from hubbub.blog.models import Post
from hubbub.comments.models import Comment
from hubbub.events.models import Event
from hubbub.live.models import LiveEntry
from hubbub.media.models import Photo, Slideshow

WP = "http://wordpress.org/export/1.2/"
NAMESPACES = {
    "excerpt": "http://wordpress.org/export/1.2/excerpt/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "wfw": "http://wellformedweb.org/CommentAPI/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "wp": WP,
}
for _prefix, _uri in NAMESPACES.items():
    ET.register_namespace(_prefix, _uri)


def q(prefix: str, name: str) -> str:
    return f"{{{NAMESPACES[prefix]}}}{name}"


@dataclass
class WxrComment:
    id: int
    author: str
    email: str
    url: str
    date: datetime
    content: str
    parent: int = 0
    user_id: int = 0
    approved: str = "1"


@dataclass
class WxrItem:
    """One WordPress post, page or attachment."""

    id: int
    title: str
    guid: str
    link: str
    date: datetime
    content: str = ""
    excerpt: str = ""
    author: str = ""
    slug: str = ""
    status: str = "publish"
    post_type: str = "post"
    parent: int = 0
    comment_status: str = "open"
    categories: list[tuple[str, str]] = field(default_factory=list)  # (slug, name)
    tags: list[tuple[str, str]] = field(default_factory=list)
    comments: list[WxrComment] = field(default_factory=list)
    attachment_url: str = ""
    meta: dict[str, str] = field(default_factory=dict)


@dataclass
class WxrContext:
    event: Event
    origin: str
    entries_as_posts: bool
    ids: Iterable[int]
    authors: dict[str, object] = field(default_factory=dict)  # login -> user

    def next_id(self) -> int:
        return next(self.ids)

    def author(self, user) -> str:
        if user is None:
            return ""
        self.authors.setdefault(user.get_username(), user)
        return user.get_username()


def _comments_for(objs, ctx: WxrContext) -> dict[int, list[WxrComment]]:
    """Approved comments per object, parents before replies, with WXR ids per comment."""
    if not objs:
        return {}
    content_type = ContentType.objects.get_for_model(objs[0])
    rows = (
        Comment.objects.filter(
            content_type=content_type,
            object_id__in=[o.pk for o in objs],
            status=Comment.Status.APPROVED,
        )
        .select_related("user")
        .order_by("created_at", "pk")
    )
    found: dict[int, list[WxrComment]] = {}
    for c in rows:
        found.setdefault(c.object_id, []).append(
            WxrComment(
                id=c.pk,
                author=c.author_name,
                email=c.author_email,
                url=c.author_url,
                date=c.created_at,
                content=c.body,
                parent=c.parent_id or 0,
                user_id=c.user_id or 0,
            )
        )
    return found


def _post_items(ctx: WxrContext) -> list[WxrItem]:
    posts = list(
        Post.objects.filter(event=ctx.event)
        .select_related("author", "event")
        .prefetch_related("categories", "tags")
        .order_by("publish_at", "pk")
    )
    comments = _comments_for(posts, ctx)
    items = []
    status = {"published": "publish", "scheduled": "future", "draft": "draft"}
    for post in posts:
        item = WxrItem(
            id=ctx.next_id(),
            title=post.title,
            guid=f"{ctx.origin}{post.get_absolute_url()}",
            link=f"{ctx.origin}{post.get_absolute_url()}",
            date=post.publish_at,
            content=post.body_html,
            excerpt=post.excerpt,
            author=ctx.author(post.author),
            slug=post.slug,
            status=status.get(post.status, "draft"),
            comment_status="open" if post.comments_open else "closed",
            categories=[(c.slug, c.name) for c in post.categories.all()],
            tags=[(t.slug, t.name) for t in post.tags.all()],
            comments=comments.get(post.pk, []),
            meta={"_hubbub_markdown": post.body},
        )
        items.append(item)
        if post.cover:
            items.append(
                _attachment(
                    ctx, post.cover.url, post.cover_alt or post.title, post.publish_at, item.id
                )
            )
    return items


def _entry_html(entry: LiveEntry, ctx: WxrContext) -> str:
    when = timezone.localtime(entry.created_at, ctx.event.tz)
    author = entry.author.get_username() if entry.author else ""
    image = ""
    if entry.image:
        src, alt = escape(ctx.origin + entry.image.url), escape(entry.image_alt)
        image = f'<p><img src="{src}" alt="{alt}"></p>'
    return (
        f'<div class="hubbub-entry" id="entry-{entry.pk}">'
        f'<p class="hubbub-entry__meta"><time datetime="{entry.created_at.isoformat()}">'
        f"{when:%H:%M}</time> {escape(author)}</p>{entry.body_html}{image}</div>"
    )


def _live_items(ctx: WxrContext) -> list[WxrItem]:
    entries = list(
        LiveEntry.objects.filter(event=ctx.event, status=LiveEntry.Status.PUBLISHED)
        .select_related("author")
        .order_by("created_at", "pk")
    )
    comments = _comments_for(entries, ctx)
    live_url = f"{ctx.origin}/{ctx.event.slug}/live/"
    items = []
    if ctx.entries_as_posts:
        for entry in entries:
            url = ctx.origin + entry.get_absolute_url()
            items.append(
                WxrItem(
                    id=ctx.next_id(),
                    title=_entry_title(entry),
                    guid=url,
                    link=url,
                    date=entry.created_at,
                    content=_entry_html(entry, ctx),
                    author=ctx.author(entry.author),
                    slug=f"{ctx.event.slug}-live-{entry.pk}",
                    categories=[("live-blog", "Live blog")],
                    comments=comments.get(entry.pk, []),
                    meta={"_hubbub_markdown": entry.body},
                )
            )
        return items
    by_day = itertools.groupby(
        entries, key=lambda e: timezone.localtime(e.created_at, ctx.event.tz).date()
    )
    for day, group in by_day:
        day_entries = list(group)
        items.append(
            WxrItem(
                id=ctx.next_id(),
                title=f"{ctx.event.title}: live blog, {day:%-d %B %Y}",
                guid=f"{live_url}#{day.isoformat()}",
                link=f"{live_url}?day={day.isoformat()}",
                date=day_entries[0].created_at,
                content="\n".join(_entry_html(e, ctx) for e in day_entries),
                author=ctx.author(day_entries[0].author),
                slug=f"{ctx.event.slug}-live-{day.isoformat()}",
                categories=[("live-blog", "Live blog")],
                comments=[c for e in day_entries for c in comments.get(e.pk, [])],
            )
        )
    return items


def _entry_title(entry: LiveEntry) -> str:
    from hubbub.core.text import plain_text

    return plain_text(entry.body, 80) or f"Update {entry.pk}"


def _attachment(ctx: WxrContext, url: str, title: str, date, parent: int) -> WxrItem:
    absolute = url if url.startswith("http") else ctx.origin + url
    return WxrItem(
        id=ctx.next_id(),
        title=title,
        guid=absolute,
        link=absolute,
        date=date,
        slug=slugify(title)[:100],
        status="inherit",
        post_type="attachment",
        parent=parent,
        comment_status="closed",
        attachment_url=absolute,
    )


def _media_items(ctx: WxrContext) -> list[WxrItem]:
    items = []
    for deck in Slideshow.objects.public().filter(event=ctx.event).order_by("pk"):
        if deck.allow_download and deck.source:
            items.append(_attachment(ctx, deck.source.url, deck.title, deck.created_at, 0))
    photos = Photo.objects.filter(gallery__event=ctx.event).select_related("gallery")
    for photo in photos.order_by("pk"):
        title = photo.caption or photo.gallery.title
        items.append(_attachment(ctx, photo.image.url, title, photo.gallery.created_at, 0))
    return items


# Each source gives the items it owns for an event. Reflections join here once that app has
# published reflections to export (as posts in a "Reflections" category).
ITEM_SOURCES: list[Callable[[WxrContext], list[WxrItem]]] = [
    _post_items,
    _live_items,
    _media_items,
]


def _text(parent, tag, value) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = "" if value is None else str(value)
    return element


def _wp_dates(parent, prefix: str, when: datetime, tz) -> None:
    local = timezone.localtime(when, tz)
    _text(parent, q("wp", f"{prefix}date"), local.strftime("%Y-%m-%d %H:%M:%S"))
    gmt = when.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    _text(parent, q("wp", f"{prefix}date_gmt"), gmt)


def build_wxr(event: Event, *, entries_as_posts: bool = False, origin: str = "") -> bytes:
    origin = origin or settings.HUBBUB_SITE_URL or "http://localhost"
    ctx = WxrContext(
        event=event, origin=origin, entries_as_posts=entries_as_posts, ids=itertools.count(1)
    )
    items = [item for source in ITEM_SOURCES for item in source(ctx)]
    tz = event.tz

    rss = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(rss, "channel")
    _text(channel, "title", event.title)
    _text(channel, "link", f"{origin}{event.get_absolute_url()}")
    _text(channel, "description", event.title)
    _text(channel, "pubDate", format_datetime(timezone.now()))
    _text(channel, "language", "en-GB")
    _text(channel, q("wp", "wxr_version"), "1.2")
    _text(channel, q("wp", "base_site_url"), origin)
    _text(channel, q("wp", "base_blog_url"), f"{origin}{event.get_absolute_url()}")
    for number, (login, user) in enumerate(sorted(ctx.authors.items()), start=1):
        author = ET.SubElement(channel, q("wp", "author"))
        _text(author, q("wp", "author_id"), number)
        _text(author, q("wp", "author_login"), login)
        _text(author, q("wp", "author_email"), user.email)
        _text(author, q("wp", "author_display_name"), user.get_full_name() or login)
        _text(author, q("wp", "author_first_name"), user.first_name)
        _text(author, q("wp", "author_last_name"), user.last_name)
    categories = sorted({c for item in items for c in item.categories})
    tags = sorted({t for item in items for t in item.tags})
    for number, (slug, name) in enumerate(categories, start=1):
        category = ET.SubElement(channel, q("wp", "category"))
        _text(category, q("wp", "term_id"), number)
        _text(category, q("wp", "category_nicename"), slug)
        _text(category, q("wp", "category_parent"), "")
        _text(category, q("wp", "cat_name"), name)
    for number, (slug, name) in enumerate(tags, start=len(categories) + 1):
        tag = ET.SubElement(channel, q("wp", "tag"))
        _text(tag, q("wp", "term_id"), number)
        _text(tag, q("wp", "tag_slug"), slug)
        _text(tag, q("wp", "tag_name"), name)
    _text(channel, "generator", "hubbub")

    for item in items:
        element = ET.SubElement(channel, "item")
        _text(element, "title", item.title)
        _text(element, "link", item.link)
        _text(element, "pubDate", format_datetime(item.date))
        _text(element, q("dc", "creator"), item.author)
        _text(element, "guid", item.guid).set("isPermaLink", "false")
        _text(element, "description", "")
        _text(element, q("content", "encoded"), item.content)
        _text(element, q("excerpt", "encoded"), item.excerpt)
        _text(element, q("wp", "post_id"), item.id)
        _wp_dates(element, "post_", item.date, tz)
        _text(element, q("wp", "comment_status"), item.comment_status)
        _text(element, q("wp", "ping_status"), "closed")
        _text(element, q("wp", "post_name"), item.slug)
        _text(element, q("wp", "status"), item.status)
        _text(element, q("wp", "post_parent"), item.parent)
        _text(element, q("wp", "menu_order"), 0)
        _text(element, q("wp", "post_type"), item.post_type)
        _text(element, q("wp", "post_password"), "")
        _text(element, q("wp", "is_sticky"), 0)
        if item.attachment_url:
            _text(element, q("wp", "attachment_url"), item.attachment_url)
        for slug, name in item.categories:
            _text(element, "category", name).attrib.update(domain="category", nicename=slug)
        for slug, name in item.tags:
            _text(element, "category", name).attrib.update(domain="post_tag", nicename=slug)
        for key, value in item.meta.items():
            meta = ET.SubElement(element, q("wp", "postmeta"))
            _text(meta, q("wp", "meta_key"), key)
            _text(meta, q("wp", "meta_value"), value)
        for comment in item.comments:
            c = ET.SubElement(element, q("wp", "comment"))
            _text(c, q("wp", "comment_id"), comment.id)
            _text(c, q("wp", "comment_author"), comment.author)
            _text(c, q("wp", "comment_author_email"), comment.email)
            _text(c, q("wp", "comment_author_url"), comment.url)
            _text(c, q("wp", "comment_author_IP"), "")
            _wp_dates(c, "comment_", comment.date, tz)
            _text(c, q("wp", "comment_content"), comment.content)
            _text(c, q("wp", "comment_approved"), comment.approved)
            _text(c, q("wp", "comment_type"), "comment")
            _text(c, q("wp", "comment_parent"), comment.parent)
            _text(c, q("wp", "comment_user_id"), comment.user_id)
    ET.indent(rss, space="\t")
    body = ET.tostring(rss, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8" ?>\n' + body + "\n").encode("utf-8")
