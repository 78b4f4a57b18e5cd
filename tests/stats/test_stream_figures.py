"""Audience figures counted by a real ``hubbub serve``: pages through ASGI, live readers from the
stream server, written out by the process's own flush thread."""

import time

import httpx
import pytest

from hubbub.stats.models import DailyCount, DailyFigures
from tests.live.helpers import SSEStream

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]


def wait_for(check, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError("the figures never arrived")


def test_stats_count_readers_peak_and_entry_audience_over_a_real_stream(
    start_server, event, editor, token_for
):
    server = start_server(HUBBUB_STATS_FLUSH_SECONDS="1")
    base = server.base_url
    stream_url = f"{base}/{event.slug}/live/stream"
    with SSEStream(stream_url) as first, SSEStream(stream_url) as second:
        first.wait_connected()
        second.wait_connected()
        with httpx.Client(base_url=base, timeout=10) as http:
            posted = http.post(
                f"/api/v1/events/{event.slug}/entries",
                json={"body": "The keynote has begun"},
                headers={"Authorization": f"Bearer {token_for(editor)}"},
            )
            assert posted.status_code == 201
            entry_id = posted.json()["id"]
            first.next_event()
            second.next_event()
            for agent in ["Reader A/1.0", "Reader B/1.0", "Reader A/1.0"]:
                page = http.get(f"/{event.slug}/live/", headers={"User-Agent": agent})
                assert page.status_code == 200
            page = http.get(
                f"/{event.slug}/", headers={"User-Agent": "Reader C/1.0",
                                            "Referer": "https://news.example.org/story"},
            )  # fmt: skip
            assert page.status_code == 200
            # Team pages are not audience.
            http.get(f"/{event.slug}/manage/")

    figures = wait_for(
        lambda: DailyFigures.objects.filter(event=event, unique_readers__gte=3).first()
    )
    assert figures.unique_readers == 3
    assert figures.page_views == 4
    assert figures.peak_concurrent == 2
    entry = wait_for(
        lambda: DailyCount.objects.filter(event=event, kind="entry", key=str(entry_id)).first()
    )
    assert entry.count == 2  # both live readers received it
    assert DailyCount.objects.filter(event=event, kind="referrer", key="news.example.org").exists()
