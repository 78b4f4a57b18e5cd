"""The Redis broker: one real Redis, several real server processes."""

import asyncio
import os
import subprocess
import sys
import uuid
from contextlib import ExitStack

import httpx
import pytest

from hubbub.live.broker import StreamMessageData, create_broker
from hubbub.live.broker.redis import RedisBroker

from .helpers import SSEStream


def run_async(coroutine):
    """asyncio.run() in a thread of its own: after a browser test, Playwright's sync API leaves
    its event loop registered as running in the test thread, where asyncio.run() refuses."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def unique_event_id() -> int:
    # Pub/sub is shared by everyone on this Redis: messages from other runs carry other ids.
    return 10**12 + uuid.uuid4().int % 10**9


async def receive_published(broker, messages, match, publish_from=None):
    """Subscribe on this loop, publish ``messages`` from a thread, and collect what arrives."""
    received: asyncio.Queue = asyncio.Queue()

    def handler(message):
        if match(message):
            received.put_nowait(message)

    await broker.subscribe(handler)
    try:
        for message in messages:
            await asyncio.to_thread((publish_from or broker).publish, message)
        return [await asyncio.wait_for(received.get(), timeout=5) for _ in messages]
    finally:
        await broker.unsubscribe(handler)


@pytest.mark.redis
def test_redis_broker_delivers_published_messages_in_order(redis_url):
    broker = create_broker(redis_url)
    assert isinstance(broker, RedisBroker)
    event_id = unique_event_id()
    sent = [
        StreamMessageData(event_id, 1, "entry.created", '{"id":1,"body":"Café ☕ “quoted”"}'),
        StreamMessageData(event_id, 2, "entry.updated", '{"id":1,"body":"two\\nlines"}'),
        StreamMessageData(event_id, 3, "entry.deleted", '{"id":1,"event":"x"}'),
    ]
    received = run_async(receive_published(broker, sent, lambda m: m.event_id == event_id))
    assert received == sent
    assert broker.check() == {"ok": True, "broker": "redis"}


@pytest.mark.redis
def test_redis_broker_keeps_databases_apart(redis_url):
    """Redis pub/sub ignores the database number; two sites on one Redis must not mix."""
    ours = create_broker(redis_url)
    neighbour = create_broker(redis_url.rsplit("/", 1)[0] + "/14")
    event_id = unique_event_id()
    stray = StreamMessageData(event_id, 1, "entry.created", '{"from":"neighbour"}')
    mine = StreamMessageData(event_id, 1, "entry.created", '{"from":"us"}')

    async def scenario():
        received: asyncio.Queue = asyncio.Queue()

        def handler(message):
            if message.event_id == event_id:
                received.put_nowait(message)

        await ours.subscribe(handler)
        try:
            await asyncio.to_thread(neighbour.publish, stray)
            await asyncio.to_thread(ours.publish, mine)
            # Redis delivers in publish order, so had the stray arrived it would come first.
            return await asyncio.wait_for(received.get(), timeout=5)
        finally:
            await ours.unsubscribe(handler)

    assert run_async(scenario()) == mine


@pytest.mark.redis
def test_redis_broker_reports_an_unreachable_server():
    broker = create_broker("redis://127.0.0.1:1/0")
    status = broker.check()
    assert status["ok"] is False and status["broker"] == "redis" and status["error"]


# -- real server processes -----------------------------------------------------------------------
def post_entry(base_url: str, event, token: str, body: str) -> dict:
    response = httpx.post(
        f"{base_url}/api/v1/events/{event.slug}/entries",
        json={"body": body},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return response.json()


@pytest.mark.redis
@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_reader_on_one_server_receives_entries_posted_through_another(
    start_server, redis_url, event, reporter, token_for
):
    server_a = start_server(broker=redis_url)
    server_b = start_server(broker=redis_url)
    token = token_for(reporter)
    with SSEStream(f"{server_b.base_url}/{event.slug}/live/stream") as reader:
        reader.wait_connected()
        posted = [post_entry(server_a.base_url, event, token, f"Via A {n}") for n in range(3)]
        messages = reader.next_events(3)

    assert [(m.id, m.event) for m in messages] == [(str(n), "entry.created") for n in (1, 2, 3)]
    assert [m.json()["id"] for m in messages] == [p["id"] for p in posted]
    # Same ids on the server where they were posted, for a reader resuming there.
    with SSEStream(
        f"{server_a.base_url}/{event.slug}/live/stream", headers={"Last-Event-ID": "0"}
    ) as resumed:
        resumed.wait_connected()
        again = resumed.next_events(3)
    assert [(m.id, m.data) for m in again] == [(m.id, m.data) for m in messages]


@pytest.mark.redis
@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_serve_with_two_workers_and_redis_delivers_every_entry_to_every_reader(
    start_server, redis_url, event, reporter, token_for
):
    server = start_server(broker=redis_url, workers=2)
    token = token_for(reporter)
    url = f"{server.base_url}/{event.slug}/live/stream"
    with ExitStack() as stack:
        # Enough readers that both workers' shares of the listening socket get some.
        readers = [stack.enter_context(SSEStream(url)) for _ in range(8)]
        for reader in readers:
            reader.wait_connected()
        # Posts land on either worker too.
        posted = [post_entry(server.base_url, event, token, f"Update {n}") for n in range(4)]
        for reader in readers:
            messages = reader.next_events(4)
            assert [m.id for m in messages] == ["1", "2", "3", "4"]
            assert [m.json()["id"] for m in messages] == [p["id"] for p in posted]


def test_serve_refuses_several_workers_with_the_in_process_broker(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hubbub.settings",
        "HUBBUB_VAR_DIR": str(tmp_path),
        "HUBBUB_BROKER": "memory://",
    }
    result = subprocess.run(
        [sys.executable, "-m", "hubbub.cli", "serve", "--workers", "2", "--port", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode != 0
    assert "--workers > 1 needs a shared broker" in result.stderr
    assert "HUBBUB_BROKER=redis://" in result.stderr
    assert "serving on" not in result.stdout


def test_serve_command_refuses_several_workers_with_the_in_process_broker(settings, monkeypatch):
    import uvicorn
    from django.core.management import CommandError, call_command

    started = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: started.append(kwargs))
    settings.HUBBUB_BROKER = "memory://"
    with pytest.raises(CommandError, match="needs a shared broker"):
        call_command("serve", workers=2)
    assert started == []
