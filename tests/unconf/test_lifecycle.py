"""The unconference after its event ends or becomes an archive."""

import pytest
from django.core.exceptions import ValidationError

from hubbub.events import setup
from hubbub.events.models import Event
from hubbub.unconf.models import Pitch, Unconference, Vote
from hubbub.unconf.services.interest import do_set_marks
from hubbub.unconf.services.pitches import do_submit_pitch

from .factories import make_unconference

pytestmark = pytest.mark.django_db


def test_ending_the_event_finishes_the_unconference_and_stops_pitches_and_marks():
    s = make_unconference()
    topic = do_submit_pitch(s.u, topic="Housing", host_name="Asha Patel", host_key="d:asha")
    setup.do_set_status(s.event, actor=s.organiser, status="ended")
    s.u.refresh_from_db()
    assert s.u.state == Unconference.State.FINISHED
    s.u.event.refresh_from_db()
    with pytest.raises(ValidationError, match="ended"):
        do_submit_pitch(s.u, topic="Transport", host_name="Ben", host_key="d:ben")
    with pytest.raises(ValidationError, match="ended"):
        do_set_marks(s.u, voter="d:me", pitch_ids=[topic.pk])
    assert Pitch.objects.filter(unconference=s.u).count() == 1
    assert not Vote.objects.exists()


def test_an_archived_events_unconference_takes_no_pitches_even_if_left_open():
    s = make_unconference()
    Event.objects.filter(pk=s.event.pk).update(status=Event.Status.ARCHIVED)
    s.u.event.refresh_from_db()
    with pytest.raises(ValidationError, match="archive"):
        do_submit_pitch(s.u, topic="Transport", host_name="Ben", host_key="d:ben")
    assert not Pitch.objects.exists()
