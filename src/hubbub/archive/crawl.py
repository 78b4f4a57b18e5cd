"""Crawl one event's public pages in-process, as an anonymous reader would see them.

The crawler asks Django itself (the test client's request factory, no network), starting at the
event home and its sitemap and following every same-event link and every asset a page uses
(stylesheets, fonts, icons, images, slide images, feeds, calendars, frab exports). Static copies
and web archives are both written from what it collects, so they hold the same pages."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from django.conf import settings
from django.test import Client

# Paths under the event that belong to the team or take writes; never part of the record.
PRIVATE_PREFIXES = (
    "manage/",
    "team/",
    "live/write",
    "live/review",
    "live/stream",
    "live/embed",
    "comments/moderate",
    "comments/edit/",
    "unconference/console",
    "unconference/manage",
)
# Query parameters that only open a form (reply to a comment, come back after signing in).
DROPPED_PARAMS = {"replyto", "next"}
MAX_RESOURCES = 20_000
ARCHIVE_HEADER = "X-Hubbub-Archive"

URL_ATTRS = {"href", "src", "poster", "action", "data", "content"}
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")
CSS_IMPORT = re.compile(r"""@import\s+(['"])([^'"]+)\1""")


@dataclass
class Resource:
    """One URL as the site served it."""

    url: str  # path with its query string, e.g. /ev/live/?before=12
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    location: str | None = None  # the in-scope target of a redirect

    @property
    def content_type(self) -> str:
        for name, value in self.headers:
            if name.lower() == "content-type":
                return value.split(";")[0].strip().lower()
        return "application/octet-stream"

    @property
    def is_html(self) -> bool:
        return self.content_type == "text/html"

    @property
    def is_css(self) -> bool:
        return self.content_type == "text/css" or urlsplit(self.url).path.endswith(".css")


@dataclass
class Crawl:
    event_slug: str
    host: str
    scheme: str = "http"
    resources: dict[str, Resource] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)  # redirects, "/" → event home
    skipped: dict[str, int] = field(default_factory=dict)  # url → status
    truncated: bool = False  # stopped at the limit with URLs still to fetch

    @property
    def origin(self) -> str:
        return f"{self.scheme}://{self.host}"

    @property
    def home(self) -> str:
        return f"/{self.event_slug}/"

    def pages(self) -> list[Resource]:
        return [r for r in self.resources.values() if r.is_html and r.status == 200]

    def resolve(self, url: str) -> str | None:
        """The collected URL a link means, following redirects; None when it is not kept."""
        seen = set()
        while url in self.aliases and url not in seen:
            seen.add(url)
            url = self.aliases[url]
        return url if url in self.resources else None


class _LinkParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name in URL_ATTRS:
                if name == "content" and not value.startswith(("/", "http")):
                    continue
                if name == "action" or tag == "script":
                    continue
                self.links.append(value)
            elif name in {"srcset", "imagesrcset"}:
                self.links.extend(srcset_urls(value))


def srcset_urls(value: str) -> list[str]:
    return [part.strip().split()[0] for part in value.split(",") if part.strip()]


def css_urls(text: str) -> list[str]:
    return [m.group(2) for m in CSS_URL.finditer(text)] + [
        m.group(2) for m in CSS_IMPORT.finditer(text)
    ]


def links_in(resource: Resource) -> list[str]:
    text = resource.body.decode("utf-8", "replace")
    if resource.is_html:
        parser = _LinkParser()
        parser.feed(text)
        return parser.links
    if resource.is_css:
        return css_urls(text)
    if resource.content_type in {"application/xml", "text/xml"} and "<urlset" in text[:500]:
        return re.findall(r"<loc>\s*([^<\s]+)\s*</loc>", text)
    return []


def default_scheme() -> str:
    return urlsplit(settings.HUBBUB_SITE_URL).scheme if settings.HUBBUB_SITE_URL else "http"


def default_host() -> str:
    if settings.HUBBUB_SITE_URL:
        return urlsplit(settings.HUBBUB_SITE_URL).netloc
    for host in settings.ALLOWED_HOSTS:
        if host and host != "*" and not host.startswith("."):
            return host
    return "localhost"


def normalise(crawl: Crawl, link: str, base: str) -> str | None:
    """The in-scope path+query a link points to, or None for anything outside the record."""
    link = link.strip()
    if not link or link.startswith(("#", "mailto:", "tel:", "data:", "javascript:")):
        return None
    parts = urlsplit(urljoin(crawl.origin + base, link))
    if parts.scheme not in {"http", "https"} or parts.netloc != crawl.host:
        return None
    path = parts.path or "/"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    query = [(k, v) for k, v in query if k not in DROPPED_PARAMS]
    url = path + ("?" + urlencode(sorted(query)) if query else "")
    if path == "/":
        return path  # the site's front page stands for the event home in the copy
    if path.startswith((settings.STATIC_URL, settings.MEDIA_URL)):
        return url
    home = crawl.home
    if not path.startswith(home):
        return None
    rest = path[len(home) :]
    if rest.startswith(PRIVATE_PREFIXES) or path.endswith("/like/"):
        return None
    return url


class Crawler:
    """Breadth-first over the event's public pages; `progress(done, to_do)` after each fetch."""

    def __init__(
        self,
        event_slug: str,
        *,
        host: str | None = None,
        limit: int = MAX_RESOURCES,
        use_sitemap: bool = True,
    ):
        self.crawl = Crawl(
            event_slug=event_slug, host=host or default_host(), scheme=default_scheme()
        )
        self.limit = limit
        self.use_sitemap = use_sitemap
        self.client = Client(HTTP_HOST=self.crawl.host, raise_request_exception=False)
        self.client.defaults["HTTP_" + ARCHIVE_HEADER.upper().replace("-", "_")] = "1"

    def fetch(self, url: str) -> Resource:
        response = self.client.get(url, secure=self.crawl.scheme == "https")
        if hasattr(response, "streaming_content"):
            body = b"".join(response.streaming_content)
        else:
            body = response.content
        headers = [(k, v) for k, v in response.items() if k.lower() != "set-cookie"]
        self.client.cookies.clear()  # stay an anonymous reader without a session
        resource = Resource(url=url, status=response.status_code, headers=headers, body=body)
        if response.status_code in {301, 302, 303, 307, 308}:
            resource.location = normalise(self.crawl, response["Location"], url)
        return resource

    def run(self, progress: Callable[[int, int], None] | None = None) -> Crawl:
        crawl = self.crawl
        crawl.aliases["/"] = crawl.home
        queue = deque([crawl.home] + ([f"{crawl.home}sitemap.xml"] if self.use_sitemap else []))
        seen = set(queue)
        done = 0
        while queue and done < self.limit:
            url = queue.popleft()
            resource = self.fetch(url)
            done += 1
            if resource.location:
                crawl.aliases[url] = resource.location
                found = [resource.location]
            elif resource.status == 200:
                crawl.resources[url] = resource
                found = [n for link in links_in(resource) if (n := normalise(crawl, link, url))]
            else:
                crawl.skipped[url] = resource.status
                found = []
            for link in found:
                if link not in seen and link != "/":
                    seen.add(link)
                    queue.append(link)
            if progress:
                progress(done, done + len(queue))
        crawl.truncated = bool(queue)
        return crawl


def crawl_event(event_slug: str, progress=None, host: str | None = None) -> Crawl:
    return Crawler(event_slug, host=host).run(progress)
