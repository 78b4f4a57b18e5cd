"""A busy hour on a real server: every request answered, no database connections piling up.

Under ASGI each request runs in a thread of its own; a connection kept open after the request
is never used again. On PostgreSQL those exhaust ``max_connections`` and the site answers 500
until it restarts; on SQLite they pile up as open file handles.
"""

import asyncio
import os
import threading
import time
from pathlib import Path

import httpx
import psycopg
import pytest
from django.db import connection

from tests.conftest import server_database_url
from tests.factories import EventFactory, SessionFactory

pytestmark = pytest.mark.server

CONCURRENCY = 100
REQUESTS_PER_PAGE = 150
STREAM_LOOKUPS = 100
BURST_TIMEOUT = 120.0
POOL_SIZE = 4
# Each SQLite connection holds the database, its -wal and its -shm file open.
FILES_PER_SQLITE_CONNECTION = 3
APPLICATION_NAME = "hubbub-burst-test"


@pytest.fixture
def busy_event(transactional_db):
    event = EventFactory()
    for hour in (9, 10, 11, 14, 15):
        SessionFactory(event=event, hour=hour)
    return event


def burst(base_url: str, paths: list[str]) -> list[int | str]:
    """GET every path, CONCURRENCY at a time; the status of each, or the error's name."""

    async def run() -> list[int | str]:
        # A connection per request, as a crowd of readers makes: a kept-alive connection can be
        # closed by the server's keep-alive timer just as the client reuses it, which under a
        # loaded machine reads as an error that no reader would see.
        limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=0)
        async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60) as client:

            async def get(path: str) -> int | str:
                try:
                    return (await client.get(path)).status_code
                except httpx.HTTPError as exc:
                    return type(exc).__name__

            return await asyncio.gather(*(get(path) for path in paths))

    return asyncio.run(asyncio.wait_for(run(), BURST_TIMEOUT))


def pages(event) -> list[tuple[str, int]]:
    """The burst's paths and the status each should answer: the event home and programme
    (Django's request threads) and streams of unknown events (the stream server's lookups in
    its own threads)."""
    paths = {f"/{event.slug}/": 200, f"/{event.slug}/programme/": 200}
    expected = list(paths.items()) * REQUESTS_PER_PAGE
    expected += [(f"/no-such-event-{n}/live/stream", 404) for n in range(STREAM_LOOKUPS)]
    return expected


def failures(expected: list[tuple[str, int]], statuses: list[int | str]) -> list[str]:
    return [f"{p} {s}" for (p, want), s in zip(expected, statuses, strict=True) if s != want]


class ConnectionSampler(threading.Thread):
    """Counts the server's connections in pg_stat_activity until stopped; keeps the highest."""

    def __init__(self):
        super().__init__(daemon=True)
        settings = connection.settings_dict
        self.conninfo = {
            "host": settings["HOST"] or "127.0.0.1",
            "port": settings["PORT"] or 5432,
            "user": settings["USER"],
            "password": settings["PASSWORD"] or None,
            "dbname": "postgres",
            "autocommit": True,
        }
        self.database = settings["NAME"]
        self.highest = 0
        self.stopped = threading.Event()

    def count(self) -> int:
        with psycopg.connect(**self.conninfo) as conn:
            return self._count(conn)

    def _count(self, conn) -> int:
        return conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND application_name = %s",
            [self.database, APPLICATION_NAME],
        ).fetchone()[0]

    def run(self) -> None:
        with psycopg.connect(**self.conninfo) as conn:
            while not self.stopped.is_set():
                self.highest = max(self.highest, self._count(conn))
                self.stopped.wait(0.02)


@pytest.mark.postgres
def test_burst_of_readers_on_postgresql_stays_within_the_pool(busy_event, start_server):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (the second test pass): DATABASE_URL=postgres://…")
    server = start_server(
        DATABASE_URL=f"{server_database_url()}?application_name={APPLICATION_NAME}",
        HUBBUB_DB_POOL_SIZE=POOL_SIZE,
        HUBBUB_DB_POOL_MIN=1,
        # The machine running the tests may be busy: a queued request waits for a connection.
        HUBBUB_DB_POOL_TIMEOUT=60,
    )
    expected = pages(busy_event)
    sampler = ConnectionSampler()
    sampler.start()
    try:
        statuses = burst(server.base_url, [path for path, _status in expected])
    finally:
        sampler.stopped.set()
        sampler.join(5)

    failed = failures(expected, statuses)
    assert not failed, f"{len(failed)} of {len(statuses)} requests failed: {failed[:5]}"
    assert 1 <= sampler.highest <= POOL_SIZE
    time.sleep(0.5)
    assert sampler.count() <= POOL_SIZE
    # And the site still answers afterwards.
    assert httpx.get(f"{server.base_url}/{busy_event.slug}/programme/").status_code == 200


def sqlite_handles(pid: int, database: Path) -> list[str]:
    """The server process's open files that are the SQLite database or its -wal/-shm."""
    names = {str(database), f"{database}-wal", f"{database}-shm", f"{database}-journal"}
    fd_dir = Path(f"/proc/{pid}/fd")
    handles = []
    for fd in os.listdir(fd_dir):
        try:
            target = os.readlink(fd_dir / fd)
        except OSError:
            continue  # closed meanwhile
        if target in names:
            handles.append(target)
    return handles


def test_burst_of_readers_on_sqlite_leaves_no_file_handles_open(busy_event, start_server):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only (the first test pass)")
    if not Path("/proc/self/fd").is_dir():
        pytest.skip("needs /proc to count the server's open files")
    server = start_server()
    database = Path(connection.settings_dict["NAME"]).resolve()

    expected = pages(busy_event)
    statuses = burst(server.base_url, [path for path, _status in expected])

    failed = failures(expected, statuses)
    assert not failed, f"{len(failed)} of {len(statuses)} requests failed: {failed[:5]}"
    time.sleep(0.5)  # the last responses' connections close just after they are sent
    handles = sqlite_handles(server.process.pid, database)
    # At most one connection still open (a request finishing); never one per request thread.
    assert len(handles) <= FILES_PER_SQLITE_CONNECTION, handles
    assert httpx.get(f"{server.base_url}/{busy_event.slug}/programme/").status_code == 200
