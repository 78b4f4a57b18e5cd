"""Counting readers in memory, and writing the totals out every few seconds.

``record_page()`` runs on the server's event loop for every HTML page answered with 200 (the
ASGI entry point calls it through ``hubbub.core.audience``). It only touches dictionaries: a
reader is reduced at once to a salted hash of address and user agent (the salt is derived
from the day, so yesterday's hashes cannot be matched with today's), and nothing reaches the
database until ``flush()``, which a background thread runs every ``HUBBUB_STATS_FLUSH_SECONDS``
(and the server at shutdown). What is held between flushes is bounded (``MAX_*`` below);
beyond that, readers are dropped from the figures rather than memory growing.

Unique readers are counted with a HyperLogLog: in Redis (PFADD/PFCOUNT) when the broker is
Redis, so every process and node adds to one counter, and otherwise in process, merged into
the day's row. Peak concurrent live readers come from the stream server of each process; with
Redis, each process leaves its latest peak there and the figure is their sum (the processes'
peaks within one flush interval of each other, so it can overstate by the readers who came
and went within that interval).
"""

import datetime
import functools
import hashlib
import hmac
import logging
import os
import re
import socket
import threading
import time
import zoneinfo
from collections import Counter
from types import SimpleNamespace
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, close_old_connections, transaction
from django.db.models import F
from django.db.models.functions import Greatest

from hubbub.core.http import client_ip
from hubbub.events.models import Event

from .hll import HyperLogLog
from .models import DailyCount, DailyFigures

logger = logging.getLogger(__name__)

# Held between two flushes, at most: distinct (event, day) reader sets, hashes in all of them,
# and distinct counted things (entries, sessions, sites).
MAX_EVENTS = 500
MAX_HASHES = 200_000
MAX_KEYS = 20_000
MAX_HOST_LENGTH = 100
REDIS_TTL_SECONDS = 3 * 86400

# /<event>/<what readers read>; team and organiser pages are not the audience.
PAGE_PATH = re.compile(r"^/(?P<slug>[-a-zA-Z0-9_]{1,80})/(?P<rest>.*)$")
NOT_AN_EVENT = frozenset(
    {"api", "admin", "accounts", "media", "static", "search", "me", "feeds", "blog", "manage"}
)
NOT_READING = re.compile(r"^(manage|team)/|^live/(write|review)|^comments/moderate")
ENTRY_PATH = re.compile(r"^live/(?P<id>\d{1,12})/$")
SESSION_PATH = re.compile(r"^programme/(?P<id>\d{1,12})-")
EMBED_PATH = re.compile(r"^live/embed$")


def day_salt(day: datetime.date) -> bytes:
    return hmac.new(settings.SECRET_KEY.encode(), f"readers:{day}".encode(), "sha256").digest()


def reader_hash(salt: bytes, address: str, user_agent: str) -> int:
    digest = hashlib.blake2b(
        f"{address}\n{user_agent}".encode("utf-8", "replace"), digest_size=8, key=salt[:32]
    ).digest()
    return int.from_bytes(digest, "big")


class Tally:
    """What one process counted since its last flush."""

    def __init__(self):
        self.lock = threading.Lock()
        self.readers: dict[tuple[str, datetime.date], set[int]] = {}
        self.views: Counter = Counter()
        self.counts: Counter = Counter()
        self.hashes = 0
        self.dropped = 0
        self._salt: tuple[datetime.date, bytes] | None = None

    def salt(self, day: datetime.date) -> bytes:
        if self._salt is None or self._salt[0] != day:
            self._salt = (day, day_salt(day))
        return self._salt[1]

    def add(self, slug: str, day, hashed: int, things: list[tuple[str, str]]) -> None:
        with self.lock:
            slot = (slug, day)
            seen = self.readers.get(slot)
            if seen is None:
                if len(self.readers) >= MAX_EVENTS:
                    self.dropped += 1
                    return
                seen = self.readers[slot] = set()
            self.views[slot] += 1
            if hashed not in seen:
                if self.hashes >= MAX_HASHES:
                    self.dropped += 1
                else:
                    seen.add(hashed)
                    self.hashes += 1
            for kind, key in things:
                counted = (slug, day, kind, key)
                if counted in self.counts or len(self.counts) < MAX_KEYS:
                    self.counts[counted] += 1

    def take(self):
        with self.lock:
            taken = self.readers, self.views, self.counts
            self.readers, self.views, self.counts = {}, Counter(), Counter()
            self.hashes = 0
            return taken


tally = Tally()


WANTED_HEADERS = frozenset({b"host", b"user-agent", b"referer", b"x-forwarded-for"})


def _headers(scope: dict) -> dict[bytes, bytes]:
    return {k: v for k, v in scope.get("headers", ()) if k in WANTED_HEADERS}


def _host(url: bytes) -> str:
    try:
        host = urlsplit(url.decode("latin-1")).hostname or ""
    except ValueError:
        return ""
    return host[:MAX_HOST_LENGTH].lower()


def _address(scope: dict, headers: dict) -> str:
    peer = (scope.get("client") or ("", 0))[0] or ""
    forwarded = headers.get(b"x-forwarded-for")
    if not forwarded:
        return peer
    meta = {"REMOTE_ADDR": peer, "HTTP_X_FORWARDED_FOR": forwarded.decode("latin-1")}
    return client_ip(SimpleNamespace(META=meta)) or peer


_today: tuple[int, datetime.date] = (-1, datetime.date.min)


def local_today(now: float | None = None) -> datetime.date:
    """Today in the site's zone (``TIME_ZONE``, Europe/London by default): an organiser's day
    runs from their midnight, not UTC's. Worked out once a second at most."""
    global _today
    second = int(time.time() if now is None else now)
    if _today[0] != second:
        _today = (second, datetime.datetime.fromtimestamp(second, _site_zone()).date())
    return _today[1]


@functools.cache
def _site_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def record_page(scope: dict, status: int) -> None:
    """Count one answered page (see the module's docstring). Never raises."""
    try:
        if status != 200 or scope.get("method") != "GET":
            return
        match = PAGE_PATH.match(scope.get("path", ""))
        if match is None or match["slug"] in NOT_AN_EVENT:
            return
        rest = match["rest"]
        if NOT_READING.match(rest):
            return
        headers = _headers(scope)
        today = local_today()
        agent = headers.get(b"user-agent", b"").decode("latin-1")
        hashed = reader_hash(tally.salt(today), _address(scope, headers), agent)
        things = []
        referer = headers.get(b"referer")
        if referer:
            referrer = _host(referer)
            own_host = headers.get(b"host", b"").decode("latin-1").rsplit(":", 1)[0].lower()
            if referrer and referrer != own_host:
                things.append(("embed" if EMBED_PATH.match(rest) else "referrer", referrer))
        if found := ENTRY_PATH.match(rest):
            things.append(("entry", found["id"]))
        elif found := SESSION_PATH.match(rest):
            things.append(("session", found["id"]))
        tally.add(match["slug"], today, hashed, things)
    except Exception:  # counting must never cost a reader their page
        logger.exception("could not count a page view")


# -- the stream server's figures ---------------------------------------------------------------
def _stream_figures() -> tuple[dict[int, int], dict[tuple[int, int], int]]:
    """({event id: peak readers since the last call}, {(event id, entry id): live readers})
    from this process's stream server, if it serves any."""
    from hubbub.live import stream

    server = stream._server
    if server is None:
        return {}, {}
    peaks, entries = {}, {}
    for event_id, hub in list(server.hubs.items()):
        peak, delivered = hub.take_audience()
        if peak:
            peaks[event_id] = peak
        for entry_id, readers in delivered.items():
            entries[(event_id, entry_id)] = readers
    return peaks, entries


# -- flushing ------------------------------------------------------------------------------
_flush_lock = threading.Lock()
_flusher: threading.Thread | None = None
_flusher_lock = threading.Lock()


def start_flushing() -> None:
    """Start this process's flush thread (once); the server calls it at startup."""
    global _flusher
    if _flusher is not None:
        return
    with _flusher_lock:
        if _flusher is None:
            _flusher = threading.Thread(target=_flush_forever, name="stats-flush", daemon=True)
            _flusher.start()


def _flush_forever() -> None:
    while True:
        time.sleep(settings.HUBBUB_STATS_FLUSH_SECONDS)
        try:
            flush()
        except Exception:
            logger.exception("could not write the audience figures")
        finally:
            close_old_connections()


def _process() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _redis():
    url = settings.HUBBUB_BROKER
    if not url.startswith(("redis://", "rediss://", "unix://")):
        return None
    import redis

    return redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)


def _redis_key(*parts) -> str:
    return "hubbub:stats:" + ":".join(str(p) for p in parts)


def flush(now: float | None = None) -> None:
    """Write what this process counted to the database (and Redis); safe to call any time."""
    with _flush_lock:
        readers, views, counts = tally.take()
        peaks, entry_readers = _stream_figures()
        if not (readers or counts or peaks or entry_readers):
            return
        slugs = {slug for slug, _day in readers} | {slug for slug, *_rest in counts}
        events = dict(Event.objects.public().filter(slug__in=slugs).values_list("slug", "pk"))
        client = _redis()
        today = local_today(now)
        # One transaction: whoever reads the figures sees a whole flush or none of it (the
        # readers without the peak counted beside them, say, never).
        with transaction.atomic():
            for (slug, day), hashes in readers.items():
                if slug in events:
                    _add_readers(client, events[slug], day, hashes, views[(slug, day)])
            for (slug, day, kind, key), n in counts.items():
                if slug in events:
                    _add_count(events[slug], day, kind, key, n)
            for (event_id, entry_id), n in entry_readers.items():
                _add_count(event_id, today, DailyCount.Kind.ENTRY, str(entry_id), n)
            for event_id, peak in peaks.items():
                _add_peak(client, event_id, today, peak, now or time.time())


def _figures_row(event_id: int, day) -> DailyFigures:
    try:
        with transaction.atomic():
            return DailyFigures.objects.get_or_create(event_id=event_id, day=day)[0]
    except IntegrityError:  # another process made it meanwhile
        return DailyFigures.objects.get(event_id=event_id, day=day)


def _add_readers(client, event_id: int, day, hashes: set[int], views: int) -> None:
    _figures_row(event_id, day)
    if client is not None:
        key = _redis_key("readers", event_id, day)
        items = [h.to_bytes(8, "big") for h in hashes]
        pipe = client.pipeline()
        for start in range(0, len(items), 10_000):
            pipe.pfadd(key, *items[start : start + 10_000])
        pipe.pfcount(key)
        pipe.expire(key, REDIS_TTL_SECONDS)
        unique = pipe.execute()[-2]
        DailyFigures.objects.filter(event_id=event_id, day=day).update(
            unique_readers=Greatest(F("unique_readers"), unique), page_views=F("page_views") + views
        )
        return
    with transaction.atomic():
        row = DailyFigures.objects.select_for_update().get(event_id=event_id, day=day)
        counter = HyperLogLog(bytes(row.registers) or None)
        for hashed in hashes:
            counter.add(hashed)
        row.registers = counter.to_bytes()
        row.unique_readers = counter.count()
        row.page_views += views
        row.save(update_fields=["registers", "unique_readers", "page_views"])


def _add_count(event_id: int, day, kind: str, key: str, n: int) -> None:
    rows = DailyCount.objects.filter(event_id=event_id, day=day, kind=kind, key=key)
    if rows.update(count=F("count") + n):
        return
    try:
        with transaction.atomic():
            DailyCount.objects.create(event_id=event_id, day=day, kind=kind, key=key, count=n)
    except IntegrityError:
        rows.update(count=F("count") + n)


def _add_peak(client, event_id: int, day, peak: int, now: float) -> None:
    """The day keeps the largest sum of the processes' latest peaks."""
    if client is not None:
        key = _redis_key("peak", event_id)
        pipe = client.pipeline()
        pipe.hset(key, _process(), f"{peak}:{now:.0f}")
        pipe.hgetall(key)
        pipe.expire(key, REDIS_TTL_SECONDS)
        latest = pipe.execute()[1]
        fresh_after = now - 2 * settings.HUBBUB_STATS_FLUSH_SECONDS
        total = 0
        for field, value in latest.items():
            their_peak, _colon, when = value.decode().partition(":")
            if float(when) >= fresh_after:
                total += int(their_peak)
            else:
                client.hdel(key, field)  # a process that has stopped
        peak = max(peak, total)
    _figures_row(event_id, day)
    DailyFigures.objects.filter(event_id=event_id, day=day).update(
        peak_concurrent=Greatest(F("peak_concurrent"), peak)
    )
