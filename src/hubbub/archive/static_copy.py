"""Turn a crawl into a static copy: files on disk (or in a zip) with every link relative.

Each page is saved as `path/index.html` (pages with a query string beside it, named after the
query), assets keep their paths. Links and asset URLs (href, src, srcset, poster, CSS `url()`)
are rewritten relative to the file that holds them, so the copy opens from `file://` and from
any static host in a sub-path. Scripts, forms and the live stream wiring are left out: the copy
needs no JavaScript and cannot send anything. Feeds, calendars and frab files are kept byte for
byte as served (their own formats want absolute URLs)."""

from __future__ import annotations

import hashlib
import html
import io
import mimetypes
import posixpath
import re
import zipfile
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from django.utils import formats
from django.utils.translation import gettext as _

from .crawl import CSS_IMPORT, CSS_URL, Crawl, Resource, normalise

EXTENSIONS = {
    "text/html": ".html",
    "text/css": ".css",
    "text/calendar": ".ics",
    "application/json": ".json",
    "application/feed+json": ".json",
    "application/xml": ".xml",
    "text/xml": ".xml",
    "application/rss+xml": ".xml",
    "application/atom+xml": ".xml",
    "text/plain": ".txt",
}
# Elements that only make sense on the live site: signing in, writing, reacting.
OMIT_TAGS = {"script", "form", "noscript", "template", "iframe", "dialog"}
OMIT_CLASSES = {"site-header__account", "skip-link-live", "live-embed"}
VOID_TAGS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
QUERY_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def attachment_name(resource: Resource) -> str:
    """A download's own file name (slide decks), made safe for any file system."""
    for name, value in resource.headers:
        if name.lower() == "content-disposition":
            found = re.search(r'filename="?([^";]+)"?', value)
            if found:
                return QUERY_SAFE.sub("-", found.group(1)).strip("-.")[:100]
    return ""


def local_path(resource: Resource) -> str:
    """Where a URL lives in the copy, relative to its root (no leading slash)."""
    parts = urlsplit(resource.url)
    path = parts.path.lstrip("/")
    ext = EXTENSIONS.get(resource.content_type) or mimetypes.guess_extension(resource.content_type)
    ext = ext or ".bin"
    if not path or path.endswith("/"):
        filename = attachment_name(resource)
        if filename:
            stem, dot, suffix = filename.rpartition(".")
            stem, suffix = (path + stem, dot + suffix) if dot else (path + filename, "")
        else:
            stem, suffix = path + "index", ext
    else:
        last = path.rpartition("/")[2]
        if "." in last:
            stem, dot, suffix = path.rpartition(".")
            suffix = dot + suffix
        else:
            stem, suffix = path, ext
    if parts.query:
        digest = hashlib.sha1(parts.query.encode()).hexdigest()[:6]
        stem += "--" + QUERY_SAFE.sub("-", parts.query)[:60].strip("-") + "-" + digest
    return stem + suffix


class CopyLayout:
    """File names for every collected URL and the relative link from one file to another."""

    def __init__(self, crawl: Crawl):
        self.crawl = crawl
        self.files = {url: local_path(r) for url, r in crawl.resources.items()}

    def link(self, value: str, from_url: str) -> str | None:
        """The relative link for `value` found in `from_url`; None when it leaves the copy."""
        value = value.strip()
        if value.startswith("#"):
            return value
        fragment = ""
        if "#" in value:
            value, fragment = value.split("#", 1)
            fragment = "#" + fragment
        if not value:
            return fragment or None
        url = normalise(self.crawl, value, from_url)
        target = self.crawl.resolve(url) if url else None
        if target is None:
            return None
        here = posixpath.dirname(self.files[from_url])
        return posixpath.relpath(self.files[target], here or ".") + fragment


class _Rewriter(HTMLParser):
    def __init__(self, layout: CopyLayout, url: str, banner: str):
        super().__init__(convert_charrefs=False)
        self.layout, self.url, self.banner = layout, url, banner
        self.out: list[str] = []
        self.skip_tag: str | None = None
        self.skip_depth = 0
        host = layout.crawl.host
        self.origins = (f"https://{host}", f"http://{host}")

    # -- elements
    def handle_starttag(self, tag, attrs):
        self._start(tag, attrs, closed=False)

    def handle_startendtag(self, tag, attrs):
        self._start(tag, attrs, closed=True)

    def _start(self, tag, attrs, closed):
        if self.skip_tag:
            if tag == self.skip_tag and not closed and tag not in VOID_TAGS:
                self.skip_depth += 1
            return
        attrs_d = dict(attrs)
        classes = set((attrs_d.get("class") or "").split())
        if tag in OMIT_TAGS or classes & OMIT_CLASSES or "data-archive-omit" in attrs_d:
            if not closed and tag not in VOID_TAGS:
                self.skip_tag, self.skip_depth = tag, 1
            return
        kept = self._rewrite_attrs(tag, attrs)
        if kept is None:
            return
        text = (
            "<"
            + tag
            + "".join(
                f" {k}" if v is None else f' {k}="{html.escape(v, quote=True)}"' for k, v in kept
            )
        )
        self.out.append(text + (" />" if closed else ">"))
        if tag == "main" and self.banner:
            self.out.append(self.banner)

    def handle_endtag(self, tag):
        if self.skip_tag:
            if tag == self.skip_tag:
                self.skip_depth -= 1
                if self.skip_depth == 0:
                    self.skip_tag = None
            return
        self.out.append(f"</{tag}>")

    def _rewrite_attrs(self, tag, attrs):
        """Attributes with links made relative; None drops an element that would reach out."""
        kept = []
        for name, value in attrs:
            if value is None:
                kept.append((name, value))
                continue
            if name in {"integrity", "nonce"}:
                continue
            if name in {"href", "src", "poster"}:
                new = self.layout.link(value, self.url)
                if new is None:
                    if tag in {"link", "img", "source", "video", "audio"}:
                        return None
                    continue  # an <a> without href stays as text
                value = new
            elif name in {"srcset", "imagesrcset"}:
                candidates = []
                for part in value.split(","):
                    bits = part.strip().split(None, 1)
                    if not bits:
                        continue
                    new = self.layout.link(bits[0], self.url)
                    if new is not None:
                        candidates.append(" ".join([new, *bits[1:]]))
                if not candidates:
                    continue
                value = ", ".join(candidates)
            elif name == "content" and value.startswith(("http:", "https:", "/")):
                if tag == "meta":
                    return None  # og:image, og:url and the like point at the live site
            elif (
                name.startswith("data-") and value.startswith(("/", "http:", "https:"))
            ) or name == "style":
                continue
            kept.append((name, value))
        return kept

    # -- text
    def handle_data(self, data):
        if not self.skip_tag:
            for origin in self.origins:
                data = data.replace(origin, "")
            self.out.append(data)

    def handle_entityref(self, name):
        if not self.skip_tag:
            self.out.append(f"&{name};")

    def handle_charref(self, name):
        if not self.skip_tag:
            self.out.append(f"&#{name};")

    def handle_decl(self, decl):
        self.out.append(f"<!{decl}>")

    def handle_comment(self, data):
        pass

    def handle_pi(self, data):
        if not self.skip_tag:
            self.out.append(f"<?{data}>")

    def result(self) -> str:
        return "".join(self.out)


def banner_html(taken_at: datetime) -> str:
    when = formats.date_format(taken_at, "j F Y")
    text = _("This is an archive taken on %(date)s.") % {"date": when}
    note = _("It is a copy that needs no server: nothing on it can be added or changed.")
    return (
        '<div class="notice notice--archive" id="archive-copy-notice" role="note">'
        f"<p><strong>{html.escape(text)}</strong> {html.escape(note)}</p></div>"
    )


def rewrite_html(layout: CopyLayout, resource: Resource, banner: str) -> bytes:
    parser = _Rewriter(layout, resource.url, banner)
    parser.feed(resource.body.decode("utf-8", "replace"))
    parser.close()
    return parser.result().encode("utf-8")


def rewrite_css(layout: CopyLayout, resource: Resource) -> bytes:
    text = resource.body.decode("utf-8", "replace")

    def url_sub(match):
        if match.group(2).startswith("data:"):
            return match.group(0)
        new = layout.link(match.group(2), resource.url)
        return f'url("{new}")' if new else "none"

    def import_sub(match):
        new = layout.link(match.group(2), resource.url)
        return f'@import "{new}"' if new else ""

    text = CSS_IMPORT.sub(import_sub, CSS_URL.sub(url_sub, text))
    return text.encode("utf-8")


def copy_files(crawl: Crawl, taken_at: datetime) -> dict[str, bytes]:
    """Every file of the static copy: relative path → bytes."""
    layout = CopyLayout(crawl)
    banner = banner_html(taken_at)
    files: dict[str, bytes] = {}
    for url, resource in crawl.resources.items():
        if resource.is_html:
            body = rewrite_html(layout, resource, banner)
        elif resource.is_css:
            body = rewrite_css(layout, resource)
        else:
            body = resource.body
        files[layout.files[url]] = body
    home = layout.files[crawl.home]
    title = html.escape(_("Archive of the event"))
    files.setdefault(
        "index.html",
        (
            '<!doctype html>\n<html lang="en-GB"><head><meta charset="utf-8">'
            f'<meta http-equiv="refresh" content="0; url={home}"><title>{title}</title></head>'
            f'<body><p><a href="{home}">{title}</a></p></body></html>\n'
        ).encode(),
    )
    return files


def write_directory(files: dict[str, bytes], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, body in sorted(files.items()):
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)


def zip_bytes(files: dict[str, bytes], root: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in sorted(files.items()):
            archive.writestr(f"{root}/{name}", body)
    return buffer.getvalue()
