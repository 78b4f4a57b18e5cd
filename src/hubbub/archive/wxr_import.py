"""WordPress import: a WXR file (1.0, 1.1 or 1.2, as WordPress and WordPress.com write them)
into an event's blog or the site-wide blog.

The file is parsed with defusedxml (no DTD, no entities: billion-laughs and external-entity
files are refused), bounded in size and in items, and checked whole before anything is written;
the writes are one transaction. Each item is matched by its guid, so importing the same file
again changes nothing. HTML is sanitised with nh3 after WordPress block comments and shortcodes
are taken out. Attachments stay linked where WordPress served them, unless the import is asked
to download featured images (public hosts only, bounded), which then become post covers."""

from __future__ import annotations

import html
import ipaddress
import posixpath
import re
import socket
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import httpx
import nh3
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from hubbub.blog.models import Category, Post, Tag
from hubbub.blog.services import RESERVED_SLUGS, sync_search_post
from hubbub.comments.models import Comment
from hubbub.core.audit import log_action
from hubbub.core.images import clean_photo
from hubbub.core.text import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, render_markdown
from hubbub.events.models import Event

from .models import ImportedItem

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ITEMS = 5_000
# Featured images fetched with --download: bounded in size, time and number, public hosts only.
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
MAX_DOWNLOADS = 500
DOWNLOAD_TIMEOUT = 10.0
ALLOW_PRIVATE_HOSTS = False  # tests stand the old host in with a local server
WP_NS = re.compile(r"^https?://wordpress\.org/export/1\.\d+/$")
EXCERPT_NS = re.compile(r"^https?://wordpress\.org/export/1\.\d+/excerpt/$")
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"
BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:[^>]*?-->", re.DOTALL)
SHORTCODE_PAIR = re.compile(r"\[([a-z_][\w-]*)(?:\s[^\]]*)?\](.*?)\[/\1\]", re.DOTALL | re.I)
SHORTCODE_SINGLE = re.compile(r"\[/?[a-z_][\w-]*(?:\s[^\]]*)?/?\]", re.I)
DROPPED_SHORTCODES = {"gallery", "playlist", "contact-form", "contact-form-7", "audio", "video"}
STATUSES = {
    "publish": Post.Status.PUBLISHED,
    "future": Post.Status.SCHEDULED,
    "draft": Post.Status.DRAFT,
    "pending": Post.Status.DRAFT,
    "private": Post.Status.DRAFT,
}
COMMENT_STATUSES = {"1": Comment.Status.APPROVED, "0": Comment.Status.PENDING}


@dataclass
class ImportReport:
    target: str
    posts: list[str] = field(default_factory=list)
    comments: int = 0
    authors_created: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (what, why)
    notes: list[str] = field(default_factory=list)

    def skip(self, what: str, why: str) -> None:
        self.skipped.append((what, why))

    def lines(self) -> list[str]:
        out = [
            _(
                "Imported into %(target)s: %(posts)d posts, %(comments)d comments; "
                "%(authors)d new authors; %(skipped)d skipped."
            )
            % {
                "target": self.target,
                "posts": len(self.posts),
                "comments": self.comments,
                "authors": len(self.authors_created),
                "skipped": len(self.skipped),
            }
        ]
        out += [f"  {_('imported')}: {title}" for title in self.posts]
        out += [f"  {_('new inactive author')}: {name}" for name in self.authors_created]
        out += [f"  {_('note')}: {note}" for note in self.notes]
        out += [f"  {_('skipped')} {what}: {why}" for what, why in self.skipped]
        return out


# -- reading ---------------------------------------------------------------------------------
@dataclass
class _Ns:
    wp: str
    excerpt: str

    def wp_tag(self, name: str) -> str:
        return f"{{{self.wp}}}{name}"


def _fail(message: str) -> ValidationError:
    return ValidationError({"file": message})


def parse_wxr(data: bytes):
    """The channel element and the namespaces in use; a clear error for anything else."""
    if len(data) > MAX_FILE_BYTES:
        raise _fail(_("The file is larger than %(mb)d MB.") % {"mb": MAX_FILE_BYTES // 2**20})
    try:
        root = SafeET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise _fail(
            _("The file declares a DTD or entities, which are refused: export it again.")
        ) from None
    except SafeET.ParseError as exc:
        raise _fail(
            _("The file is not well-formed XML (is it cut short?): %(error)s") % {"error": exc}
        ) from None
    wp = excerpt = None
    for element in root.iter():
        if element.tag.startswith("{"):
            uri = element.tag[1:].split("}", 1)[0]
            if wp is None and WP_NS.match(uri):
                wp = uri
            elif excerpt is None and EXCERPT_NS.match(uri):
                excerpt = uri
    channel = root.find("channel")
    if root.tag != "rss" or channel is None or wp is None:
        raise _fail(_("This is not a WordPress export (WXR) file."))
    ns = _Ns(wp=wp, excerpt=excerpt or wp + "excerpt/")
    items = channel.findall("item")
    if len(items) > MAX_ITEMS:
        raise _fail(
            _("The file has %(n)d items; one import takes at most %(max)d.")
            % {"n": len(items), "max": MAX_ITEMS}
        )
    return channel, ns


def _text(element, tag: str) -> str:
    return (element.findtext(tag) or "").strip()


def _date(value: str, tz, what: str) -> datetime | None:
    """A WXR date ("2011-06-30 09:15:00"); None for WordPress's empty date."""
    value = value.strip()
    if not value or value.startswith("0000-00-00"):
        return None
    try:
        parsed = datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        raise _fail(
            _("%(what)s has a date WordPress never writes: “%(value)s”.")
            % {"what": what, "value": value[:40]}
        ) from None
    return parsed.replace(tzinfo=tz)


def clean_content(html: str) -> str:
    """WordPress HTML made safe: block comments and shortcodes out, then nh3."""
    html = BLOCK_COMMENT.sub("", html or "")

    def pair(match):
        name = match.group(1).lower()
        if name in DROPPED_SHORTCODES:
            return ""
        if name == "embed":
            url = match.group(2).strip()
            return f'<p><a href="{url}">{url}</a></p>'
        return match.group(2)

    for _round in range(3):  # nested shortcodes
        html = SHORTCODE_PAIR.sub(pair, html)
    html = SHORTCODE_SINGLE.sub("", html)
    if "<p" not in html and "\n\n" in html:  # the classic editor's paragraphs
        html = "".join(f"<p>{part.strip()}</p>\n" for part in html.split("\n\n") if part.strip())
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener ugc",
    ).strip()


@dataclass
class _Plan:
    """Everything read and checked from the file, before a single write."""

    authors: dict[str, dict]  # login -> {email, name}
    posts: list[dict]
    attachments: dict[str, dict]  # WordPress post id -> {url, title}


def read_items(channel, ns: _Ns, tz, *, pages_as_posts: bool, report: ImportReport) -> _Plan:
    authors = {}
    for author in channel.findall(ns.wp_tag("author")):
        login = _text(author, ns.wp_tag("author_login"))
        if login:
            authors[login] = {
                "email": _text(author, ns.wp_tag("author_email")).lower(),
                "name": _text(author, ns.wp_tag("author_display_name")) or login,
            }
    posts, attachments = [], {}
    for item in channel.findall("item"):
        title = _text(item, "title") or _("(untitled)")
        post_type = _text(item, ns.wp_tag("post_type")) or "post"
        wp_id = _text(item, ns.wp_tag("post_id"))
        if post_type == "attachment":
            attachments[wp_id] = {
                "url": _text(item, ns.wp_tag("attachment_url")) or _text(item, "guid"),
                "title": title,
            }
            continue
        if post_type == "page" and not pages_as_posts:
            report.skip(f"“{title}”", _("a page (add --pages-as-posts to bring pages in)"))
            continue
        if post_type not in {"post", "page"}:
            report.skip(f"“{title}”", _("a %(type)s, not a post") % {"type": post_type})
            continue
        wp_status = _text(item, ns.wp_tag("status"))
        if wp_status not in STATUSES:
            report.skip(f"“{title}”", _("its status is “%(s)s”") % {"s": wp_status or "none"})
            continue
        guid = _text(item, "guid") or _text(item, "link") or f"wp-post-{wp_id}"
        what = _("The post “%(title)s”") % {"title": title[:80]}
        date = _date(_text(item, ns.wp_tag("post_date_gmt")), UTC, what) or _date(
            _text(item, ns.wp_tag("post_date")), tz, what
        )
        meta = {
            _text(m, ns.wp_tag("meta_key")): m.findtext(ns.wp_tag("meta_value")) or ""
            for m in item.findall(ns.wp_tag("postmeta"))
        }
        comments = []
        for c in item.findall(ns.wp_tag("comment")):
            c_what = _("A comment on “%(title)s”") % {"title": title[:80]}
            comments.append(
                {
                    "id": _text(c, ns.wp_tag("comment_id")),
                    "author": _text(c, ns.wp_tag("comment_author"))[:100] or _("Anonymous"),
                    "email": _text(c, ns.wp_tag("comment_author_email"))[:254],
                    "url": _text(c, ns.wp_tag("comment_author_url"))[:200],
                    "date": _date(_text(c, ns.wp_tag("comment_date_gmt")), UTC, c_what)
                    or _date(_text(c, ns.wp_tag("comment_date")), tz, c_what),
                    "body": _text(c, ns.wp_tag("comment_content")),
                    "approved": _text(c, ns.wp_tag("comment_approved")),
                    "type": _text(c, ns.wp_tag("comment_type")) or "comment",
                    "parent": _text(c, ns.wp_tag("comment_parent")) or "0",
                }
            )
        posts.append(
            {
                "guid": guid[:500],
                "title": title[:200],
                "slug": _text(item, ns.wp_tag("post_name")),
                "wp_status": wp_status,
                "date": date,
                "creator": _text(item, f"{{{DC_NS}}}creator"),
                "content": item.findtext(f"{{{CONTENT_NS}}}encoded") or "",
                "excerpt": (item.findtext(f"{{{ns.excerpt}}}encoded") or "").strip(),
                "markdown": meta.get("_hubbub_markdown"),
                "thumbnail": meta.get("_thumbnail_id", ""),
                "comment_status": _text(item, ns.wp_tag("comment_status")),
                "categories": [
                    (c.get("nicename") or slugify(c.text or ""), (c.text or "").strip())
                    for c in item.findall("category")
                    if c.get("domain") == "category"
                ],
                "tags": [
                    (c.get("nicename") or slugify(c.text or ""), (c.text or "").strip())
                    for c in item.findall("category")
                    if c.get("domain") == "post_tag"
                ],
                "comments": comments,
            }
        )
    return _Plan(authors=authors, posts=posts, attachments=attachments)


# -- attachments -----------------------------------------------------------------------------
def _public_host(host: str) -> bool:
    try:
        infos = socket.getaddrinfo(host, None)
    except (OSError, UnicodeError):
        return False
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            return False
    return bool(infos)


def fetch_attachment(url: str) -> bytes | str:
    """The file at ``url``, or why it was left linked. Never a private or loopback address
    (the importer must not become a way to read the organisation's own network)."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return _("not a web address")
    if not ALLOW_PRIVATE_HOSTS and not _public_host(parts.hostname):
        return _("its host is not a public address")
    try:
        with (
            httpx.Client(timeout=DOWNLOAD_TIMEOUT, follow_redirects=False) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code != 200:
                return _("the host answered %(status)s") % {"status": response.status_code}
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_ATTACHMENT_BYTES:
                    return _("it is larger than %(mb)d MB") % {"mb": MAX_ATTACHMENT_BYTES // 2**20}
            return bytes(body)
    except httpx.HTTPError:
        return _("it could not be reached")


def download_covers(plan: _Plan, report: ImportReport) -> None:
    """Fetch each post's featured image before the transaction (no network inside it)."""
    fetched = 0
    for data in plan.posts:
        thumb = plan.attachments.get(data["thumbnail"])
        if not thumb or not thumb["url"]:
            continue
        if fetched >= MAX_DOWNLOADS:
            report.notes.append(
                _("More than %(n)d images: the rest are left linked.") % {"n": MAX_DOWNLOADS}
            )
            return
        fetched += 1
        result = fetch_attachment(thumb["url"])
        if isinstance(result, str):
            report.notes.append(
                _("The image of “%(title)s” is left linked: %(why)s.")
                % {"title": data["title"], "why": result}
            )
            continue
        name = posixpath.basename(urlsplit(thumb["url"]).path) or "image"
        try:
            data["cover"] = clean_photo(
                SimpleUploadedFile(name, result), field="cover", max_edge=1600
            )
            data["cover_alt"] = thumb["title"][:300]
        except ValidationError:
            report.notes.append(
                _("The image of “%(title)s” is left linked: it is not a photo hubbub can read.")
                % {"title": data["title"]}
            )


# -- writing ---------------------------------------------------------------------------------
def _author(login: str, plan: _Plan, report: ImportReport, cache: dict, event=None):
    """The event's team member with the author's email, or a new inactive account for them.

    Only people on the event's team (or, for the site blog, staff) are matched: the file is
    the importer's to write, and matching any account would let it put words in anyone's name."""
    if not login:
        return None
    if login in cache:
        return cache[login]
    User = get_user_model()
    info = plan.authors.get(login, {"email": "", "name": login})
    user = None
    if info["email"]:
        candidates = User.objects.filter(email__iexact=info["email"])
        if event is not None:
            candidates = candidates.filter(event_roles__event=event).distinct()
        else:
            candidates = candidates.filter(is_staff=True)
        user = candidates.order_by("pk").first()
    if user is None:
        base = slugify(login)[:140] or "author"
        username, n = base, 1
        while User.objects.filter(username=username).exists():
            n += 1
            username = f"{base}-{n}"
        user = User(username=username, email=info["email"], is_active=False)
        user.first_name = info["name"][:150]
        user.set_unusable_password()
        user.save()
        report.authors_created.append(f"{username} <{info['email'] or '-'}>")
    cache[login] = user
    return user


def _plain(markup: str) -> str:
    """Text without tags, stored as text: nh3 returns it entity-escaped, and templates escape
    again when showing it, so the entities are turned back into characters here."""
    return html.unescape(nh3.clean(markup, tags=set()))


def _terms(model, pairs):
    found = []
    for slug, name in pairs:
        slug = slugify(slug or name)[:100]
        if slug:
            obj, _created = model.objects.get_or_create(slug=slug, defaults={"name": name[:100]})
            found.append(obj)
    return found


def _free_slug(event, slug: str, title: str) -> str:
    slug = slugify(slug or title)[:110] or "post"
    if slug in RESERVED_SLUGS:
        slug += "-post"
    candidate, n = slug, 1
    while Post.objects.filter(event=event, slug=candidate).exists():
        n += 1
        candidate = f"{slug}-{n}"
    return candidate


def _content_html(data: dict, plan: _Plan) -> tuple[str, str]:
    """(body, body_html): hubbub's own markdown when the file came from hubbub; otherwise the
    cleaned WordPress HTML for both (it shows as HTML; editing it later starts from that)."""
    if data["markdown"]:
        return data["markdown"], render_markdown(data["markdown"])
    html = clean_content(data["content"])
    thumb = plan.attachments.get(data["thumbnail"])
    if data.get("cover") is None and thumb and thumb["url"].startswith(("http://", "https://")):
        html = clean_content(f'<p><img src="{thumb["url"]}" alt="{thumb["title"]}"></p>') + html
    return html, html


def _write(plan: _Plan, event, scope: str, report: ImportReport, actor=None) -> None:
    authors: dict = {}
    now = timezone.now()
    post_type = ContentType.objects.get_for_model(Post)
    done = set(
        ImportedItem.objects.filter(scope=scope, kind=ImportedItem.Kind.POST).values_list(
            "guid", flat=True
        )
    )
    for data in plan.posts:
        if data["guid"] in done:
            report.skip(f"“{data['title']}”", _("already imported"))
            continue
        body, body_html = _content_html(data, plan)
        if not body:
            report.skip(f"“{data['title']}”", _("it is empty"))
            continue
        status = STATUSES[data["wp_status"]]
        publish_at = data["date"] or now
        if status == Post.Status.SCHEDULED and publish_at <= now:
            status = Post.Status.PUBLISHED
        if status == Post.Status.PUBLISHED and publish_at > now:
            status = Post.Status.SCHEDULED
        if data["wp_status"] == "private":
            report.notes.append(
                _("“%(title)s” was private: kept as a draft, which only the team sees.")
                % {"title": data["title"]}
            )
        post = Post.objects.create(
            event=event,
            title=data["title"],
            slug=_free_slug(event, data["slug"], data["title"]),
            body=body,
            body_html=body_html,
            excerpt=_plain(data["excerpt"])[:500],
            author=_author(data["creator"], plan, report, authors, event),
            status=status,
            publish_at=publish_at,
            comments_open=data["comment_status"] != "closed",
        )
        if data.get("cover") is not None:
            post.cover.save(data["cover"].file.name, data["cover"].file, save=False)
            post.cover_alt = data.get("cover_alt", "")
            post.save(update_fields=["cover", "cover_alt"])
        post.categories.set(_terms(Category, data["categories"]))
        post.tags.set(_terms(Tag, data["tags"]))
        sync_search_post(post)
        ImportedItem.objects.create(
            scope=scope, kind=ImportedItem.Kind.POST, guid=data["guid"], object_id=post.pk
        )
        report.posts.append(post.title)
        _write_comments(post, post_type, data, scope, report)
    if report.posts:
        log_action(
            "hubbub.archive.wxr_imported",
            actor=actor,
            event=event,
            target=None,
            data={"posts": len(report.posts), "comments": report.comments},
        )


def _write_comments(post, post_type, data: dict, scope: str, report: ImportReport) -> None:
    made: dict[str, Comment] = {}
    pending = list(data["comments"])
    # Parents before replies, whatever order the file lists them in.
    for _round in range(len(pending) + 1):
        if not pending:
            break
        later = []
        for c in pending:
            parent = None
            if c["parent"] not in {"", "0"}:
                if c["parent"] in made:
                    parent = made[c["parent"]]
                elif any(o["id"] == c["parent"] for o in pending):
                    later.append(c)
                    continue
            who = _("comment %(id)s by %(name)s on “%(title)s”") % {
                "id": c["id"],
                "name": c["author"],
                "title": post.title,
            }
            if c["type"] in {"pingback", "trackback"}:
                report.skip(who, _("a %(type)s") % {"type": c["type"]})
                continue
            status = COMMENT_STATUSES.get(c["approved"])
            if status is None:
                report.skip(who, _("marked “%(s)s” in WordPress") % {"s": c["approved"]})
                continue
            body = _plain(c["body"]).strip()
            if not body:
                report.skip(who, _("it is empty"))
                continue
            comment = Comment.objects.create(
                event=post.event,
                content_type=post_type,
                object_id=post.pk,
                parent=parent,
                depth=parent.depth + 1 if parent else 0,
                author_name=c["author"],
                author_email=c["email"],
                author_url=c["url"] if c["url"].startswith(("http://", "https://")) else "",
                body=body,
                status=status,
            )
            if c["date"]:
                Comment.objects.filter(pk=comment.pk).update(created_at=c["date"])
            ImportedItem.objects.create(
                scope=scope,
                kind=ImportedItem.Kind.COMMENT,
                guid=f"{data['guid']}#comment-{c['id']}"[:500],
                object_id=comment.pk,
            )
            made[c["id"]] = comment
            report.comments += 1
        pending = later


def do_import_wxr(
    data: bytes,
    *,
    event: Event | None,
    pages_as_posts: bool = False,
    download: bool = False,
    actor=None,
) -> ImportReport:
    """Import a WXR file into ``event``'s blog (None: the site-wide blog), all or nothing.
    With ``download``, featured images are fetched (public hosts only) and become covers."""
    report = ImportReport(target=event.slug if event else _("the site-wide blog"))
    tz = event.tz if event else ZoneInfo(timezone.get_default_timezone_name())
    channel, ns = parse_wxr(data)
    plan = read_items(channel, ns, tz, pages_as_posts=pages_as_posts, report=report)
    if download:
        download_covers(plan, report)
    scope = f"event:{event.pk}" if event else "site"
    with transaction.atomic():
        _write(plan, event, scope, report, actor)
    return report


def do_import_wxr_file(path: Path, *, event_slug: str | None, **options) -> ImportReport:
    event = None
    if event_slug:
        event = Event.objects.filter(slug=event_slug).first()
        if event is None:
            raise ValidationError(
                {"event": _("No event with the slug “%(slug)s”.") % {"slug": event_slug}}
            )
    try:
        if Path(path).stat().st_size > MAX_FILE_BYTES:
            raise _fail(_("The file is larger than %(mb)d MB.") % {"mb": MAX_FILE_BYTES // 2**20})
        data = Path(path).read_bytes()
    except OSError as exc:
        message = _("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc.strerror}
        raise _fail(message) from None
    return do_import_wxr(data, event=event, **options)
