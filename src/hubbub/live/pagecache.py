"""A micro-cache for anonymous readers of the live page, in front of Django.

During an event most requests are the same anonymous GET of ``/<event>/live/``. Django renders
it once per stream position (the view marks shared responses with the event and the stream
sequence they show); later requests are answered here, without a thread hop or a database
query, for as long as this process's stream hub for the event is still at that sequence. Each
published change moves the hub on when the broker delivers it, which retires the copy — the
same moment readers on the stream see the change.
"""

import re
import time
from dataclasses import dataclass
from functools import lru_cache

from django.http import HttpRequest
from django.utils import translation

# Internal headers with which the live views mark a response that every anonymous reader shares.
EVENT_HEADER = b"x-hubbub-event-id"
SEQ_HEADER = b"x-hubbub-stream-seq"
PAGE_PATH = re.compile(r"^/[-a-zA-Z0-9_]{1,80}/live/(embed)?$")
MAX_ENTRIES = 500
# A copy is also retired after this long, should the broker have missed a message.
TTL_SECONDS = 60.0


@dataclass(slots=True)
class CachedPage:
    event_id: int
    seq: int
    headers: list
    body: bytes
    expires: float


class LivePageCache:
    def __init__(self, stream_server):
        self.server = stream_server
        self.pages: dict[tuple, CachedPage] = {}

    @staticmethod
    def applies(scope: dict) -> bool:
        if scope["method"] != "GET" or not PAGE_PATH.match(scope["path"]):
            return False
        # Anything with a cookie may be signed in or carry messages: Django answers it.
        return not any(name == b"cookie" for name, _value in scope["headers"])

    async def handle(self, scope, receive, send, app) -> None:
        host = next((v for n, v in scope["headers"] if n == b"host"), b"")
        language = _language(next((v for n, v in scope["headers"] if n == b"accept-language"), b""))
        key = (scope["path"], scope["query_string"], host, language)
        page = self.pages.get(key)
        if page is not None and page.expires > time.monotonic():
            hub = self.server.hubs.get(page.event_id)
            if hub is not None and hub.last_seq == page.seq:
                await send({"type": "http.response.start", "status": 200, "headers": page.headers})
                await send({"type": "http.response.body", "body": page.body})
                return
        try:
            # Subscribed before Django reads the event, so no later change can slip past.
            await self.server.start()
        except Exception:
            await app(scope, receive, send)
            return
        await self._render(scope, receive, send, app, key)

    async def _render(self, scope, receive, send, app, key) -> None:
        start: dict = {}
        chunks: list[bytes] = []

        async def capture(message):
            if message["type"] == "http.response.start":
                start.update(message)
                marks = {n: v for n, v in message["headers"] if n in (EVENT_HEADER, SEQ_HEADER)}
                message = {
                    **message,
                    "headers": [
                        (n, v) for n, v in message["headers"] if n not in (EVENT_HEADER, SEQ_HEADER)
                    ],
                }
                start["marks"] = marks
                start["public_headers"] = message["headers"]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        await app(scope, receive, capture)
        marks = start.get("marks") or {}
        headers = start.get("public_headers") or []
        if (
            start.get("status") != 200
            or EVENT_HEADER not in marks
            or SEQ_HEADER not in marks
            or any(name == b"set-cookie" for name, _value in headers)
        ):
            return
        event_id, seq = int(marks[EVENT_HEADER]), int(marks[SEQ_HEADER])
        hub = self.server.hub(event_id)
        if hub.last_seq is None:
            hub.last_seq = seq
        if len(self.pages) >= MAX_ENTRIES:
            self.pages.pop(next(iter(self.pages)))
        self.pages[key] = CachedPage(
            event_id, seq, headers, b"".join(chunks), time.monotonic() + TTL_SECONDS
        )


@lru_cache(maxsize=256)
def _language(accept_language: bytes) -> str:
    """The interface language Django picks for a cookie-less request with this header, so a
    copy is only shared between readers who would be shown the same language."""
    request = HttpRequest()
    request.META["HTTP_ACCEPT_LANGUAGE"] = accept_language[:500].decode("latin-1")
    return translation.get_language_from_request(request)
