"""The live stream: a small ASGI handler for ``/<event>/live/stream`` (Server-Sent Events).

It sits beside Django rather than inside it, as Zulip keeps its event server apart: the only
database work is resolving the event when a reader connects and, for a reader that reconnects
further behind than the in-memory log reaches, one indexed query shared by everyone in the same
position. A message arrives from the broker once per process, is framed as SSE bytes once, and
the same bytes object is written to every reader.

Protocol: ``id:`` is the event's stream sequence number; a reconnect with ``Last-Event-ID``
(header) or ``?last_event_id=`` gets exactly the messages after it, in order, or a ``resync``
event when they are no longer kept (or the id makes no sense). A comment line goes out every
15-25 s (with jitter) so proxies keep the connection open.
"""

import asyncio
import json
import logging
import random
import re
import time
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qs

from django.conf import settings

from .broker import (
    CLOSE_DESK_STREAMS,
    CONTROL_PREFIX,
    EPHEMERAL_SEQ,
    REWRITE_FRAMES,
    StreamMessageData,
    get_broker,
)
from .frames import (
    DESK_RESPONSE_HEADERS,
    HEARTBEAT_CHUNK,
    HEARTBEAT_FRAME,
    HELLO_FRAME,
    RESPONSE_HEADERS,
    ephemeral_frame,
    parse_last_event_id,
    resync_frame,
    sse_frame,
)
from .readers import Reader, Send, chunked, connection_aborter, relay

logger = logging.getLogger(__name__)

STREAM_PATH = re.compile(r"^/(?P<slug>[-a-zA-Z0-9_]{1,80})/live/stream/?$")
# Types of private (team desk) messages: routed away from every public hub.
PRIVATE_PREFIX = "desk."
# How long an out-of-order message waits for the ones before it before the hub fetches them.
GAP_WAIT_SECONDS = 0.15
# How long a slug -> event lookup is trusted before asking the database again.
RESOLVE_TTL_SECONDS = 30.0
# Unknown slugs are remembered briefly (a newly published event streams within seconds), and
# the memo is bounded so requests for random addresses cannot grow it without end.
UNKNOWN_TTL_SECONDS = 5.0
MAX_RESOLVED = 10_000

# An entry.created frame, and the entry's id: the audience figures count who received it.
ENTRY_CREATED = re.compile(rb"^id: \d+\nevent: entry\.created\ndata: \{\"id\":(\d+)")
MAX_COUNTED_ENTRIES = 1000

Receive = Callable[[], Awaitable[dict]]


# At most one ephemeral message (a like count) per type and target a second reaches readers.
EPHEMERAL_GAP = 1.0
MAX_EPHEMERAL_SLOTS = 10_000


def _ephemeral_target(data: str) -> str:
    """The payload's ``target`` ("entry-42"), which a newer message for it replaces."""
    try:
        target = json.loads(data).get("target")
    except (ValueError, AttributeError):
        return ""
    return target if isinstance(target, str) else ""


class Resync(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class EventHub:
    """Per event and process: the readers, the last sequence number, a contiguous log."""

    def __init__(self, server: "StreamServer", event_id: int):
        self.server = server
        self.event_id = event_id
        self.readers: set[Reader] = set()
        self.last_seq: int | None = None
        # Contiguous frames: log[i] has sequence number log_start + i.
        self.log: list[bytes] = []
        self.log_start = 0
        self.early: dict[int, StreamMessageData] = {}
        self.gap_task: asyncio.Task | None = None
        self.backfill_lock = asyncio.Lock()
        # For the audience figures: the most readers at once, and how many readers each new
        # entry reached, since the figures last took them (``take_audience``).
        self.peak_readers = 0
        self.entry_readers: dict[int, int] = {}
        # Ephemeral slots sent within the last EPHEMERAL_GAP: [newest waiting or None, timer].
        self.ephemeral: dict[tuple, list] = {}

    def add_reader(self, reader: Reader) -> None:
        self.readers.add(reader)
        if len(self.readers) > self.peak_readers:
            self.peak_readers = len(self.readers)

    def take_audience(self) -> tuple[int, dict[int, int]]:
        """(peak readers, {entry id: readers reached}) since the last call; starts again."""
        peak = max(self.peak_readers, len(self.readers))
        self.peak_readers = len(self.readers)
        entries, self.entry_readers = self.entry_readers, {}
        return peak, entries

    # -- messages from the broker -------------------------------------------------------------
    def receive(self, message: StreamMessageData) -> None:
        if self.last_seq is not None and message.seq <= self.last_seq:
            return  # already delivered (e.g. filled from the log before it arrived)
        if self.last_seq is None or message.seq == self.last_seq + 1:
            self._deliver(message.seq, sse_frame(message.seq, message.type, message.data))
            self._drain_early()
        else:
            self.early[message.seq] = message
            if self.gap_task is None or self.gap_task.done():
                self.gap_task = asyncio.get_running_loop().create_task(self._fill_gap())

    def broadcast(self, message: StreamMessageData) -> None:
        """An ephemeral message: to the readers connected now, never into the log, and at most
        one a second per (type, target) whichever process sent it (each process coalesces
        its own; with several workers their messages meet here). The first in a second goes
        at once; the newest of the rest goes when the second is up."""
        slot = (message.type, _ephemeral_target(message.data))
        held = self.ephemeral.get(slot)
        if held is not None:
            held[0] = message  # replaces an older one waiting for the same slot
            return
        self._send_ephemeral(message)
        if len(self.ephemeral) < MAX_EPHEMERAL_SLOTS:
            loop = asyncio.get_running_loop()
            self.ephemeral[slot] = [None, loop.call_later(EPHEMERAL_GAP, self._next, slot)]

    def _next(self, slot) -> None:
        held = self.ephemeral.pop(slot, None)
        if held is not None and held[0] is not None:
            self.broadcast(held[0])

    def _send_ephemeral(self, message: StreamMessageData) -> None:
        frame = ephemeral_frame(message.type, message.data)
        chunk = chunked(frame)
        for reader in self.readers:
            reader.push(None, frame, chunk)

    def _deliver(self, seq: int, frame: bytes) -> None:
        if not self.log or seq != self.log_start + len(self.log):
            self.log = []
            self.log_start = seq
        self.log.append(frame)
        capacity = self.server.log_capacity
        if len(self.log) > 2 * capacity:
            drop = len(self.log) - capacity
            del self.log[:drop]
            self.log_start += drop
        self.last_seq = seq
        chunk = chunked(frame)
        for reader in self.readers:
            reader.push(seq, frame, chunk)
        created = ENTRY_CREATED.match(frame)
        if created and self.readers and len(self.entry_readers) < MAX_COUNTED_ENTRIES:
            self.entry_readers[int(created[1])] = len(self.readers)

    def _drain_early(self) -> None:
        while self.early and self.last_seq is not None and (self.last_seq + 1) in self.early:
            message = self.early.pop(self.last_seq + 1)
            self._deliver(message.seq, sse_frame(message.seq, message.type, message.data))

    async def _fill_gap(self) -> None:
        await asyncio.sleep(GAP_WAIT_SECONDS)
        if not self.early or self.last_seq is None:
            return
        first_early = min(self.early)
        if first_early == self.last_seq + 1:
            self._drain_early()
            return
        rows = await self.server.fetch_messages(self.event_id, self.last_seq, first_early - 1)
        for seq, type_, data in rows:
            if seq == self.last_seq + 1:
                self._deliver(seq, sse_frame(seq, type_, data))
        if self.early and min(self.early) != self.last_seq + 1:
            # The missing messages are gone from the log too: tell readers to reload.
            logger.warning(
                "event %s: stream gap after %s not recoverable", self.event_id, self.last_seq
            )
            skip_to = min(self.early) - 1
            frame = resync_frame("gap", skip_to)
            chunk = chunked(frame)
            for reader in self.readers:
                reader.push(None, frame, chunk)
            self.log = []
            self.last_seq = skip_to
        self._drain_early()

    def rewrite(self, frames: list[list], data: str) -> None:
        """Replace logged frames (an entry edited or deleted since) for replays to come; the
        readers' queues keep what they were sent, in order."""
        for seq, type_ in frames:
            index = seq - self.log_start
            if self.log and 0 <= index < len(self.log):
                self.log[index] = sse_frame(seq, type_, data)
            if seq in self.early:
                self.early[seq] = StreamMessageData(self.event_id, seq, type_, data)

    # -- readers ------------------------------------------------------------------------------
    async def replay_after(self, last_id: int | None) -> list[tuple[int, bytes]]:
        """The frames after ``last_id``, in order; raises Resync when that cannot be done."""
        if last_id is None:
            raise Resync("invalid-id")
        head = self.last_seq or 0
        if last_id > head:
            raise Resync("unknown-id")
        if last_id == head:
            return []
        if not self._log_covers(last_id):
            if head - last_id > self.server.replay_limit:
                raise Resync("too-old")
            async with self.backfill_lock:
                # Another reader in the same position may have fetched it meanwhile.
                if not self._log_covers(last_id):
                    await self._backfill(last_id)
        start = last_id + 1 - self.log_start
        return [(self.log_start + start + i, f) for i, f in enumerate(self.log[start:])]

    def _log_covers(self, last_id: int) -> bool:
        return bool(self.log) and self.log_start <= last_id + 1

    async def _backfill(self, last_id: int) -> None:
        upper = self.log_start - 1 if self.log else self.last_seq
        rows = await self.server.fetch_messages(self.event_id, last_id, upper)
        expected = list(range(last_id + 1, upper + 1))
        if [seq for seq, _t, _d in rows] != expected:
            raise Resync("too-old")
        frames = [sse_frame(seq, type_, data) for seq, type_, data in rows]
        if self.log and self.log_start == upper + 1:
            self.log = frames + self.log
        else:
            # Messages that arrived during the query already sit in the readers' queues.
            self.log = frames
        self.log_start = last_id + 1


class DeskHub:
    """Per event and process: the team members connected to the desk. Desk messages are rare
    and short-lived, so there is no memory log: a reconnect reads what it missed from the
    table once."""

    def __init__(self):
        # Each reader, with the id of the person reading.
        self.readers: dict[Reader, int] = {}

    def receive(self, message: StreamMessageData) -> None:
        frame = sse_frame(message.seq, message.type, message.data)
        chunk = chunked(frame)
        for reader in self.readers:
            reader.push(message.seq, frame, chunk)

    def close_member(self, user_id: int) -> None:
        for reader, reader_user in self.readers.items():
            if reader_user == user_id:
                reader.close()


class StreamServer:
    """All hubs of one process, the broker subscription and the heartbeat clock."""

    def __init__(self, broker=None):
        self._broker = broker
        self.hubs: dict[int, EventHub] = {}
        self.desk_hubs: dict[int, DeskHub] = {}
        self._resolved: dict[str, tuple[float, int | None, int]] = {}
        self._resolving: dict[str, asyncio.Future] = {}
        self._subscribed: asyncio.Task | None = None
        self._heartbeat_task: asyncio.Task | None = None
        self.log_capacity = max(settings.HUBBUB_STREAM_MEMORY_LOG, 1)
        self.replay_limit = settings.HUBBUB_STREAM_REPLAY_LIMIT
        self.heartbeat_range = settings.HUBBUB_STREAM_HEARTBEAT
        self.stall_seconds = settings.HUBBUB_STREAM_STALL_SECONDS
        self.max_behind = max(settings.HUBBUB_STREAM_MAX_BEHIND, 1)

    def next_heartbeat(self, now: float) -> float:
        return now + random.uniform(*self.heartbeat_range)

    def new_reader(self, send: Send) -> Reader:
        now = time.monotonic()
        return Reader(self.next_heartbeat(now), self.max_behind, connection_aborter(send))

    @property
    def broker(self):
        if self._broker is None:
            self._broker = get_broker()
        return self._broker

    async def start(self) -> None:
        """Subscribe to the broker once per process (concurrent callers wait for the first)."""
        if self._subscribed is None:
            self._subscribed = asyncio.get_running_loop().create_task(self._subscribe())
        try:
            await asyncio.shield(self._subscribed)
        except Exception:
            self._subscribed = None  # the next reader tries again
            raise

    async def _subscribe(self) -> None:
        await self.broker.subscribe(self.on_message)
        self._heartbeat_task = asyncio.get_running_loop().create_task(self._heartbeats())

    async def stop(self) -> None:
        if self._heartbeat_task is not None:
            self._heartbeat_task.cancel()
        for hub in [*self.hubs.values(), *self.desk_hubs.values()]:
            for reader in list(hub.readers):
                reader.close()
        subscribed = self._subscribed
        if (
            subscribed is not None
            and subscribed.done()
            and not subscribed.cancelled()
            and subscribed.exception() is None
        ):
            await self.broker.unsubscribe(self.on_message)
        self._subscribed = None

    def on_message(self, message: StreamMessageData) -> None:
        if message.type.startswith(CONTROL_PREFIX):
            self.on_control(message)
            return
        if message.type.startswith(PRIVATE_PREFIX):
            # Team-only: never near a public hub, its log or its readers.
            desk = self.desk_hubs.get(message.event_id)
            if desk is not None:
                desk.receive(message)
            return
        if message.seq == EPHEMERAL_SEQ:
            hub = self.hubs.get(message.event_id)
            if hub is not None:
                hub.broadcast(message)
            return
        self.hub(message.event_id).receive(message)

    def on_control(self, message: StreamMessageData) -> None:
        try:
            body = json.loads(message.data)
            if message.type == REWRITE_FRAMES:
                hub = self.hubs.get(message.event_id)
                if hub is not None:
                    hub.rewrite(body["frames"], body["data"])
            elif message.type == CLOSE_DESK_STREAMS:
                desk = self.desk_hubs.get(message.event_id)
                if desk is not None:
                    desk.close_member(int(body["user"]))
        except (ValueError, KeyError, TypeError):
            logger.warning("ignoring a malformed %s control message", message.type)

    def hub(self, event_id: int) -> EventHub:
        hub = self.hubs.get(event_id)
        if hub is None:
            hub = self.hubs[event_id] = EventHub(self, event_id)
        return hub

    async def _heartbeats(self) -> None:
        """Heartbeats, and the check for readers whose writes have stalled, about once a second."""
        while True:
            await asyncio.sleep(min(1.0, self.heartbeat_range[0] / 2))
            now = time.monotonic()
            stalled_since = now - self.stall_seconds
            for hub in [*self.hubs.values(), *self.desk_hubs.values()]:
                for reader in hub.readers:
                    if reader.writing and reader.writing < stalled_since:
                        reader.drop()
                    elif reader.heartbeat_due <= now:
                        reader.heartbeat_due = self.next_heartbeat(now)
                        reader.push(None, HEARTBEAT_FRAME, HEARTBEAT_CHUNK)

    # -- database, only at connect or on a gap -------------------------------------------------
    async def resolve(self, slug: str) -> tuple[int, int] | None:
        """(event id, current stream sequence) of a public event, or None."""
        cached = self._resolved.get(slug)
        if cached is not None and cached[0] > time.monotonic():
            return None if cached[1] is None else (cached[1], cached[2])
        inflight = self._resolving.get(slug)
        if inflight is None:
            inflight = asyncio.get_running_loop().create_future()
            self._resolving[slug] = inflight
            try:
                found = await asyncio.to_thread(_lookup_event, slug)
            except Exception as exc:
                inflight.set_exception(exc)
                raise
            finally:
                self._resolving.pop(slug, None)
            ttl = RESOLVE_TTL_SECONDS if found else UNKNOWN_TTL_SECONDS
            if len(self._resolved) >= MAX_RESOLVED:
                self._resolved.clear()
            self._resolved[slug] = (time.monotonic() + ttl, *(found or (None, 0)))
            inflight.set_result(found)
            return found
        return await asyncio.shield(inflight)

    async def fetch_messages(self, event_id: int, after: int, upto: int):
        return await asyncio.to_thread(_fetch_messages, event_id, after, upto)

    # -- the ASGI side ------------------------------------------------------------------------
    async def handle(self, scope: dict, receive: Receive, send: Send, slug: str) -> None:
        method = scope["method"]
        if method == "OPTIONS":
            await _plain(
                send, 204, b"", extra=[(b"access-control-allow-headers", b"last-event-id")]
            )
            return
        if method not in {"GET", "HEAD"}:
            await _plain(send, 405, b"Only GET is supported.\n", extra=[(b"allow", b"GET")])
            return
        found = await self.resolve(slug)
        if found is None:
            await _plain(send, 404, b"No live event at this address.\n")
            return
        event_id, db_seq = found
        await self.start()
        hub = self.hub(event_id)
        if hub.last_seq is None:
            hub.last_seq = db_seq

        await send({"type": "http.response.start", "status": 200, "headers": RESPONSE_HEADERS})
        if method == "HEAD":
            await send({"type": "http.response.body", "body": b""})
            return

        reader = self.new_reader(send)
        disconnect = asyncio.ensure_future(_wait_for_disconnect(receive))
        disconnect.add_done_callback(lambda _task: reader.close())
        hub.add_reader(reader)
        try:
            first = [HELLO_FRAME]
            raw_last_id = _last_event_id(scope)
            if raw_last_id is not None:
                first.extend(await self._resume(hub, reader, raw_last_id))
            await relay(reader, send, b"".join(first))
        finally:
            hub.readers.discard(reader)
            disconnect.cancel()

    async def handle_private(
        self,
        scope: dict,
        receive: Receive,
        send: Send,
        authorise: Callable[[dict], tuple[int, int] | None],
        replay: Callable[[int, int], list[tuple[int, bytes]]],
    ) -> None:
        """A private stream (the team desk): ``authorise(cookies)`` -> (event id, user id) or
        None, and ``replay(event_id, last_id)`` -> missed (id, frame) pairs. Both are
        synchronous and run once per connection in a thread; after that it only relays
        ``desk.`` messages, until the person leaves or is taken off the team."""
        if scope["method"] != "GET":
            await _plain(send, 405, b"Only GET is supported.\n", extra=[(b"allow", b"GET")])
            return
        allowed = await asyncio.to_thread(authorise, _cookies(scope))
        if allowed is None:
            await _plain(send, 403, b"Only the event's team can follow the desk.\n", cors=False)
            return
        event_id, user_id = allowed
        await self.start()
        reader = self.new_reader(send)
        # Registered before anything awaits, so no message slips between the replay and the
        # relay, and the hub cannot be dropped under this reader.
        desk = self.desk_hubs.get(event_id)
        if desk is None:
            desk = self.desk_hubs[event_id] = DeskHub()
        desk.readers[reader] = user_id
        disconnect = asyncio.ensure_future(_wait_for_disconnect(receive))
        disconnect.add_done_callback(lambda _task: reader.close())
        try:
            await send(
                {"type": "http.response.start", "status": 200, "headers": DESK_RESPONSE_HEADERS}
            )
            last_id = parse_last_event_id(_last_event_id(scope))
            missed = [] if last_id is None else await asyncio.to_thread(replay, event_id, last_id)
            if missed:
                newest = missed[-1][0]
                # Live messages the replay already covers are dropped from the queue.
                reader.pending = [(i, f) for i, f in reader.pending if i is None or i > newest]
            await relay(reader, send, b"".join([HELLO_FRAME, *(f for _id, f in missed)]))
        finally:
            desk.readers.pop(reader, None)
            if not desk.readers and self.desk_hubs.get(event_id) is desk:
                del self.desk_hubs[event_id]
            disconnect.cancel()

    async def _resume(self, hub: EventHub, reader: Reader, raw_last_id: str) -> list[bytes]:
        """Missed frames (or a resync), merged with anything that arrived meanwhile."""
        try:
            replay = await hub.replay_after(parse_last_event_id(raw_last_id))
        except Resync as resync:
            # The resync carries the current id: what arrived meanwhile is in the reload.
            head = hub.last_seq
            reader.pending = [
                (seq, frame)
                for seq, frame in reader.pending
                if seq is None or head is None or seq > head
            ]
            return [resync_frame(resync.reason, head)]
        frames = [frame for _seq, frame in replay]
        newest = replay[-1][0] if replay else None
        if newest is not None:
            # Live messages queued while replaying: keep only those after the replay.
            reader.pending = [
                (seq, frame) for seq, frame in reader.pending if seq is None or seq > newest
            ]
        return frames


async def _wait_for_disconnect(receive: Receive) -> None:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return


def _last_event_id(scope: dict) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"last-event-id":
            return value.decode("latin-1")
    query = scope.get("query_string", b"")
    if query:
        values = parse_qs(query.decode("latin-1")).get("last_event_id")
        if values:
            return values[0]
    return None


async def _plain(send: Send, status: int, body: bytes, extra=(), cors: bool = True) -> None:
    headers = [(b"content-type", b"text/plain; charset=utf-8"), *extra]
    if cors:
        headers.append((b"access-control-allow-origin", b"*"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _lookup_event(slug: str) -> tuple[int, int] | None:
    from django.db import close_old_connections

    from hubbub.events.models import Event

    try:
        row = Event.objects.public().filter(slug=slug).values_list("pk", "stream_seq").first()
    finally:
        close_old_connections()
    return tuple(row) if row else None


def _cookies(scope: dict) -> dict[str, str]:
    from http.cookies import SimpleCookie

    jar = SimpleCookie()
    for name, value in scope.get("headers", ()):
        if name == b"cookie":
            try:
                jar.load(value.decode("latin-1"))
            except Exception:
                return {}
    return {key: morsel.value for key, morsel in jar.items()}


def _fetch_messages(event_id: int, after: int, upto: int) -> list[tuple[int, str, str]]:
    from django.db import close_old_connections

    from .models import StreamMessage

    try:
        return list(
            StreamMessage.objects.filter(event_id=event_id, seq__gt=after, seq__lte=upto)
            .order_by("seq")
            .values_list("seq", "type", "data")
        )
    finally:
        close_old_connections()


_server: StreamServer | None = None


def get_stream_server() -> StreamServer:
    global _server
    if _server is None:
        _server = StreamServer()
    return _server
