"""A short-lived cache in front of Django for small public answers that many readers ask for
at once (the like counts a live page fetches when it loads).

Only a 200 answer that says ``Cache-Control: public, max-age=N`` and sets no cookie is kept,
for N seconds (at most ``MAX_SECONDS``), keyed by path, query and host; anything else passes
through untouched. The number of answers kept is bounded.
"""

import re
import time

MAX_ENTRIES = 1000
MAX_SECONDS = 5
MAX_QUERY_BYTES = 4096


def _lifetime(headers) -> int:
    control = b""
    for name, value in headers:
        name = name.lower()
        if name == b"set-cookie":
            return 0
        if name == b"cache-control":
            control = value.lower()
    if b"public" not in control:
        return 0
    found = re.search(rb"max-age=(\d+)", control)
    return min(int(found[1]), MAX_SECONDS) if found else 0


class MicroCache:
    def __init__(self):
        self.answers: dict[tuple, tuple[float, int, list, bytes]] = {}

    async def handle(self, scope, receive, send, app) -> None:
        if scope["method"] != "GET" or len(scope["query_string"]) > MAX_QUERY_BYTES:
            await app(scope, receive, send)
            return
        host = next((v for n, v in scope["headers"] if n == b"host"), b"")
        key = (scope["path"], scope["query_string"], host)
        now = time.monotonic()
        kept = self.answers.get(key)
        if kept is not None and kept[0] > now:
            await send({"type": "http.response.start", "status": kept[1], "headers": kept[2]})
            await send({"type": "http.response.body", "body": kept[3]})
            return
        start: dict = {}
        body: list[bytes] = []

        async def capture(message):
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                body.append(message.get("body", b""))
                if not message.get("more_body"):
                    seconds = _lifetime(start.get("headers", ()))
                    if start.get("status") == 200 and seconds:
                        if len(self.answers) >= MAX_ENTRIES:
                            self.answers.clear()
                        self.answers[key] = (
                            time.monotonic() + seconds,
                            200,
                            list(start["headers"]),
                            b"".join(body),
                        )
            await send(message)

        await app(scope, receive, capture)
