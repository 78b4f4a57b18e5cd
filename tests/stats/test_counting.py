"""Counting readers in memory and writing the figures out: what is kept, and what never is."""

import datetime

import pytest

from hubbub.stats import counting
from hubbub.stats.models import DailyCount, DailyFigures
from tests.factories import EventFactory

ADDRESS = "203.0.113.9"
AGENT = "Mozilla/5.0 (X11; Linux) ExampleBrowser/1.0"


@pytest.fixture(autouse=True)
def fresh_tally(monkeypatch):
    monkeypatch.setattr(counting, "tally", counting.Tally())
    return counting.tally


def scope(path, *, address=ADDRESS, agent=AGENT, referer="", method="GET", host="hubbub.test"):
    headers = [(b"host", host.encode()), (b"user-agent", agent.encode())]
    if referer:
        headers.append((b"referer", referer.encode()))
    return {"type": "http", "method": method, "path": path, "headers": headers,
            "client": (address, 50000)}  # fmt: skip


def today():
    return counting.local_today()


def test_readers_are_counted_once_each_per_day(event):
    for _ in range(3):
        counting.record_page(scope(f"/{event.slug}/live/"), 200)
    counting.record_page(scope(f"/{event.slug}/programme/", agent="Other/2.0"), 200)
    counting.record_page(scope(f"/{event.slug}/", address="198.51.100.7"), 200)
    counting.flush()
    row = DailyFigures.objects.get(event=event, day=today())
    assert (row.unique_readers, row.page_views) == (3, 5)


def test_figures_add_up_over_several_flushes(event):
    counting.record_page(scope(f"/{event.slug}/live/"), 200)
    counting.flush()
    counting.record_page(scope(f"/{event.slug}/live/"), 200)  # the same reader again
    counting.record_page(scope(f"/{event.slug}/live/", address="198.51.100.7"), 200)
    counting.flush()
    row = DailyFigures.objects.get(event=event, day=today())
    assert (row.unique_readers, row.page_views) == (2, 3)


def test_team_pages_errors_and_other_sites_paths_are_not_counted(event):
    for path in [f"/{event.slug}/manage/", f"/{event.slug}/live/write", f"/{event.slug}/team/",
                 "/api/v1/events/", "/admin/", "/not-an-event/live/"]:  # fmt: skip
        counting.record_page(scope(path), 200)
    counting.record_page(scope(f"/{event.slug}/live/"), 404)
    counting.record_page(scope(f"/{event.slug}/live/", method="HEAD"), 200)
    counting.flush()
    assert not DailyFigures.objects.filter(event=event).exists()
    assert not DailyFigures.objects.exclude(event=event).exists()


def test_entries_sessions_embeds_and_referrers_are_counted(event):
    slug = event.slug
    counting.record_page(scope(f"/{slug}/live/41/", referer="https://news.example.org/a"), 200)
    counting.record_page(scope(f"/{slug}/live/41/", address="198.51.100.7"), 200)
    counting.record_page(scope(f"/{slug}/programme/7-opening-keynote/"), 200)
    counting.record_page(scope(f"/{slug}/live/embed", referer="https://council.example.gov/live"),
                         200)  # fmt: skip
    counting.record_page(scope(f"/{slug}/live/", referer="https://hubbub.test/"), 200)  # own site
    counting.flush()
    counts = set(DailyCount.objects.filter(event=event).values_list("kind", "key", "count"))
    assert counts == {
        ("entry", "41", 2),
        ("session", "7", 1),
        ("embed", "council.example.gov", 1),
        ("referrer", "news.example.org", 1),
    }


def test_no_address_or_user_agent_is_kept_anywhere(event, fresh_tally):
    counting.record_page(scope(f"/{event.slug}/live/"), 200)
    held = repr((fresh_tally.readers, fresh_tally.counts))
    assert ADDRESS not in held and "ExampleBrowser" not in held
    counting.flush()
    for row in DailyFigures.objects.all():
        stored = bytes(row.registers) + repr(vars(row)).encode()
        assert ADDRESS.encode() not in stored and b"ExampleBrowser" not in stored
    for row in DailyCount.objects.all():
        assert ADDRESS not in repr(vars(row))


def test_the_reader_hash_changes_with_the_day():
    first = counting.reader_hash(counting.day_salt(datetime.date(2026, 11, 28)), ADDRESS, AGENT)
    second = counting.reader_hash(counting.day_salt(datetime.date(2026, 11, 29)), ADDRESS, AGENT)
    assert first != second


def test_what_is_held_between_flushes_is_bounded(event, monkeypatch, fresh_tally):
    monkeypatch.setattr(counting, "MAX_HASHES", 5)
    monkeypatch.setattr(counting, "MAX_KEYS", 2)
    for n in range(20):
        counting.record_page(scope(f"/{event.slug}/live/{n}/", address=f"198.51.100.{n}"), 200)
    assert fresh_tally.hashes == 5 and len(fresh_tally.counts) == 2
    assert fresh_tally.dropped == 15


def test_draft_events_get_no_figures(db):
    draft = EventFactory(status="draft")
    counting.record_page(scope(f"/{draft.slug}/live/"), 200)
    counting.flush()
    assert not DailyFigures.objects.filter(event=draft).exists()


def test_with_redis_two_processes_add_up(event, settings, redis_url, monkeypatch):
    import redis

    settings.HUBBUB_BROKER = redis_url
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter("hubbub:stats:*"):
        client.delete(key)
    # Two processes, each with its own tally and stream server, one Redis.
    monkeypatch.setattr(counting, "_process", lambda: "node-a:1")
    monkeypatch.setattr(counting, "_stream_figures", lambda: ({event.pk: 30}, {}))
    counting.record_page(scope(f"/{event.slug}/live/"), 200)
    counting.record_page(scope(f"/{event.slug}/live/", address="198.51.100.7"), 200)
    counting.flush()
    monkeypatch.setattr(counting, "tally", counting.Tally())
    monkeypatch.setattr(counting, "_process", lambda: "node-b:1")
    monkeypatch.setattr(counting, "_stream_figures", lambda: ({event.pk: 12}, {}))
    counting.record_page(scope(f"/{event.slug}/live/"), 200)  # a reader node a saw too
    counting.record_page(scope(f"/{event.slug}/live/", address="192.0.2.44"), 200)
    counting.flush()
    row = DailyFigures.objects.get(event=event, day=today())
    assert (row.unique_readers, row.page_views, row.peak_concurrent) == (3, 4, 42)
    assert bytes(row.registers) == b""  # Redis holds the counter
