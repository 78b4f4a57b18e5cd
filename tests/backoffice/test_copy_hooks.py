"""What apps above events add to a copy and to the dashboard, through the events registries."""

from datetime import date

import pytest

from hubbub.events.setup import do_copy_event
from hubbub.team.organisations import do_grant_organisation_admin
from hubbub.unconf.models import Outcome, Pitch, Unconference
from tests.factories import EventFactory, SessionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_topics_placed_at_last_years_unconference_are_not_copied(client):
    event = EventFactory(starts_on=date(2030, 6, 10))
    admin = UserFactory()
    do_grant_organisation_admin(user=admin, organisation=event.organisation)
    SessionFactory(event=event, title="Open space", kind="unconference", hour=14)
    topic_session = SessionFactory(event=event, title="Placed topic", hour=15)
    unconference = Unconference.objects.create(event=event)
    Pitch.objects.create(
        unconference=unconference,
        topic="Placed topic",
        host_name="Sam",
        host_key="n:Sam",
        session=topic_session,
    )
    copy = do_copy_event(
        event,
        actor=admin,
        slug="next",
        title="Next",
        starts_on=date(2031, 6, 9),
        with_programme=True,
    )
    assert [s.title for s in copy.sessions.all()] == ["Open space"]


def test_unconference_notes_waiting_are_counted_on_the_dashboard(client):
    event = EventFactory()
    admin = UserFactory()
    do_grant_organisation_admin(user=admin, organisation=event.organisation)
    unconference = Unconference.objects.create(event=event)
    pitch = Pitch.objects.create(
        unconference=unconference, topic="Topic", host_name="Sam", host_key="n:Sam"
    )
    Outcome.objects.create(pitch=pitch, status=Outcome.Status.SUBMITTED)
    client.force_login(admin)
    page = client.get(f"/{event.slug}/manage/").content.decode()
    before = page.split("<span>Unconference notes waiting for an editor</span>")[0]
    assert before.rsplit('<span class="bo-attention__count">', 1)[1].startswith("1<")
