"""Refuse an oversized upload from its Content-Length before any of the body is received.

Django's ASGI handler reads the whole body (to a temporary file) before a view runs, so the
views' own 413 saves memory but not the transfer. Wrapping the application answers first:

    application = refuse_large_uploads(application)
"""

import re

from django.conf import settings

_LIMITS = [
    (re.compile(r"^/api/v1/events/[^/]+/slideshows/?$"), "HUBBUB_MAX_DECK_BYTES"),
    (re.compile(r"^/[^/]+/slides/upload/$"), "HUBBUB_MAX_DECK_BYTES"),
    (re.compile(r"^/[^/]+/photos/(new|\d+/add)/$"), "HUBBUB_MAX_GALLERY_REQUEST_BYTES"),
    (re.compile(r"^/api/v1/events/[^/]+/programme/import/?$"), "HUBBUB_IMPORT_MAX_BYTES"),
    (re.compile(r"^/[^/]+/manage/programme/import$"), "HUBBUB_IMPORT_MAX_BYTES"),
]
# Room for the form's other fields and the multipart boundaries.
_SLACK = 64 * 1024


def limit_for(path: str) -> int | None:
    for pattern, setting in _LIMITS:
        if pattern.match(path):
            return getattr(settings, setting)
    return None


def refuse_large_uploads(app):
    async def application(scope, receive, send):
        if scope["type"] == "http" and scope["method"] in {"POST", "PUT"}:
            limit = limit_for(scope["path"])
            if limit is not None and _content_length(scope) > limit + _SLACK:
                body = b'{"detail": "The upload is larger than the limit."}'
                await send(
                    {
                        "type": "http.response.start",
                        "status": 413,
                        "headers": [
                            (b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close"),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        await app(scope, receive, send)

    return application


def _content_length(scope) -> int:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0
    return 0
