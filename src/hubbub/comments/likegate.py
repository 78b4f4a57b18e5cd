"""The like gate: likes that want a JSON answer wait in front of Django and are done in batches.

A like through Django costs a request of its own (a thread, the middleware, a connection, a
transaction); a storm of them queues behind Django's one request thread and holds the
interpreter lock the live page needs. Here the ASGI entry point (``hubbub.asgi``) hands the
two like paths to ``LikeGate.handle``: the API's (always JSON) and the page's form when it
asks for JSON (``live.js``, ``comments.js``; without JavaScript the form still goes to Django
and back to its page). The body is read (a few bytes; anything larger goes to Django), the like
joins the queue, and one task takes whatever is waiting every few milliseconds to one thread
call and one transaction (``services/like_batch.py``: group commit). Each request is answered
once its batch has committed, with what the view would have answered.

Bounded: at most ``HUBBUB_LIKE_QUEUE_MAX`` likes wait (more get 503 with Retry-After), at most
``HUBBUB_LIKE_BATCH_MAX`` go into one batch, bodies over ``MAX_BODY`` bytes go to Django (whose
size guard still applies), and the per-visitor and per-address limits are the views' own.
The batch thread keeps one database connection while likes keep coming, and closes it (or
hands it back to the PostgreSQL pool) after a quiet second and at shutdown.
"""

import asyncio
import json
import logging
import re
from collections import deque
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings

from .services import like_batch
from .services.like_batch import QueuedLike

logger = logging.getLogger(__name__)

API_LIKE_PATH = re.compile(
    r"^/api/v1/events/(?P<event>[-a-zA-Z0-9_]{1,100})/likes/(?P<kind>[-a-z0-9_]{1,40})"
    r"/(?P<object_id>[0-9]{1,18})$"
)
# /<event>/comments/<kind>/<id>/like/, and the site blog's /blog/comments/<kind>/<id>/like/.
PAGE_LIKE_PATH = re.compile(
    r"^/(?P<event>[-a-zA-Z0-9_]{1,100})/comments/(?P<kind>[-a-zA-Z0-9_]{1,40})"
    r"/(?P<object_id>[0-9]{1,18})/like/$"
)
SITE_BLOG = "blog"  # /blog/comments/… is the site blog's, before any event's (hubbub.urls)
# A like's body is a few bytes (a JSON flag, or a small form); larger ones go to Django.
MAX_BODY = 8 * 1024
# The batch thread gives its database connection back after this many idle seconds.
IDLE_SECONDS = 1.0
# At shutdown, likes still waiting get this long to be done.
STOP_SECONDS = 20.0


def wants_json(scope) -> bool:
    # As the view decides: "application/json" anywhere in Accept.
    accept = b",".join(value for name, value in scope["headers"] if name == b"accept")
    return b"application/json" in accept


class LikeGate:
    def __init__(self):
        self.queue: deque[tuple[QueuedLike, asyncio.Future]] = deque()
        self.closing = False
        self._loop = None
        self._task: asyncio.Task | None = None
        self._wakeup: asyncio.Event | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._connected = False

    def applies(self, scope) -> bool:
        """Whether a request is a like for the gate (a POST to a like path, wanting JSON)."""
        if scope["method"] != "POST" or settings.HUBBUB_LIKE_QUEUE_MAX == 0:
            return False
        path = scope["path"]
        if API_LIKE_PATH.match(path):
            return True
        return PAGE_LIKE_PATH.match(path) is not None and wants_json(scope)

    async def handle(self, scope, receive, send, app) -> None:
        body, complete = await _read_body(receive)
        if body is None:
            return  # the client went away
        item = _queued_like(scope, body) if complete else None
        if item is None:
            await app(scope, _replay(body, complete, receive), send)
            return
        if self.closing or len(self.queue) >= settings.HUBBUB_LIKE_QUEUE_MAX:
            await _send_response(like_batch.unavailable(item), send)
            return
        self._start()
        answer = asyncio.get_running_loop().create_future()
        self.queue.append((item, answer))
        self._wakeup.set()
        response = await answer
        if response is like_batch.TO_DJANGO:
            await app(scope, _replay(body, True, receive), send)
        else:
            await _send_response(response, send)

    async def stop(self) -> None:
        """Do what is waiting (new likes get 503 meanwhile), then close the connection."""
        self.closing = True
        if self._task is not None and self._loop is asyncio.get_running_loop():
            self._wakeup.set()
            try:
                await asyncio.wait_for(asyncio.shield(self._task), STOP_SECONDS)
            except TimeoutError:
                logger.error("likes were still waiting at shutdown; they are refused")
                self._task.cancel()
                for item, answer in self.queue:
                    if not answer.done():
                        answer.set_result(like_batch.unavailable(item))
                self.queue.clear()
        if self._executor is not None:
            await asyncio.get_running_loop().run_in_executor(
                self._executor, like_batch.release_connection
            )
            self._executor.shutdown(wait=True)
            self._executor = None

    # -- the batcher -----------------------------------------------------------------------------
    def _start(self) -> None:
        loop = asyncio.get_running_loop()
        if self._loop is loop and self._task is not None and not self._task.done():
            return
        self._loop = loop
        self._wakeup = asyncio.Event()
        if self._executor is None:
            # One thread: its database connection is kept between batches.
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="hubbub-likes")
        self._task = loop.create_task(self._run())

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            if not self.queue:
                if self.closing:
                    return
                try:
                    await asyncio.wait_for(self._wakeup.wait(), IDLE_SECONDS)
                except TimeoutError:
                    if self._connected:
                        await loop.run_in_executor(self._executor, like_batch.release_connection)
                        self._connected = False
                self._wakeup.clear()
                continue
            limit = settings.HUBBUB_LIKE_BATCH_MAX
            if len(self.queue) < limit and not self.closing:
                # Group commit: a few milliseconds' wait lets one transaction take many likes.
                await asyncio.sleep(settings.HUBBUB_LIKE_BATCH_WAIT_MS / 1000)
            batch = [self.queue.popleft() for _n in range(min(limit, len(self.queue)))]
            items = [item for item, _answer in batch]
            self._connected = True
            try:
                answers = await loop.run_in_executor(self._executor, like_batch.run_batch, items)
            except Exception:
                logger.exception("a batch of %s likes failed", len(items))
                answers = [like_batch.unavailable(item) for item in items]
            for (_item, answer), response in zip(batch, answers, strict=True):
                if not answer.done():
                    answer.set_result(response)


def _queued_like(scope, body: bytes) -> QueuedLike | None:
    """The like a request asks for, or None when Django must judge it (an odd body)."""
    found = API_LIKE_PATH.match(scope["path"])
    if found:
        liked = _api_liked(body)
        if liked is None:
            return None
        return QueuedLike(scope, body, True, found["event"], found["kind"],
                          int(found["object_id"]), liked)  # fmt: skip
    found = PAGE_LIKE_PATH.match(scope["path"])
    slug = None if found["event"] == SITE_BLOG else found["event"]
    return QueuedLike(scope, body, False, slug, found["kind"], int(found["object_id"]))


def _api_liked(body: bytes) -> bool | None:
    """``{"liked": true|false}`` or ``{}``; None for anything else (Django answers 400/422)."""
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, dict) or set(data) - {"liked"}:
        return None
    liked = data.get("liked", True)
    return liked if isinstance(liked, bool) else None


async def _read_body(receive) -> tuple[bytes | None, bool]:
    """(the body read, up to a little over MAX_BODY; whether that is all of it). None: gone."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None, False
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if not message.get("more_body"):
            return b"".join(chunks), True
        if size > MAX_BODY:
            return b"".join(chunks), False


def _replay(body: bytes, complete: bool, receive):
    """``receive`` for Django: the body already read, then whatever is still to come."""
    replayed = False

    async def replay_receive():
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": not complete}
        return await receive()

    return replay_receive


async def _send_response(response, send) -> None:
    headers = [(name.encode("ascii"), value.encode("latin-1")) for name, value in response.items()]
    for cookie in response.cookies.values():
        headers.append((b"set-cookie", cookie.output(header="").encode("ascii").strip()))
    await send({"type": "http.response.start", "status": response.status_code, "headers": headers})
    await send({"type": "http.response.body", "body": response.content})
