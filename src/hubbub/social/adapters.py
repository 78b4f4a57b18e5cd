"""Each network's answer turned into the same ``Found`` posts; nothing here writes.

Mastodon: ``GET {server}/api/v1/timelines/tag/{hashtag}?min_id=…`` (statuses, newest first).
Bluesky: ``GET {server}/xrpc/app.bsky.feed.searchPosts?q=…&since=…`` on a public AppView.
RSS and Atom: feedparser, asking with ETag / If-Modified-Since. A single URL: its oEmbed
description when the page offers one, otherwise its Open Graph tags.

A source answer that is not what its kind promises (HTML for JSON, malformed JSON, a page that
is not a feed) raises ``FetchError`` with a sentence for the team.
"""

import calendar
import contextlib
import html
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from urllib.parse import quote, urlencode, urljoin, urlsplit

import feedparser
import nh3

from .fetch import FetchError, Response, fetch

MAX_POSTS_PER_POLL = 40
MAX_IMAGES = 4
MAX_TEXT = 5000
PAGE_BYTES = 512 * 1024
# What may survive of a post's own HTML: paragraphs, line breaks and plain links.
TEXT_TAGS = {"p", "br", "a", "em", "strong", "b", "i", "span"}


@dataclass
class FoundImage:
    url: str
    alt: str = ""


@dataclass
class Found:
    """One post as a source described it, before anything is fetched or stored."""

    uri: str
    url: str
    text_html: str
    posted_at: datetime
    author_name: str = ""
    author_handle: str = ""
    avatar_url: str = ""
    links: list[str] = field(default_factory=list)
    images: list[FoundImage] = field(default_factory=list)


@dataclass
class Polled:
    posts: list[Found]
    cursor: str = ""
    etag: str = ""
    last_modified: str = ""
    # Seconds the server asked us to wait before the next request.
    wait: int | None = None


def clean_html(markup: str) -> str:
    """A post's HTML reduced to paragraphs and http(s) links (nofollow), nothing that runs."""
    cleaned = nh3.clean(
        markup or "",
        tags=TEXT_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https"},
        link_rel="nofollow noopener ugc",
    )
    return cleaned[: MAX_TEXT * 2]


def text_to_html(text: str) -> str:
    paragraphs = [p for p in (text or "")[:MAX_TEXT].split("\n\n") if p.strip()]
    return "".join(
        "<p>" + "<br>".join(html.escape(line) for line in p.split("\n")) + "</p>"
        for p in paragraphs
    )


def plain(markup: str, limit: int = MAX_TEXT) -> str:
    text = nh3.clean(markup or "", tags=set())
    return " ".join(html.unescape(text).split())[:limit]


def _web_url(value) -> str:
    value = str(value or "").strip()
    return value if urlsplit(value).scheme in {"http", "https"} else ""


def _when(value) -> datetime | None:
    if not value or not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _json(response: Response):
    if response.content_type not in {"application/json", ""} and not (
        response.content_type.endswith("+json")
    ):
        raise FetchError(
            f"The server answered {response.content_type or 'something'} where JSON was "
            "expected: is this the right server address?"
        )
    try:
        return json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        raise FetchError("The server's answer is not valid JSON.") from None


def _id_key(value: str):
    return (len(value), value) if value.isdigit() else (0, value)


# -- Mastodon ------------------------------------------------------------------------------------
def mastodon_url(server: str, hashtag: str, min_id: str = "") -> str:
    params = {"limit": MAX_POSTS_PER_POLL}
    if min_id:
        params["min_id"] = min_id
    tag = quote(hashtag.lstrip("#"), safe="")
    return f"{server.rstrip('/')}/api/v1/timelines/tag/{tag}?{urlencode(params)}"


def poll_mastodon(server: str, hashtag: str, cursor: str) -> Polled:
    response = fetch(mastodon_url(server, hashtag, cursor), accept="application/json")
    statuses = _json(response)
    if not isinstance(statuses, list):
        raise FetchError("The answer is not a Mastodon timeline (a list of statuses).")
    host = urlsplit(server).hostname or ""
    posts, newest = [], cursor
    for status in statuses[:MAX_POSTS_PER_POLL]:
        found = _mastodon_status(status, host)
        if found is None:
            continue
        posts.append(found)
        status_id = str(status.get("id", ""))
        if status_id and (not newest or _id_key(status_id) > _id_key(newest)):
            newest = status_id
    return Polled(posts, cursor=newest, wait=response.wait)


def _mastodon_status(status, host: str) -> Found | None:
    if not isinstance(status, dict):
        return None
    if isinstance(status.get("reblog"), dict):
        status = status["reblog"]
    account = status.get("account") if isinstance(status.get("account"), dict) else {}
    url = _web_url(status.get("url")) or _web_url(status.get("uri"))
    posted_at = _when(status.get("created_at"))
    if not url or posted_at is None:
        return None
    acct = str(account.get("acct") or "")[:150]
    if acct and "@" not in acct and host:
        acct = f"{acct}@{host}"
    images = [
        FoundImage(_web_url(m.get("url")), str(m.get("description") or "")[:1000])
        for m in status.get("media_attachments") or []
        if isinstance(m, dict)
        and m.get("type") in ("image", "gifv", None)
        and _web_url(m.get("url"))
    ]
    text_html = clean_html(str(status.get("content") or ""))
    return Found(
        uri=str(status.get("uri") or url)[:500],
        url=url,
        text_html=text_html,
        posted_at=posted_at,
        author_name=str(account.get("display_name") or account.get("username") or "")[:200],
        author_handle=f"@{acct}" if acct else "",
        avatar_url=_web_url(account.get("avatar")),
        links=_links(text_html),
        images=images[:MAX_IMAGES],
    )


# -- Bluesky -------------------------------------------------------------------------------------
def bluesky_url(server: str, query: str, since: str = "") -> str:
    params = {"q": query, "limit": MAX_POSTS_PER_POLL, "sort": "latest"}
    if since:
        params["since"] = since
    return f"{server.rstrip('/')}/xrpc/app.bsky.feed.searchPosts?{urlencode(params)}"


def poll_bluesky(server: str, query: str, cursor: str) -> Polled:
    response = fetch(bluesky_url(server, query, cursor), accept="application/json")
    answer = _json(response)
    if not isinstance(answer, dict) or not isinstance(answer.get("posts"), list):
        raise FetchError("The answer is not a Bluesky search result (no list of posts).")
    posts, newest = [], cursor
    for view in answer["posts"][:MAX_POSTS_PER_POLL]:
        found = _bluesky_post(view)
        if found is None:
            continue
        posts.append(found)
        stamp = found.posted_at.astimezone(UTC).isoformat().replace("+00:00", "Z")
        if not newest or stamp > newest:
            newest = stamp
    return Polled(posts, cursor=newest, wait=response.wait)


def _bluesky_post(view) -> Found | None:
    if not isinstance(view, dict):
        return None
    uri = str(view.get("uri") or "")
    author = view.get("author") if isinstance(view.get("author"), dict) else {}
    record = view.get("record") if isinstance(view.get("record"), dict) else {}
    handle = str(author.get("handle") or "")[:150]
    posted_at = _when(record.get("createdAt")) or _when(view.get("indexedAt"))
    if not uri.startswith("at://") or not handle or posted_at is None:
        return None
    rkey = uri.rstrip("/").rsplit("/", 1)[-1]
    url = f"https://bsky.app/profile/{quote(handle, safe='.:')}/post/{quote(rkey, safe='')}"
    embed = view.get("embed") if isinstance(view.get("embed"), dict) else {}
    if isinstance(embed.get("media"), dict):  # a quote with media
        embed = embed["media"]
    images = [
        FoundImage(_web_url(i.get("fullsize") or i.get("thumb")), str(i.get("alt") or "")[:1000])
        for i in embed.get("images") or []
        if isinstance(i, dict) and _web_url(i.get("fullsize") or i.get("thumb"))
    ]
    links = []
    for facet in record.get("facets") or []:
        for feature in (facet or {}).get("features") or [] if isinstance(facet, dict) else []:
            if isinstance(feature, dict) and _web_url(feature.get("uri")):
                links.append(feature["uri"])
    return Found(
        uri=uri[:500],
        url=url,
        text_html=clean_html(text_to_html(str(record.get("text") or ""))),
        posted_at=posted_at,
        author_name=str(author.get("displayName") or "")[:200],
        author_handle=f"@{handle}",
        avatar_url=_web_url(author.get("avatar")),
        links=links[:10],
        images=images[:MAX_IMAGES],
    )


# -- RSS and Atom --------------------------------------------------------------------------------
def poll_feed(url: str, etag: str, last_modified: str) -> Polled:
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    response = fetch(
        url,
        headers=headers,
        accept="application/atom+xml, application/rss+xml, application/xml;q=0.9, */*;q=0.5",
    )
    if response.status == 304:
        return Polled([], etag=etag, last_modified=last_modified, wait=response.wait)
    parsed = feedparser.parse(response.content, response_headers={"content-location": url})
    if not parsed.get("version") and not parsed.entries:
        raise FetchError("That address is not an RSS or Atom feed.")
    posts = []
    author_name = plain(parsed.feed.get("title", ""), 200)
    for entry in parsed.entries[:MAX_POSTS_PER_POLL]:
        found = _feed_entry(entry, url, author_name)
        if found is not None:
            posts.append(found)
    return Polled(
        posts,
        etag=response.headers.get("etag", "")[:200],
        last_modified=response.headers.get("last-modified", "")[:100],
        wait=response.wait,
    )


def _feed_entry(entry, feed_url: str, feed_title: str) -> Found | None:
    link = _web_url(urljoin(feed_url, entry.get("link", "")))
    if not link:
        return None
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    posted_at = datetime.fromtimestamp(calendar.timegm(stamp), UTC) if stamp else datetime.now(UTC)
    title = plain(entry.get("title", ""), 300)
    body = ""
    if entry.get("content"):
        body = entry["content"][0].get("value", "")
    body = body or entry.get("summary", "")
    text_html = clean_html(
        (f"<p><strong>{html.escape(title)}</strong></p>" if title else "") + body
    )
    images = []
    for media in [*entry.get("media_content", []), *entry.get("enclosures", [])]:
        kind = media.get("type", "") or media.get("medium", "")
        href = _web_url(media.get("url") or media.get("href"))
        if href and kind.startswith("image"):
            images.append(FoundImage(href, plain(media.get("title", ""), 1000)))
    return Found(
        uri=str(entry.get("id") or link)[:500],
        url=link,
        text_html=text_html,
        posted_at=posted_at,
        author_name=plain(entry.get("author", ""), 200) or feed_title,
        links=[link],
        images=images[:MAX_IMAGES],
    )


# -- a single URL: oEmbed, else Open Graph -------------------------------------------------------
class _HeadParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.oembed = ""
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attrs = {k.lower(): v or "" for k, v in attrs}
        if tag == "meta":
            key = (attrs.get("property") or attrs.get("name") or "").lower()
            if key and key not in self.meta:
                self.meta[key] = attrs.get("content", "")
        elif tag == "link":
            rel = attrs.get("rel", "").lower().split()
            if "alternate" in rel and attrs.get("type", "").lower() == "application/json+oembed":
                self.oembed = self.oembed or attrs.get("href", "")
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def poll_url(url: str) -> Polled:
    response = fetch(url, max_bytes=PAGE_BYTES, truncate=True, accept="text/html, */*;q=0.5")
    if "html" not in response.content_type:
        raise FetchError("That address is not a web page.")
    head = _HeadParser()
    with contextlib.suppress(ValueError, AssertionError):
        head.feed(response.text())
    page_url = _web_url(response.url) or url
    if head.oembed:
        found = _from_oembed(urljoin(page_url, head.oembed), page_url)
        if found is not None:
            return Polled([found])
    meta = head.meta
    title = plain(meta.get("og:title") or head.title, 300)
    description = plain(meta.get("og:description") or meta.get("description", ""), 1000)
    if not title and not description:
        raise FetchError("The page has no oEmbed or Open Graph description to show.")
    image = _web_url(urljoin(page_url, meta.get("og:image", ""))) if meta.get("og:image") else ""
    canonical = _web_url(meta.get("og:url")) or page_url
    body = (f"<p><strong>{html.escape(title)}</strong></p>" if title else "") + (
        f"<p>{html.escape(description)}</p>" if description else ""
    )
    return Polled(
        [
            Found(
                uri=canonical[:500],
                url=canonical,
                text_html=clean_html(body),
                posted_at=_when(meta.get("article:published_time")) or datetime.now(UTC),
                author_name=plain(meta.get("og:site_name") or meta.get("author", ""), 200),
                links=[canonical],
                images=[FoundImage(image, plain(meta.get("og:image:alt", ""), 1000))]
                if image
                else [],
            )
        ]
    )


def _from_oembed(endpoint: str, page_url: str) -> Found | None:
    data = _json(fetch(endpoint, accept="application/json"))
    if not isinstance(data, dict):
        raise FetchError("The page's oEmbed answer is not a JSON object.")
    # The provider's HTML is never embedded (it would carry its scripts); its text is kept.
    text = plain(str(data.get("html") or ""), MAX_TEXT) or plain(str(data.get("title") or ""))
    title = plain(str(data.get("title") or ""), 300)
    body = text_to_html(text) if text else ""
    if title and title not in text:
        body = f"<p><strong>{html.escape(title)}</strong></p>" + body
    if not body:
        return None
    image = _web_url(data.get("url")) if data.get("type") == "photo" else ""
    image = image or _web_url(data.get("thumbnail_url"))
    author_url = _web_url(data.get("author_url"))
    return Found(
        uri=page_url[:500],
        url=page_url,
        text_html=clean_html(body),
        posted_at=datetime.now(UTC),
        author_name=plain(str(data.get("author_name") or data.get("provider_name") or ""), 200),
        author_handle=_handle_from(author_url),
        links=[page_url],
        images=[FoundImage(image, title)] if image else [],
    )


def _handle_from(author_url: str) -> str:
    parts = urlsplit(author_url)
    path = parts.path.strip("/")
    if path.startswith("@") and "/" not in path:
        return f"{path}@{parts.hostname}"
    return ""


def _links(markup: str) -> list[str]:
    class Links(HTMLParser):
        def __init__(self):
            super().__init__()
            self.found = []

        def handle_starttag(self, tag, attrs):
            href = dict(attrs).get("href") if tag == "a" else None
            if href and _web_url(href):
                self.found.append(href)

    parser = Links()
    parser.feed(markup)
    return list(dict.fromkeys(parser.found))[:10]
