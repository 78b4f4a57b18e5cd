"""Whole public pages, answered in front of Django from copies keyed by content version.

Every public page is the same for every reader: Django renders it once as a stranger would see
it (the request's cookies and credentials are left out, so no personal data can get into it),
and later GETs of the same page are answered here, without a thread hop or a database query,
for as long as the versions the copy was rendered at are current (``core/pageversion.py``:
every write that changes a public page moves them). A copy also expires after
``HUBBUB_PAGE_CACHE_SECONDS``, for what changes with the clock alone ("on now", a scheduled
post coming out).

What differs per person is marked in the templates as parts (``core/pageparts.py``): a
signed-in reader gets the copy with their own parts (their name in the header, who they comment
as, their own comments' edit links), drawn once per person and page version and kept as long
as the copy; a reader with a visitor cookie gets their own comments part. The event's team and
site staff see more than a stranger (drafts, controls), so they get the page Django renders
for them, kept for them alone in the same way. Values that must differ per answer (the comment
form's single-use token) are filled in per answer. Requests carrying a flash-message cookie
(or another an app registers with ``register_personal_cookie``) or credentials go to Django.

What is cached: answers of 200 to a path outside the private areas (``PRIVATE_PATHS``) that set
no cookie. A page that sets one for a stranger (the unconference's marking page gives a device
cookie) is rendered for each reader by Django, and remembered as such for a while so it is not
rendered twice. The key is (scheme, host, path, the allowed query parameters, language, the
versions): unknown query parameters are dropped before Django sees them, so a page cached for
``?x=1`` is exactly the page without it, and a query string over ``MAX_QUERY_BYTES`` gets 414.

Copies for strangers carry an ``ETag`` (a hash of the body) and ``Last-Modified``,
``Cache-Control: public, max-age=0, must-revalidate`` (a browser or proxy may keep the copy but
asks each time; the answer is then a 304 without a body); ``If-None-Match`` is compared token by
token, so a malformed one simply gets the page. Answers with a person's parts or a fresh value
say ``private, no-cache`` and carry no validator.
"""

import asyncio
import hashlib
import logging
import re
import time
from collections import OrderedDict
from dataclasses import dataclass
from email.utils import formatdate
from functools import lru_cache, partial
from urllib.parse import parse_qsl, urlencode

from asgiref.sync import sync_to_async
from django.conf import settings
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header

from . import pageparts, pageversion, visitor

log = logging.getLogger(__name__)

# Paths never answered from a copy: personal, writing, or not pages.
PRIVATE_PATHS = re.compile(
    r"^/(admin|accounts|api|manage|media|static|search|healthz|me|feeds)(/|$)"
    r"|^/[^/]+/(manage|team|comments|feed)(/|$)"
    r"|^/[^/]+/reflections/(answer|confirm|stop)/"
    r"|^/[^/]+/live/(write|review|stream|console|entries)"
    r"|^/blog/(comments|write)(/|$)|^/[^/]+/blog/(write|[^/]+/edit)(/|$)"
    r"|/(edit|delete|new|upload|preview|console|projector|download|add)/?$"
)
SLUG = re.compile(r"^/([-a-zA-Z0-9_]{1,80})/")
SITE_PATHS = re.compile(r"^/($|blog/)")
# Query parameters the public pages read; anything else is dropped before Django sees it.
ALLOWED_PARAMS = frozenset({"order", "session", "before", "after", "page", "day", "replyto"})
MAX_PARAM_BYTES = 64
MAX_QUERY_BYTES = 2048
MAX_PAGES = 2000
MAX_PAGE_BYTES = 2 * 1024 * 1024
SLUG_SECONDS = 30.0
INTERNAL_HEADER = b"x-hubbub-"

_personal_cookies: set[str] = {"messages"}


def register_personal_cookie(name: str) -> None:
    """A request carrying cookie ``name`` gets its page from Django, never from a copy."""
    _personal_cookies.add(name)


@dataclass(slots=True)
class Page:
    versions: tuple
    event_id: int | None
    headers: list
    body: bytes  # as a stranger sees it
    etag: bytes
    expires: float
    layout: pageparts.Layout | None  # its per-person parts and fresh values, if any


def _header(scope, name: bytes) -> bytes:
    for key, value in scope["headers"]:
        if key == name:
            return value
    return b""


def _cookies(scope) -> dict[str, str]:
    found = {}
    for key, value in scope["headers"]:
        if key == b"cookie":
            for part in value.decode("latin-1").split(";"):
                name, _, content = part.strip().partition("=")
                if name:
                    found.setdefault(name, content)
    return found


def resolve_language(scope, cookies: dict[str, str]) -> str:
    """The language Django's LocaleMiddleware would choose: the language cookie, then the
    Accept-Language header by its weights, then the default."""
    wanted = cookies.get(settings.LANGUAGE_COOKIE_NAME, "")[:20]
    if wanted:
        try:
            return translation.get_supported_language_variant(wanted).lower()
        except LookupError:
            pass
    accept = _header(scope, b"accept-language").decode("latin-1")[:400]
    return _language_for_header(accept)


@lru_cache(maxsize=512)
def _language_for_header(accept: str) -> str:
    for code, _weight in parse_accept_lang_header(accept):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code).lower()
        except LookupError:
            continue
    return settings.LANGUAGE_CODE.lower()


def clean_query(raw: bytes) -> bytes:
    """The allowed parameters, first value of each, in a fixed order."""
    kept: dict[str, str] = {}
    for name, value in parse_qsl(raw.decode("latin-1"), keep_blank_values=False):
        if name in ALLOWED_PARAMS and name not in kept and len(value) <= MAX_PARAM_BYTES:
            kept[name] = value
    return urlencode(sorted(kept.items())).encode()


def etag_matches(header: bytes, etag: bytes) -> bool:
    if not header or len(header) > 4096:
        return False
    for token in header.split(b","):
        token = token.strip()
        if token.startswith(b"W/"):
            token = token[2:]
        if token == etag or token == b"*":
            return True
    return False


class PageCache:
    def __init__(self, app):
        self.app = app
        self.pages: OrderedDict[tuple, Page] = OrderedDict()
        self.personal: dict[tuple, float] = {}  # pages that set cookies: Django for everyone
        self.slugs: dict[str, tuple[int | None, float]] = {}
        self.drawn = PersonalStore()  # people's parts of shared pages
        self.own_pages = PersonalStore()  # whole pages Django rendered for a team member

    @staticmethod
    def applies(scope) -> bool:
        if scope["method"] != "GET" or PRIVATE_PATHS.search(scope["path"]):
            return False
        if not (SITE_PATHS.match(scope["path"]) or SLUG.match(scope["path"])):
            return False
        if _header(scope, b"authorization"):
            return False
        cookies = _cookies(scope)
        return not any(name in cookies for name in _personal_cookies)

    async def __call__(self, scope, receive, send) -> None:
        if len(scope["query_string"]) > MAX_QUERY_BYTES:
            await _plain(send, 414, b"That address is too long.")
            return
        cookies = _cookies(scope)
        query = clean_query(scope["query_string"])
        language = resolve_language(scope, cookies)
        forwarded = _header(scope, b"x-forwarded-proto")
        key = (
            scope.get("scheme", "http"),
            forwarded,
            _header(scope, b"host"),
            scope["path"],
            query,
            language,
        )
        now = time.monotonic()
        if self.personal.get(key, 0) > now:
            await self.app(scope, receive, send)
            return
        event_id = None
        slug_match = SLUG.match(scope["path"])
        if slug_match and not SITE_PATHS.match(scope["path"]):
            event_id = await self._event_id(slug_match[1], now)
            if event_id is None:  # no such event: Django says so
                await self.app(scope, receive, send)
                return
        try:
            versions = await pageversion.acurrent(event_id)
        except Exception:
            log.warning("page versions unavailable; rendering without the cache", exc_info=True)
            await self.app(scope, receive, send)
            return
        page = self.pages.get(key)
        if page is None or page.versions != versions or page.expires <= now:
            page = await self._render(
                scope, receive, send, key, query, language, event_id, versions
            )
            if page is None:  # not shareable: answered already
                return
        layout = page.layout
        session = cookies.get(settings.SESSION_COOKIE_NAME, "") if layout else ""
        # A made-up visitor cookie (its signature does not hold) is a stranger's.
        has_reader = (
            layout
            and layout.for_visitors
            and visitor.id_from_cookie(cookies.get(visitor.COOKIE, ""))
        )
        reader = cookies[visitor.COOKIE] if has_reader else ""
        if not (session or reader):
            if layout is None or not layout.fresh:
                await self._answer(scope, send, page)  # the stranger's copy, as it is
            else:
                body = pageparts.with_fresh_values(page.body, layout.fresh)
                await self._answer_body(send, page, body)
            return
        person = (key, versions, session, reader)
        drawn = await self.drawn.get(
            person,
            partial(
                sync_to_async(pageparts.draw_parts),
                {**scope, "query_string": query},  # what the key holds, nothing more
                language,
                event_id,
                layout.parts,
            ),
        )
        if drawn is pageparts.OWN_PAGE:
            own = (*person, scope["query_string"], tuple(sorted(cookies.items())))
            await self._own_page(scope, send, own, cookies)
            return
        await self._answer_body(send, page, pageparts.assemble(layout, drawn))

    async def _own_page(self, scope, send, key, cookies) -> None:
        """The page Django renders for someone who sees more than a stranger (the event's
        team, staff), kept for them alone until the content moves, so reloading it is cheap.
        Anything but a plain 200 (a cookie set, a redirect, private or no-store) is not kept."""

        async def render():
            status, headers, body = await _capture(self.app, {**scope, "hubbub.own": True})
            return status, headers, body, pageparts.fresh_names(body)

        status, headers, body, fresh = await self.own_pages.get(
            key, render, keep=lambda made: made[0] == 200 and _keepable_for(made[1], cookies)
        )
        body = pageparts.with_fresh_values(body, fresh)
        headers = _with_length([(n, v) for n, v in headers if n not in _SHARED_ONLY], body)
        if status == 200:
            headers.append((b"cache-control", b"private, no-cache"))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def _event_id(self, slug: str, now: float) -> int | None:
        known = self.slugs.get(slug)
        if known is not None and known[1] > now:
            return known[0]
        event_id = await sync_to_async(_slug_lookup)(slug)
        if len(self.slugs) > MAX_PAGES:
            self.slugs.clear()
        self.slugs[slug] = (event_id, now + SLUG_SECONDS)
        return event_id

    async def _answer(self, scope, send, page: Page) -> None:
        if etag_matches(_header(scope, b"if-none-match"), page.etag):
            headers = [(n, v) for n, v in page.headers if n in _KEPT_ON_304]
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        await send({"type": "http.response.start", "status": 200, "headers": page.headers})
        await send({"type": "http.response.body", "body": page.body})

    async def _answer_body(self, send, page: Page, body: bytes) -> None:
        """A copy with a reader's own parts or fresh values: for this reader only."""
        headers = [(n, v) for n, v in page.headers if n not in _SHARED_ONLY]
        headers = [*_with_length(headers, body), (b"cache-control", b"private, no-cache")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def _render(
        self, scope, receive, send, key, query, language, event_id, versions
    ) -> Page | None:
        """Render the page as a stranger would see it and keep it if every reader may have it
        (and return it); otherwise answer this request and return None."""
        stranger = {
            **scope,
            "query_string": query,
            "headers": [(n, v) for n, v in scope["headers"] if n not in _PERSONAL_REQUEST_HEADERS]
            + [(b"accept-language", language.encode())],
            "hubbub.shared": True,
        }
        status, headers, body = await _capture(self.app, stranger)
        shareable = status == 200 and len(body) <= MAX_PAGE_BYTES and _shareable(headers)
        if not shareable:
            if status == 200 and any(n == b"set-cookie" for n, _v in headers):
                self.personal[key] = time.monotonic() + _ttl()
                if len(self.personal) > MAX_PAGES:
                    self.personal.clear()
            if _cookies(scope) or query != scope["query_string"]:
                # Rendered for a stranger, not for this reader: Django answers them itself.
                await self.app(scope, receive, send)
                return None
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return None
        body, layout = pageparts.layout(body)
        etag = b'"' + hashlib.blake2b(body, digest_size=12).hexdigest().encode() + b'"'
        headers = [
            (n, v)
            for n, v in headers
            if n not in (b"cache-control", b"etag", b"last-modified", b"expires")
        ] + [
            (b"etag", etag),
            (b"last-modified", formatdate(usegmt=True).encode()),
            (b"cache-control", b"public, max-age=0, must-revalidate"),
        ]
        headers = _with_length(headers, body)
        page = Page(versions, event_id, headers, body, etag, time.monotonic() + _ttl(), layout)
        self.pages[key] = page
        self.pages.move_to_end(key)
        while len(self.pages) > MAX_PAGES:
            self.pages.popitem(last=False)
        return page


class PersonalStore:
    """What was made for one person (their parts of a page, or the whole page Django rendered
    for them), kept like a copy: until the content versions move or for the copy's lifetime.
    Concurrent asks for the same key share one making. Bounded by count and bytes."""

    MAX_ITEMS = 5000
    MAX_BYTES = 32 * 1024 * 1024

    def __init__(self):
        self.items: OrderedDict[tuple, tuple[float, object, int]] = OrderedDict()
        self.bytes = 0
        self.making: dict[tuple, asyncio.Future] = {}

    async def get(self, key, make, *, keep=lambda made: True):
        """The kept value for ``key``, or ``await make()`` (kept when ``keep(value)``)."""
        now = time.monotonic()
        found = self.items.get(key)
        if found is not None and found[0] > now:
            self.items.move_to_end(key)
            return found[1]
        pending = self.making.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        future = asyncio.get_running_loop().create_future()
        self.making[key] = future
        try:
            made = await make()
            if keep(made):
                self._keep(key, made, now + _ttl())
            future.set_result(made)
            return made
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: waiters get it, nobody else needs to
            raise
        finally:
            del self.making[key]

    def _keep(self, key, made, expires: float) -> None:
        size = _size(made)
        old = self.items.pop(key, None)
        if old is not None:
            self.bytes -= old[2]
        self.items[key] = (expires, made, size)
        self.bytes += size
        while self.items and (len(self.items) > self.MAX_ITEMS or self.bytes > self.MAX_BYTES):
            _key, (_expires, _made, dropped) = self.items.popitem(last=False)
            self.bytes -= dropped


def _size(made) -> int:
    if isinstance(made, dict):
        return sum(map(len, made.values()))
    if isinstance(made, tuple):  # (status, headers, body, fresh names)
        return len(made[2])
    return 0


def _keepable_for(headers, cookies: dict) -> bool:
    """Not no-store, and setting no cookie but the renewal Django sends of the CSRF cookie the
    person already has (it does so on every page with a form)."""
    renewal = f"{settings.CSRF_COOKIE_NAME}={cookies.get(settings.CSRF_COOKIE_NAME, '')};"
    for name, value in headers:
        if name == b"cache-control" and b"no-store" in value.lower():
            return False
        if name == b"set-cookie" and not (
            cookies.get(settings.CSRF_COOKIE_NAME) and value.decode("latin-1").startswith(renewal)
        ):
            return False
    return True


def _with_length(headers, body: bytes) -> list:
    return [(n, v) for n, v in headers if n != b"content-length"] + [
        (b"content-length", str(len(body)).encode())
    ]


def _shareable(headers) -> bool:
    """No cookie set, not marked private or uncacheable by the view, and varying by nothing
    beyond what the key holds."""
    for name, value in headers:
        if name == b"set-cookie":
            return False
        if name == b"cache-control" and _NOT_SHARED.search(value.lower()):
            return False
        if name == b"vary":
            varies = {v.strip() for v in value.lower().split(b",")}
            if not varies <= _VARY_KEYED:
                return False
    return True


_NOT_SHARED = re.compile(rb"private|no-store")
# The key holds the language; cookies are left out of the render; encodings are not applied.
_VARY_KEYED = frozenset({b"", b"cookie", b"accept-language", b"accept-encoding"})
_PERSONAL_REQUEST_HEADERS = frozenset(
    {b"cookie", b"authorization", b"if-none-match", b"if-modified-since", b"accept-language"}
)
_SHARED_ONLY = frozenset({b"etag", b"last-modified", b"cache-control"})
_KEPT_ON_304 = frozenset({b"etag", b"cache-control", b"last-modified", b"vary"})


def _ttl() -> float:
    return float(settings.HUBBUB_PAGE_CACHE_SECONDS)


def _slug_lookup(slug: str) -> int | None:
    from django.db import close_old_connections

    try:
        return pageversion.event_id_for_slug(slug)
    finally:
        close_old_connections()


async def _capture(app, scope) -> tuple[int, list, bytes]:
    """Run ``app`` for a GET and collect its answer (internal marks taken off)."""
    start: dict = {}
    chunks: list[bytes] = []
    sent = False
    never = asyncio.get_running_loop().create_future()

    async def receive():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        return await never  # Django listens for a disconnect that never comes

    async def collect(message):
        if message["type"] == "http.response.start":
            start.update(message)
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, collect)
    # Header names in lower case (Django sends "Set-Cookie"), without the internal marks.
    headers = [(bytes(n).lower(), v) for n, v in start.get("headers", [])]
    headers = [(n, v) for n, v in headers if not n.startswith(INTERNAL_HEADER)]
    return start.get("status", 500), headers, b"".join(chunks)


async def _plain(send, status: int, text: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/plain; charset=utf-8")],
        }
    )
    await send({"type": "http.response.body", "body": text})
