"""`hubbub demo`: the two demo events, loaded once however often it runs."""

import io
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from hubbub.events.models import Event, Room, Session, Speaker
from hubbub.team.models import EventRole

pytestmark = pytest.mark.django_db


def counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (Event, Room, Session, Speaker, EventRole, get_user_model())
    }


def test_demo_twice_changes_nothing_the_second_time():
    call_command("demo", stdout=io.StringIO())
    first = counts()
    call_command("demo", stdout=io.StringIO())
    assert counts() == first
    assert first["Event"] == 2 and first["Session"] > 10


def test_demo_creates_both_events_on_their_dates():
    out = io.StringIO()
    call_command("demo", stdout=out)
    all_change = Event.objects.get(slug="all-change-2011")
    assert (all_change.starts_on, all_change.ends_on) == (date(2011, 12, 9), date(2011, 12, 9))
    innovation = Event.objects.get(slug="lg-innovation-2008")
    assert innovation.starts_on.year == 2008 and innovation.starts_on.month == 11
    assert (innovation.ends_on - innovation.starts_on).days == 1
    assert "/all-change-2011/" in out.getvalue()


def test_demo_sessions_fit_their_events():
    call_command("demo", stdout=io.StringIO())
    for session in Session.objects.select_related("event", "room"):
        session.full_clean()  # raises on a clash or a session outside its event


def test_demo_pages_render(client):
    call_command("demo", stdout=io.StringIO())
    session = Session.objects.filter(event__slug="all-change-2011", speakers__isnull=False).first()
    speaker = session.speakers.first()
    for url in (
        "/",
        "/all-change-2011/",
        "/all-change-2011/programme/",
        "/lg-innovation-2008/programme/",
        session.get_absolute_url(),
        speaker.get_absolute_url(),
    ):
        assert client.get(url).status_code == 200, url
