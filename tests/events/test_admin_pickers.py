"""The admin's session form offers only the session's own event's rooms, tracks and speakers."""

import pytest
from django.urls import reverse

from hubbub.events.models import Session
from tests.factories import RoomFactory, SessionFactory, SpeakerFactory, TrackFactory

from .test_admin import session_post

pytestmark = pytest.mark.django_db


def test_session_form_offers_only_its_own_events_rooms_and_speakers(
    admin_client, event, other_event
):
    session = SessionFactory(event=event, room=RoomFactory(event=event, name="Our Chamber"))
    SpeakerFactory(event=event, name="Ada Lovelace", organisation="Analytical Engines")
    RoomFactory(event=other_event, name="Their Annexe")
    TrackFactory(event=other_event, name="Their Track")
    SpeakerFactory(event=other_event, name="Borrowed Speaker")
    page = admin_client.get(reverse("admin:events_session_change", args=[session.pk])).content
    page = page.decode()
    assert "Our Chamber" in page
    assert "Ada Lovelace (Analytical Engines)" in page
    assert "Their Annexe" not in page
    assert "Their Track" not in page
    assert "Borrowed Speaker" not in page


def test_new_session_offers_nothing_from_any_event(admin_client, event):
    RoomFactory(event=event, name="Some Chamber")
    SpeakerFactory(event=event, name="Some Speaker")
    page = admin_client.get(reverse("admin:events_session_add")).content.decode()
    assert "Some Chamber" not in page and "Some Speaker" not in page
    scoped = admin_client.get(reverse("admin:events_session_add") + f"?event={event.pk}")
    assert "Some Chamber" in scoped.content.decode()


def test_speakers_with_the_same_name_are_told_apart(admin_client, event):
    SpeakerFactory(event=event, name="Sam Jones", organisation="Westbrook Council")
    SpeakerFactory(event=event, name="Sam Jones", organisation="Eastvale Council", slug="sam-2")
    page = admin_client.get(reverse("admin:events_session_add") + f"?event={event.pk}")
    page = page.content.decode()
    assert "Sam Jones (Westbrook Council)" in page and "Sam Jones (Eastvale Council)" in page


def test_a_forged_post_with_another_events_speaker_is_refused(admin_client, event, other_event):
    room = RoomFactory(event=event)
    foreign = SpeakerFactory(event=other_event)
    response = admin_client.post(
        reverse("admin:events_session_add"),
        session_post(event, room, event.starts_on, "10:00", "11:00", speakers=[foreign.pk]),
    )
    assert response.status_code == 200
    assert not Session.objects.filter(title="Digital by default").exists()
