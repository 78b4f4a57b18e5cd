"""The demo's live workshop: a reader watching it while the demo server runs sees the simulated
reporting team's updates arrive over the stream."""

import io
import random
import threading

import pytest
from django.core.management import call_command

from hubbub.events.models import Event
from hubbub.live.demo import SIMULATED_POSTS, post_simulated_entry
from hubbub.live.demo_live import next_wait, start_demo_reporting
from hubbub.live.models import LiveEntry
from tests.live.helpers import SSEStream


def test_demo_live_server_posts_entries_readers_receive(start_server):
    call_command("demo", stdout=io.StringIO())
    event = Event.objects.get(slug="personalisation-workshop")
    before = LiveEntry.objects.filter(event=event).count()
    server = start_server(HUBBUB_DEMO_LIVE="1", HUBBUB_DEMO_LIVE_INTERVAL="0.5")
    with SSEStream(f"{server.base_url}/personalisation-workshop/live/stream") as stream:
        stream.wait_connected()
        message = stream.next_event(timeout=15)
    assert message.event == "entry.created"
    entry = message.json()
    assert entry["author"]["username"] in {"desk", "notes", "lens"}
    assert entry["kind"] in {"update", "quote"}
    assert 'class="entry' in entry["html"]
    assert LiveEntry.objects.filter(event=event).count() > before


def test_demo_reporting_stays_off_without_the_setting(settings):
    settings.HUBBUB_DEMO_LIVE = False
    assert start_demo_reporting() is None
    assert not any(thread.name == "hubbub-demo-live" for thread in threading.enumerate())


@pytest.mark.django_db
def test_simulated_team_posts_updates_photos_and_quotes_in_turn():
    call_command("demo", stdout=io.StringIO())
    event = Event.objects.get(slug="personalisation-workshop")
    posted = [post_simulated_entry(event, number) for number in range(len(SIMULATED_POSTS))]
    assert {entry.kind for entry in posted} == {"update", "quote"}
    photos = [entry for entry in posted if entry.image]
    assert photos and all(entry.image_alt and entry.image_width for entry in photos)
    assert all(entry.is_published for entry in posted)


def test_simulated_team_waits_twenty_to_forty_seconds_by_default():
    rng = random.Random(7)
    waits = [next_wait(30, rng) for _ in range(200)]
    assert min(waits) >= 20 and max(waits) <= 40
