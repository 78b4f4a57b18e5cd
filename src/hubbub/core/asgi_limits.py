"""One guard for every request body, in front of the whole application (see ``hubbub.asgi``).

Django's ASGI handler reads a body to the end (spooling it to a temporary file) before any view
runs, so a limit checked in a view saves nothing. This guard counts body bytes as they arrive,
chunked or not, and answers 413 the moment a request passes its path's limit: a declared
Content-Length over it is refused before a byte is read. Upload paths have the upload limits;
everything else (forms, JSON, the API) ``HUBBUB_MAX_REQUEST_BYTES``. A body for an upload path
is read only from someone signed in (a session or an API token); anyone else gets 401/403 first.
"""

import asyncio
import json
import re
from importlib import import_module
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth import get_user
from django.db import close_old_connections

from .tokens import user_for_token

# Room for an upload form's other fields and the multipart boundaries.
UPLOAD_SLACK = 64 * 1024


class BodyLimits:
    """ASGI middleware: ``BodyLimits(app, uploads=[(path regex, limit setting name), ...])``."""

    def __init__(self, app, uploads: list[tuple[str, str]]):
        self.app = app
        self.uploads = [(re.compile(pattern), setting) for pattern, setting in uploads]

    def limit_for(self, path: str) -> tuple[int, bool]:
        """(largest body allowed, whether the path takes uploads)."""
        for pattern, setting in self.uploads:
            if pattern.match(path):
                return getattr(settings, setting) + UPLOAD_SLACK, True
        return settings.HUBBUB_MAX_REQUEST_BYTES, False

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length, chunked = _declared_body(scope)
        if not chunked and not length:
            # No body at all (every stream reader, every page view): nothing to count.
            await self.app(scope, receive, send)
            return
        api = scope["path"].startswith("/api/")
        limit, upload = self.limit_for(scope["path"])
        if upload and not await asyncio.to_thread(_signed_in, scope):
            await _refuse(send, 401 if api else 403, api, "Sign in before uploading.")
            return
        if length is not None and length > limit:
            await _refuse(send, 413, api, _too_large(limit))
            return
        await _CountedRequest(self.app, scope, receive, send, limit, api).run()


class _CountedRequest:
    """One request whose body is counted on its way to the application."""

    def __init__(self, app, scope, receive, send, limit: int, api: bool):
        self.app, self.scope, self._receive, self._send = app, scope, receive, send
        self.limit, self.api = limit, api
        self.received = 0
        self.started = False
        self.refused = False

    async def run(self) -> None:
        await self.app(self.scope, self.receive, self.send)

    async def receive(self) -> dict:
        if self.refused:
            return {"type": "http.disconnect"}
        message = await self._receive()
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            if self.received > self.limit:
                # The application sees the client go away, and stops reading (Django then
                # sends nothing); the client gets the 413 now, before it sends the rest.
                self.refused = True
                if not self.started:
                    await _refuse(self._send, 413, self.api, _too_large(self.limit))
                return {"type": "http.disconnect"}
        return message

    async def send(self, message: dict) -> None:
        if self.refused:
            return
        if message["type"] == "http.response.start":
            self.started = True
        await self._send(message)


def _declared_body(scope) -> tuple[int | None, bool]:
    """(the Content-Length, None without a readable one; whether the body comes without one)."""
    length, unsized = None, False
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                length = int(value)
            except ValueError:
                unsized = True  # counted as it arrives rather than trusted
        elif name == b"transfer-encoding":
            unsized = True
    return length, unsized


def _signed_in(scope) -> bool:
    """Whether the request carries a live session or API token (one thread call, at most two
    queries, before an upload's body is read)."""
    headers = {}
    for name, value in scope.get("headers", ()):
        headers.setdefault(name, value.decode("latin-1"))
    try:
        scheme, _space, key = headers.get(b"authorization", "").partition(" ")
        if scheme.lower() == "bearer" and user_for_token(key.strip()) is not None:
            return True
        session_key = _cookie(headers.get(b"cookie", ""), settings.SESSION_COOKIE_NAME)
        if not session_key:
            return False
        store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
        # get_user() checks the session against the password hash, as Django's pages do.
        return get_user(SimpleNamespace(session=store)).is_authenticated
    finally:
        close_old_connections()


def _cookie(header: str, name: str) -> str | None:
    for part in header.split(";"):
        key, _eq, value = part.strip().partition("=")
        if key == name:
            return value.strip('"') or None
    return None


def _too_large(limit: int) -> str:
    return f"The request body is larger than the limit ({limit:,} bytes)."


async def _refuse(send, status: int, api: bool, message: str) -> None:
    if api:
        body = json.dumps({"detail": message}).encode()
        content_type = b"application/json"
    else:
        body = (message + "\n").encode()
        content_type = b"text/plain; charset=utf-8"
    headers = [
        (b"content-type", content_type),
        (b"content-length", str(len(body)).encode()),
        # The rest of the body is never read, so the connection cannot carry another request.
        (b"connection", b"close"),
    ]
    if status == 401:
        headers.append((b"www-authenticate", b"Bearer"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
