"""The live stream's protocol, read from a real ``hubbub serve`` process over HTTP."""

from itertools import pairwise
from urllib.parse import quote

import httpx
import pytest

from hubbub.events.models import Event
from hubbub.live.models import StreamMessage
from hubbub.live.services import do_create_entry
from tests.factories import EventFactory

from .helpers import FAST_HEARTBEAT, Site, SSEStream

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]


def without_html(data: dict) -> tuple[dict, str]:
    data = dict(data)
    html = data.pop("html")
    return data, html


def assert_is_marker(stream: SSEStream, site: Site, expected_seq: int) -> None:
    """Post one more entry and check it is the very next thing on ``stream``: proof that
    nothing else (a duplicate, a stray message) was queued before it."""
    marker = site.post("marker")
    event = stream.next_event()
    assert (event.event, event.id, event.json()["id"]) == (
        "entry.created",
        str(expected_seq),
        marker["id"],
    )


# -- what a connected reader receives ------------------------------------------------------------
def test_stream_delivers_created_updated_and_deleted_entries(site):
    with site.stream() as stream:
        stream.wait_connected()
        assert stream.headers["content-type"].startswith("text/event-stream")
        assert stream.retry == "3000"

        created = site.post("The keynote has **begun**")
        message = stream.next_event()
        assert message.event == "entry.created"
        data, html = without_html(message.json())
        assert data == site.get(created["id"])
        assert f'id="entry-{created["id"]}"' in html
        assert "<strong>begun</strong>" in html

        site.patch(created["id"], body="The keynote has *ended*")
        message = stream.next_event()
        assert message.event == "entry.updated"
        data, html = without_html(message.json())
        assert data == site.get(created["id"])
        assert data["body"] == "The keynote has *ended*"
        assert "<em>ended</em>" in html

        site.patch(created["id"], pinned=True)
        message = stream.next_event()
        assert message.event == "entry.pinned"
        data, _html = without_html(message.json())
        assert data == site.get(created["id"]) and data["pinned"] is True

        site.delete(created["id"])
        message = stream.next_event()
        assert message.event == "entry.deleted"
        assert message.json() == {"id": created["id"], "event": site.event.slug}


def test_stream_ids_are_the_events_stream_sequence(site):
    with site.stream() as stream:
        stream.wait_connected()
        posted = [site.post(f"Update {n}") for n in range(3)]
        site.patch(posted[0]["id"], body="Update 0, corrected")
        messages = stream.next_events(4)

    site.event.refresh_from_db()
    assert site.event.stream_seq == 4
    assert [m.id for m in messages] == ["1", "2", "3", "4"]
    assert [m.event for m in messages] == ["entry.created"] * 3 + ["entry.updated"]
    assert [m.json()["id"] for m in messages] == [p["id"] for p in posted] + [posted[0]["id"]]
    logged = StreamMessage.objects.filter(event=site.event).order_by("seq")
    assert [(str(m.seq), m.type) for m in logged] == [(m.id, m.event) for m in messages]


def test_stream_answers_cors_for_embeds(site):
    with site.stream() as stream:
        stream.wait_connected()
        assert stream.headers["access-control-allow-origin"] == "*"
    preflight = httpx.options(
        site.stream_url,
        headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "last-event-id" in preflight.headers["access-control-allow-headers"].lower()


def test_stream_of_unknown_or_draft_event_answers_404(site):
    draft = EventFactory(status=Event.Status.DRAFT)
    for slug in ("no-such-event", draft.slug):
        response = httpx.get(f"{site.server.base_url}/{slug}/live/stream", timeout=5)
        assert response.status_code == 404
        assert response.headers["access-control-allow-origin"] == "*"


def test_stream_sends_heartbeat_comments_at_the_configured_interval(site):
    with site.stream() as stream:
        stream.wait_connected()
        times = stream.wait_for_comments("heartbeat", 4, timeout=8)
    gaps = [later - earlier for earlier, later in pairwise(times)]
    # Configured as 0.5-1 s; the clock ticks every quarter second, so allow for that.
    assert all(0.4 <= gap <= 1.6 for gap in gaps), gaps


# -- resuming ------------------------------------------------------------------------------------
@pytest.mark.parametrize("how", ["header", "query"])
def test_resume_gets_exactly_the_missed_messages_in_order(site, how):
    with site.stream() as stream:
        stream.wait_connected()
        first = site.post("Seen live")
        assert stream.next_event().id == "1"
    # The reader is away while these happen.
    missed = [site.post(f"Missed {n}") for n in range(3)]
    site.patch(first["id"], body="Seen live, then edited")
    site.delete(missed[1]["id"])

    if how == "header":
        resumed = site.stream(last_event_id="1")
    else:
        resumed = site.stream(query="?last_event_id=1")
    with resumed as stream:
        stream.wait_connected()
        messages = stream.next_events(5)
        assert [(m.id, m.event) for m in messages] == [
            ("2", "entry.created"),
            # Deleted while the reader was away: a tombstone, never the deleted text.
            ("3", "entry.deleted"),
            ("4", "entry.created"),
            ("5", "entry.updated"),
            ("6", "entry.deleted"),
        ]
        assert [m.json()["id"] for m in messages[:3]] == [m["id"] for m in missed]
        assert messages[3].json()["body"] == "Seen live, then edited"
        assert messages[4].json() == {"id": missed[1]["id"], "event": site.event.slug}
        assert_is_marker(stream, site, 7)


def test_resume_at_the_newest_id_gets_nothing_old(site):
    for n in range(3):
        site.post(f"Old {n}")
    with site.stream(last_event_id="3") as stream:
        stream.wait_connected()
        assert_is_marker(stream, site, 4)


def test_resume_after_messages_posted_before_any_reader_connected(site):
    """Nothing was in the server's memory: the missed messages come from the durable log."""
    posted = [site.post(f"Early {n}") for n in range(4)]
    with site.stream(last_event_id="1") as stream:
        stream.wait_connected()
        messages = stream.next_events(3)
        assert [m.id for m in messages] == ["2", "3", "4"]
        assert [m.json()["id"] for m in messages] == [p["id"] for p in posted[1:]]
        for message in messages:
            data, _html = without_html(message.json())
            assert data == site.get(data["id"])
        assert_is_marker(stream, site, 5)


def test_resume_from_too_far_back_gets_a_resync(site_factory):
    site = site_factory(HUBBUB_STREAM_REPLAY_LIMIT="3", HUBBUB_STREAM_MEMORY_LOG="2")
    with site.stream() as live:
        live.wait_connected()
        for n in range(8):
            site.post(f"Busy {n}")
        assert [m.id for m in live.next_events(8)] == [str(n) for n in range(1, 9)]

    with site.stream(last_event_id="1") as stream:
        stream.wait_connected()
        resync = stream.next_event()
        assert resync.event == "resync"
        assert resync.json() == {"reason": "too-old"}
        # The resync carries the current id, so the next reconnect starts from there.
        assert resync.id == "8"
        assert_is_marker(stream, site, 9)

    # Within the limit the same server still replays.
    with site.stream(last_event_id="6") as stream:
        stream.wait_connected()
        assert [m.id for m in stream.next_events(3)] == ["7", "8", "9"]


def test_resume_from_messages_pruned_from_the_durable_log_gets_a_resync(site):
    for n in range(5):
        site.post(f"Soon forgotten {n}")
    # As the periodic pruning does: the oldest messages are gone from the log.
    StreamMessage.objects.filter(event=site.event, seq__lte=3).delete()

    with site.stream(last_event_id="1") as stream:
        stream.wait_connected()
        resync = stream.next_event()
        assert (resync.event, resync.id, resync.json()) == ("resync", "5", {"reason": "too-old"})
        assert_is_marker(stream, site, 6)

    with site.stream(last_event_id="3") as stream:
        stream.wait_connected()
        assert [m.id for m in stream.next_events(3)] == ["4", "5", "6"]


# "50" is from the future; "²" and "١" pass str.isdigit() (the second even int()) but are no ids.
GARBAGE_IDS = ["abc", "-1", "99999999999999999999999999", "1.5", "0x10", "2; drop", "50", "²", "١"]


def header_value(text: str) -> bytes:
    # HTTP header values are bytes; send what can be sent as Latin-1, the rest as UTF-8.
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return text.encode()


def test_resume_with_a_garbage_id_gets_a_resync_and_the_server_keeps_serving(site):
    site.post("Before")
    site.post("Before, again")
    head = 2
    for last_event_id in GARBAGE_IDS:
        for header, query in (
            (header_value(last_event_id), ""),
            (None, f"?last_event_id={quote(last_event_id)}"),
        ):
            with site.stream(last_event_id=header, query=query) as stream:
                stream.wait_connected()
                resync = stream.next_event()
                assert resync.event == "resync", last_event_id
                assert resync.json()["reason"] in {"invalid-id", "unknown-id"}
                assert resync.id == str(head)
                head += 1
                assert_is_marker(stream, site, head)

    # The server is unharmed: a reader resuming properly still gets what it missed.
    with site.stream(last_event_id="2") as stream:
        stream.wait_connected()
        assert [m.id for m in stream.next_events(head - 2)] == [str(n) for n in range(3, head + 1)]
    assert httpx.get(f"{site.server.base_url}/healthz", timeout=5).status_code == 200


# -- restarts ------------------------------------------------------------------------------------
def test_reader_catches_up_across_a_server_restart(site_factory, editor):
    site = site_factory(**FAST_HEARTBEAT)
    with site.stream() as stream:
        stream.wait_connected()
        site.post("Before the restart")
        assert stream.next_event().id == "1"
        site.server.kill()

    # While no server runs, reporters' posts still land in the database and its stream log.
    while_down = [
        do_create_entry(event=site.event, author=editor, body=f"While down {n}") for n in range(3)
    ]

    restarted = site_factory(**FAST_HEARTBEAT)
    with restarted.stream(last_event_id="1") as stream:
        stream.wait_connected()
        messages = stream.next_events(3)
        assert [m.id for m in messages] == ["2", "3", "4"]
        assert [m.json()["id"] for m in messages] == [e.pk for e in while_down]
        for message in messages:
            data, _html = without_html(message.json())
            assert data == restarted.get(data["id"])
        assert_is_marker(stream, restarted, 5)


# -- gaps ----------------------------------------------------------------------------------------
def test_stream_fills_a_missed_message_from_the_durable_log(site, editor):
    with site.stream() as stream:
        stream.wait_connected()
        # Committed by another process whose broker message never reached this server.
        unseen = do_create_entry(event=site.event, author=editor, body="Never announced")
        after = site.post("Announced")
        messages = stream.next_events(2)
        assert [(m.id, m.json()["id"]) for m in messages] == [("1", unseen.pk), ("2", after["id"])]
        data, _html = without_html(messages[0].json())
        assert data == site.get(unseen.pk)
        assert_is_marker(stream, site, 3)


def test_stream_sends_a_resync_when_a_missed_message_is_gone(site, editor):
    with site.stream() as stream:
        stream.wait_connected()
        do_create_entry(event=site.event, author=editor, body="Never announced")
        StreamMessage.objects.filter(event=site.event, seq=1).delete()
        after = site.post("Announced")
        resync = stream.next_event()
        assert (resync.event, resync.id, resync.json()) == ("resync", "1", {"reason": "gap"})
        message = stream.next_event()
        assert (message.id, message.json()["id"]) == ("2", after["id"])
        assert_is_marker(stream, site, 3)
