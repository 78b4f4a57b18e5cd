"""A small threaded HTTP server that answers as Mastodon, Bluesky, feeds and web pages do."""

import contextlib
import io
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from PIL import Image


@dataclass
class Answer:
    body: bytes = b""
    status: int = 200
    headers: dict = field(default_factory=dict)
    content_type: str = "application/json"


class FakeServer:
    """Routes by path (without the query); records every request's path, query and headers."""

    def __init__(self):
        self.routes: dict[str, Answer | list[Answer]] = {}
        self.requests: list[tuple[str, str, dict]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                parts = urlsplit(self.path)
                server.requests.append((parts.path, parts.query, dict(self.headers)))
                answer = server.routes.get(parts.path)
                if isinstance(answer, list):
                    answer = answer.pop(0) if len(answer) > 1 else answer[0]
                if answer is None:
                    answer = Answer(b"not found", 404, content_type="text/plain")
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                self.send_header("Content-Length", str(len(answer.body)))
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(answer.body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def json(self, path: str, data, **kwargs) -> None:
        self.routes[path] = Answer(json.dumps(data).encode(), **kwargs)

    def add(self, path: str, body: bytes | str, content_type: str, **kwargs) -> None:
        if isinstance(body, str):
            body = body.encode()
        self.routes[path] = Answer(body, content_type=content_type, **kwargs)

    def paths(self) -> list[str]:
        return [path for path, _query, _headers in self.requests]

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def photo_bytes(size=(64, 48), color=(200, 30, 30), exif_gps=True) -> bytes:
    """A JPEG carrying EXIF (a camera make and a GPS block) that the wall must strip."""
    image = Image.new("RGB", size, color)
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    if exif_gps:
        exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def mastodon_status(
    server: str,
    number: int,
    *,
    acct="sam",
    text="<p>Hello #AllChange</p>",
    media=None,
    display_name="Sam Ortiz",
    created="2030-06-10T09:30:00.000Z",
):
    """A status as GET /api/v1/timelines/tag/:hashtag returns it (the fields the wall uses,
    and a few it ignores)."""
    return {
        "id": str(109000000000000000 + number),
        "created_at": created,
        "in_reply_to_id": None,
        "sensitive": False,
        "spoiler_text": "",
        "visibility": "public",
        "language": "en",
        "uri": f"{server}/users/{acct}/statuses/{109000000000000000 + number}",
        "url": f"{server}/@{acct}/{109000000000000000 + number}",
        "replies_count": 0,
        "reblogs_count": 0,
        "favourites_count": 1,
        "content": text,
        "reblog": None,
        "account": {
            "id": "1",
            "username": acct.split("@")[0],
            "acct": acct,
            "display_name": display_name,
            "url": f"{server}/@{acct}",
            "avatar": f"{server}/avatars/{acct}.jpg",
            "avatar_static": f"{server}/avatars/{acct}.jpg",
        },
        "media_attachments": media or [],
        "mentions": [],
        "tags": [{"name": "allchange", "url": f"{server}/tags/allchange"}],
        "emojis": [],
        "card": None,
        "poll": None,
    }


def bluesky_post(
    server: str,
    rkey: str,
    *,
    handle="ada.example.org",
    text="Great talk #AllChange",
    images=None,
    created="2030-06-10T10:00:00.000Z",
):
    """A post view as app.bsky.feed.searchPosts returns it."""
    post = {
        "uri": f"at://did:plc:abc123/app.bsky.feed.post/{rkey}",
        "cid": "bafyreib2rxk3rh6kzwq",
        "author": {
            "did": "did:plc:abc123",
            "handle": handle,
            "displayName": "Ada Lovelace",
            "avatar": f"{server}/img/avatar/{handle}.jpg",
            "labels": [],
        },
        "record": {
            "$type": "app.bsky.feed.post",
            "createdAt": created,
            "langs": ["en"],
            "text": text,
            "facets": [
                {
                    "index": {"byteStart": 0, "byteEnd": 5},
                    "features": [
                        {"$type": "app.bsky.richtext.facet#link", "uri": "https://example.org/x"}
                    ],
                }
            ],
        },
        "replyCount": 0,
        "repostCount": 0,
        "likeCount": 2,
        "indexedAt": created,
        "labels": [],
    }
    if images:
        post["embed"] = {
            "$type": "app.bsky.embed.images#view",
            "images": [
                {
                    "thumb": f"{server}{path}",
                    "fullsize": f"{server}{path}",
                    "alt": alt,
                    "aspectRatio": {"width": 64, "height": 48},
                }
                for path, alt in images
            ],
        }
    return post
