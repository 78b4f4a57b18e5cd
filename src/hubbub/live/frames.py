"""The bytes of the live stream: SSE frames, the heartbeat and hello, the response headers, and
reading a reader's ``Last-Event-ID``."""

import json

from .readers import chunked

HEARTBEAT_FRAME = b": heartbeat\n\n"
HEARTBEAT_CHUNK = chunked(HEARTBEAT_FRAME)
HELLO_FRAME = b"retry: 3000\n: connected\n\n"

RESPONSE_HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-cache, no-transform"),
    # nginx: pass bytes through as they come.
    (b"x-accel-buffering", b"no"),
    # Readers on other sites (embeds) may subscribe too; the stream carries only public data.
    (b"access-control-allow-origin", b"*"),
    (b"access-control-expose-headers", b"content-type"),
]
# No CORS on the desk: only the site's own pages, with the team's cookies, may read it.
DESK_RESPONSE_HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-cache, no-transform, private"),
    (b"x-accel-buffering", b"no"),
]


def sse_frame(seq: int, type: str, data: str) -> bytes:
    return f"id: {seq}\nevent: {type}\ndata: {data}\n\n".encode()


def ephemeral_frame(type: str, data: str) -> bytes:
    # No id: the reader's resume position stays at the last message of the sequence.
    return f"event: {type}\ndata: {data}\n\n".encode()


def resync_frame(reason: str, seq: int | None) -> bytes:
    # Carries the current id so the reader's next reconnect starts from here.
    head = f"id: {seq}\n" if seq is not None else ""
    payload = json.dumps({"reason": reason})
    return f"{head}event: resync\ndata: {payload}\n\n".encode()


def parse_last_event_id(raw: str | None) -> int | None:
    """A well-formed id, or None (which means: resync)."""
    if raw is None:
        return None
    raw = raw.strip()
    # str.isdigit() is true of "²" (which int() refuses) and "١" (which it reads as 1).
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
        return None
    return int(raw)
