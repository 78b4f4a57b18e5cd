"""Replays after an entry is edited or deleted, against real servers: a reader resuming from
before the change gets only what readers may see now, from the memory log, from the database
log, and from the memory log of another process (through Redis)."""

import pytest

from .helpers import FAST_HEARTBEAT, Site, SSEStream

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]


def change_entries(site: Site, watcher: SSEStream) -> tuple[dict, dict]:
    """Post two entries, correct one and delete the other, while ``watcher`` is connected."""
    kept = site.post("Kept: the first wording")
    gone = site.post("Gone: a secret the reporter took back")
    site.patch(kept["id"], body="Kept: the corrected wording")
    site.delete(gone["id"])
    live = watcher.next_events(4)
    # Readers already connected get every change, in order.
    assert [(e.id, e.event) for e in live] == [
        ("1", "entry.created"),
        ("2", "entry.created"),
        ("3", "entry.updated"),
        ("4", "entry.deleted"),
    ]
    return kept, gone


def assert_replay_shows_only_the_present(stream: SSEStream, site: Site, kept, gone) -> None:
    replay = stream.next_events(4)
    assert [(e.id, e.event) for e in replay] == [
        ("1", "entry.created"),
        ("2", "entry.deleted"),
        ("3", "entry.updated"),
        ("4", "entry.deleted"),
    ]
    assert all("secret" not in e.data and "first wording" not in e.data for e in replay)
    created, _tombstone, updated, _deleted = (e.json() for e in replay)
    current = site.get(kept["id"])
    assert {k: v for k, v in created.items() if k != "html"} == current
    assert created["body"] == updated["body"] == "Kept: the corrected wording"
    for tombstone in (replay[1], replay[3]):
        assert tombstone.json() == {"id": gone["id"], "event": site.event.slug}


@pytest.mark.parametrize("memory_log", ["500", "1"], ids=["from-memory", "from-database"])
def test_replay_after_an_edit_and_a_delete_shows_only_what_readers_may_see_now(
    site_factory, memory_log
):
    site = site_factory(HUBBUB_STREAM_MEMORY_LOG=memory_log, **FAST_HEARTBEAT)
    with site.stream() as watcher:
        watcher.wait_connected()
        kept, gone = change_entries(site, watcher)
    with site.stream(last_event_id="0") as resumed:
        resumed.wait_connected()
        assert_replay_shows_only_the_present(resumed, site, kept, gone)


@pytest.mark.redis
def test_replay_on_another_process_is_rewritten_too(
    start_server, redis_url, event, editor, token_for
):
    """Changes made through one server; the reader resumes from the other's memory log."""
    writer = Site(start_server(broker=redis_url, **FAST_HEARTBEAT), event, token_for(editor))
    other = Site(start_server(broker=redis_url, **FAST_HEARTBEAT), event, writer.token)
    try:
        with other.stream() as watcher:
            watcher.wait_connected()
            kept, gone = change_entries(writer, watcher)
        with other.stream(last_event_id="0") as resumed:
            resumed.wait_connected()
            assert_replay_shows_only_the_present(resumed, other, kept, gone)
    finally:
        writer.close()
        other.close()
