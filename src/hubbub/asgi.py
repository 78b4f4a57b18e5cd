"""ASGI entry point: the live stream path goes to the lean SSE handler, the rest to Django;
every request body passes one size guard first."""

import asyncio
import gc
import os
import re

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hubbub.settings")

from django.conf import settings
from django.core.asgi import get_asgi_application

django_application = get_asgi_application()

from hubbub.comments.likegate import LikeGate  # noqa: E402
from hubbub.core import audience  # noqa: E402
from hubbub.core.asgi_limits import BodyLimits  # noqa: E402
from hubbub.core.microcache import MicroCache  # noqa: E402
from hubbub.core.pagecache import PageCache  # noqa: E402
from hubbub.live.publishing import flush_ephemeral  # noqa: E402
from hubbub.live.stream import STREAM_PATH, get_stream_server  # noqa: E402
from hubbub.team import desk_stream  # noqa: E402


async def hubbub_application(scope, receive, send):
    if scope["type"] == "http":
        match = STREAM_PATH.match(scope["path"])
        if match:
            await get_stream_server().handle(scope, receive, send, match["slug"])
            return
        match = desk_stream.DESK_STREAM_PATH.match(scope["path"])
        if match:
            await desk_stream.handle(scope, receive, send, match["slug"])
            return
        if _like_gate.applies(scope):
            # Likes wanting JSON are done in batches, a transaction for many (comments/likegate.py).
            await _like_gate.handle(scope, receive, send, django_application)
            return
        if scope["method"] == "GET" and audience.has_recorders():
            send = _counted(scope, send)
        if LIKE_COUNTS_PATH.match(scope["path"]):
            # Every reader's live page asks for these when it loads: one answer a second.
            await _like_counts_cache.handle(scope, receive, send, django_application)
            return
        if _page_cache.applies(scope) and settings.HUBBUB_PAGE_CACHE_SECONDS > 0:
            await _page_cache(scope, receive, send)
            return
        await django_application(scope, receive, send)
    elif scope["type"] == "lifespan":
        await _lifespan(receive, send)


def _counted(scope, send):
    """``send``, telling the audience figures about each HTML page answered with 200 (in
    memory only: see hubbub.core.audience)."""

    async def counted_send(message):
        if message["type"] == "http.response.start" and message["status"] == 200:
            for name, value in message.get("headers", ()):
                if name.lower() == b"content-type":
                    if value.startswith(b"text/html"):
                        audience.page_served(scope, 200)
                    break
        await send(message)

    return counted_send


LIKE_COUNTS_PATH = re.compile(r"^/[-a-zA-Z0-9_]{1,80}/comments/likes/$")
_like_counts_cache = MicroCache()
_like_gate = LikeGate()
# Public pages, the same for every reader, answered from copies kept by content version, with
# each signed-in reader's own parts drawn in (core/pagecache.py, core/pageparts.py).
_page_cache = PageCache(django_application)


async def _lifespan(receive, send):
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            _tune_garbage_collector()
            audience.start()
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await _like_gate.stop()  # likes still waiting are done first
            flush_ephemeral()  # like counts waiting for their timer
            await asyncio.to_thread(audience.flush)  # figures counted since the last write
            await get_stream_server().stop()
            await send({"type": "lifespan.shutdown.complete"})
            return


def _tune_garbage_collector() -> None:
    """Keep full garbage collections short while thousands of readers are connected.

    A full collection walks every tracked object and stops every reader while it does; with
    Django and all its modules loaded, one took about 300 ms. Freezing what exists at startup
    takes the loaded code out of those walks, and a larger young generation makes collections
    rarer while each message's per-reader objects come and go.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)


# The paths that take files, and the setting that limits their request bodies; every other
# body is limited by HUBBUB_MAX_REQUEST_BYTES.
UPLOAD_PATHS = [
    (r"^/api/v1/events/[^/]+/slideshows/?$", "HUBBUB_MAX_DECK_BYTES"),
    (r"^/[^/]+/slides/upload/$", "HUBBUB_MAX_DECK_BYTES"),
    (r"^/[^/]+/photos/(new|\d+/add)/$", "HUBBUB_MAX_GALLERY_REQUEST_BYTES"),
    (r"^/[^/]+/live/write/?$", "HUBBUB_MAX_PHOTO_BYTES"),
    (r"^(/[^/]+)?/blog/(write|[^/]+/edit)/$", "HUBBUB_MAX_PHOTO_BYTES"),
    # Programme files, over the API and from the back office.
    (r"^/api/v1/events/[^/]+/programme/import/?$", "HUBBUB_IMPORT_MAX_BYTES"),
    (r"^/[^/]+/manage/programme/import$", "HUBBUB_IMPORT_MAX_BYTES"),
    # WordPress exports (the import itself refuses more than 50 MB).
    (r"^/[^/]+/manage/archive/wordpress$", "HUBBUB_MAX_DECK_BYTES"),
    # Event logos in the back office.
    (r"^/manage/new$", "HUBBUB_MAX_PHOTO_BYTES"),
    (r"^/[^/]+/manage/settings$", "HUBBUB_MAX_PHOTO_BYTES"),
    # Logos, speaker photos and slide files in the admin.
    (r"^/admin/.+/(add|change)/$", "HUBBUB_MAX_DECK_BYTES"),
]

application = BodyLimits(hubbub_application, uploads=UPLOAD_PATHS)
