import asyncio
from concurrent.futures import ThreadPoolExecutor

from hubbub.media.asgi import refuse_large_uploads


def run(path, length, method="POST"):
    sent, reached = [], []

    async def app(scope, receive, send):
        reached.append(scope["path"])

    async def receive():
        raise AssertionError("the body must not be read")

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "headers": [(b"content-length", str(length).encode())],
    }
    # In a thread of its own: browser tests leave an event loop running in this one.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, refuse_large_uploads(app)(scope, receive, send)).result()
    return sent, reached


def test_oversized_uploads_are_refused_before_the_body(settings):
    settings.HUBBUB_MAX_DECK_BYTES = 1000
    settings.HUBBUB_MAX_GALLERY_REQUEST_BYTES = 1000
    big = 10 * 1024 * 1024
    for path in (
        "/api/v1/events/ev/slideshows",
        "/ev/slides/upload/",
        "/ev/photos/new/",
        "/ev/photos/3/add/",
    ):
        sent, reached = run(path, big)
        assert sent[0]["status"] == 413 and not reached, path


def test_other_requests_pass_through(settings):
    settings.HUBBUB_MAX_DECK_BYTES = 1000
    assert run("/api/v1/events/ev/slideshows", 500)[1]
    assert run("/api/v1/events/ev/entries", 10**9)[1]
    assert run("/ev/slides/upload/", 10**9, method="GET")[1]
