"""ASGI entry point: the live stream path goes to the lean SSE handler, the rest to Django."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hubbub.settings")

from django.core.asgi import get_asgi_application

django_application = get_asgi_application()

from hubbub.live.stream import STREAM_PATH, get_stream_server  # noqa: E402
from hubbub.team import desk_stream  # noqa: E402


async def application(scope, receive, send):
    if scope["type"] == "http":
        match = STREAM_PATH.match(scope["path"])
        if match:
            await get_stream_server().handle(scope, receive, send, match["slug"])
            return
        match = desk_stream.DESK_STREAM_PATH.match(scope["path"])
        if match:
            await desk_stream.handle(scope, receive, send, match["slug"])
            return
        await django_application(scope, receive, send)
    elif scope["type"] == "lifespan":
        await _lifespan(receive, send)


async def _lifespan(receive, send):
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await get_stream_server().stop()
            await send({"type": "lifespan.shutdown.complete"})
            return
