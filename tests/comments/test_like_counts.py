"""Likes cost nothing: no move of the event's stream sequence, one coalesced count a second."""

import asyncio
import json

import pytest

from hubbub.comments import services
from hubbub.comments.targets import describe
from hubbub.events.models import Event
from hubbub.live import publishing, stream
from hubbub.live.broker import EPHEMERAL_SEQ, StreamMessageData
from hubbub.live.models import StreamMessage
from hubbub.live.schemas import MESSAGE_SCHEMAS
from hubbub.live.services import do_create_entry
from hubbub.live.stream import StreamServer

from ..factories import UserFactory


@pytest.fixture(autouse=True)
def no_waiting_timers():
    yield
    with publishing._pending_lock:
        waiting = list(publishing._pending.values())
        publishing._pending.clear()
    for _message, timer in waiting:
        timer.cancel()


def test_likes_do_not_move_the_stream_sequence_or_log_anything(event, reporter, published):
    entry = do_create_entry(event=event, author=reporter, body="Keynote starts")
    seq = Event.objects.get(pk=event.pk).stream_seq
    logged = StreamMessage.objects.filter(event=event).count()
    with published.capture():
        for n in range(5):
            services.do_like(describe(entry), reader_key=f"reader-{n}")
        services.do_like(describe(entry), reader_key="reader-0", liked=False)
    assert Event.objects.get(pk=event.pk).stream_seq == seq
    assert StreamMessage.objects.filter(event=event).count() == logged


def test_many_likes_within_a_second_send_one_message_with_the_final_count(
    event, reporter, published
):
    entry = do_create_entry(event=event, author=reporter, body="Keynote starts")
    with published.capture():
        for n in range(20):
            services.do_like(describe(entry), reader_key=f"reader-{n}")
        services.do_like(describe(entry), user=UserFactory())
    # Nothing goes out at once: the first like started the entry's one-second timer.
    assert published.broker.of_type("like.updated") == []
    publishing.flush_ephemeral()
    sent = published.broker.of_type("like.updated")
    assert len(sent) == 1
    assert sent[0].seq == EPHEMERAL_SEQ
    body = MESSAGE_SCHEMAS["like.updated"].model_validate(json.loads(sent[0].data))
    assert (body.target, body.count) == (f"entry-{entry.pk}", 21)


def test_likes_of_two_entries_are_coalesced_apart(event, reporter, published):
    first = do_create_entry(event=event, author=reporter, body="One")
    second = do_create_entry(event=event, author=reporter, body="Two")
    with published.capture():
        services.do_like(describe(first), reader_key="a")
        services.do_like(describe(second), reader_key="a")
        services.do_like(describe(second), reader_key="b")
    publishing.flush_ephemeral()
    counts = {json.loads(m.data)["target"]: json.loads(m.data)["count"] for m in
              published.broker.of_type("like.updated")}  # fmt: skip
    assert counts == {f"entry-{first.pk}": 1, f"entry-{second.pk}": 2}


def test_a_like_rolled_back_sends_nothing(event, reporter, published):
    entry = do_create_entry(event=event, author=reporter, body="One")
    services.do_like(describe(entry), reader_key="a")  # no commit in this test: never sent
    publishing.flush_ephemeral()
    assert published.broker.of_type("like.updated") == []


def test_like_message_schema_refuses_a_bad_payload():
    schema = MESSAGE_SCHEMAS["like.updated"]
    with pytest.raises(ValueError):
        schema.model_validate({"target": "entry-1", "count": -1})
    with pytest.raises(ValueError):
        schema.model_validate({"target": "<b>", "count": 1})


class Collect:
    def __init__(self):
        self.frames = []

    def push(self, seq, frame, chunk=None):
        self.frames.append((seq, frame))


def _like_message(event_id, target, count):
    data = json.dumps({"target": target, "count": count})
    return StreamMessageData(event_id, EPHEMERAL_SEQ, "like.updated", data), data


def test_stream_sends_a_like_count_without_an_id_and_never_replays_it(settings):
    async def run():
        server = StreamServer(broker=object())
        hub = server.hub(7)
        hub.last_seq = 3
        reader = Collect()
        hub.readers.add(reader)
        message, data = _like_message(7, "entry-1", 4)
        server.on_message(message)
        assert reader.frames == [(None, f"event: like.updated\ndata: {data}\n\n".encode())]
        assert hub.last_seq == 3 and hub.log == []
        # An event nobody follows in this process: nothing kept for it.
        server.on_message(_like_message(8, "entry-1", 4)[0])
        assert 8 not in server.hubs

    asyncio.run(run())


def test_like_counts_from_several_processes_reach_readers_once_a_second(monkeypatch):
    """Each worker coalesces its own likes; their messages meet in every stream server, which
    lets one a second per entry through, then the newest count."""
    monkeypatch.setattr(stream, "EPHEMERAL_GAP", 0.2)

    async def run():
        server = StreamServer(broker=object())
        hub = server.hub(7)
        reader = Collect()
        hub.readers.add(reader)
        for count in (5, 6, 7):  # three workers' messages within the same moment
            server.on_message(_like_message(7, "entry-1", count)[0])
        server.on_message(_like_message(7, "entry-2", 1)[0])  # another entry: its own slot
        counts = [json.loads(f.split(b"data: ")[1])["count"] for _s, f in reader.frames]
        assert counts == [5, 1]
        await asyncio.sleep(0.3)
        counts = [json.loads(f.split(b"data: ")[1])["count"] for _s, f in reader.frames]
        assert counts == [5, 1, 7]  # the newest, once the gap was up; 6 never sent
        await asyncio.sleep(0.3)
        assert len(reader.frames) == 3 and hub.ephemeral == {}

    asyncio.run(run())


# -- the counts a page fetches when it loads -----------------------------------------------------
def test_like_counts_endpoint_answers_the_current_counts(client, event, reporter):
    entry = do_create_entry(event=event, author=reporter, body="One")
    other = do_create_entry(event=event, author=reporter, body="Two")
    services.do_like(describe(entry), reader_key="a")
    services.do_like(describe(entry), reader_key="b")
    response = client.get(
        f"/{event.slug}/comments/likes/", {"targets": f"entry-{entry.pk},entry-{other.pk}"}
    )
    assert response.status_code == 200
    assert response.json() == {"counts": {f"entry-{entry.pk}": 2, f"entry-{other.pk}": 0}}
    assert response["Cache-Control"] == "public, max-age=1"


def test_like_counts_of_a_draft_event_are_not_shared(client, event, organiser, reporter):
    entry = do_create_entry(event=event, author=reporter, body="One")
    event.status = "draft"
    event.save()
    client.force_login(organiser)
    response = client.get(f"/{event.slug}/comments/likes/", {"targets": f"entry-{entry.pk}"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, max-age=1"


def test_like_counts_endpoint_counts_only_the_events_own_likes(
    client, event, other_event, reporter
):
    entry = do_create_entry(event=event, author=reporter, body="One")
    services.do_like(describe(entry), reader_key="a")
    response = client.get(f"/{other_event.slug}/comments/likes/", {"targets": f"entry-{entry.pk}"})
    assert response.json() == {"counts": {f"entry-{entry.pk}": 0}}


@pytest.mark.parametrize(
    "targets", ["nothing-1", "entry-x", "entry-", ",".join(f"entry-{n}" for n in range(201))]
)
def test_like_counts_endpoint_refuses_bad_or_too_many_targets(client, event, targets):
    response = client.get(f"/{event.slug}/comments/likes/", {"targets": targets})
    assert response.status_code == 400
    assert "targets" in response.json()["detail"]


def test_past_the_waiting_limit_like_counts_go_out_at_once(event, reporter, published, monkeypatch):
    monkeypatch.setattr(publishing, "MAX_WAITING", 1)
    first = do_create_entry(event=event, author=reporter, body="One")
    second = do_create_entry(event=event, author=reporter, body="Two")
    with published.capture():
        services.do_like(describe(first), reader_key="a")
        services.do_like(describe(second), reader_key="a")
    # The first waits for its timer; the second found no room to wait and went out.
    assert [json.loads(m.data)["target"] for m in published.broker.of_type("like.updated")] == [
        f"entry-{second.pk}"
    ]
