"""The event lifecycle: statuses by hand and by the dates, and what ending does, once."""

import json
from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from hubbub.core.models import AuditEntry
from hubbub.core.periodic import run_periodic_checks
from hubbub.core.permissions import Role
from hubbub.events import setup
from hubbub.events.lifecycle import tick
from hubbub.events.models import Event
from hubbub.live.schemas import MESSAGE_SCHEMAS
from hubbub.team.organisations import do_grant_organisation_admin
from hubbub.unconf.models import Unconference
from tests.factories import EventFactory, UserFactory, grant

pytestmark = pytest.mark.django_db


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.fixture
def auckland():
    """A one-day event in Auckland (UTC+13 in December): its day starts the UTC day before."""
    return EventFactory(
        slug="auckland-day",
        starts_on=date(2030, 12, 10),
        ends_on=date(2030, 12, 10),
        time_zone="Pacific/Auckland",
        status=Event.Status.PUBLISHED,
        status_by_dates=True,
    )


def test_phase_follows_the_dates_in_the_events_own_time_zone(auckland):
    # 10 December 00:00 in Auckland is 9 December 11:00 UTC.
    assert auckland.phase_at(at("2030-12-09T10:59:59+00:00")) == "published"
    assert auckland.phase_at(at("2030-12-09T11:00:00+00:00")) == "live"
    # The end of 10 December in Auckland is 10 December 11:00 UTC.
    assert auckland.phase_at(at("2030-12-10T10:59:59+00:00")) == "live"
    assert auckland.phase_at(at("2030-12-10T11:00:00+00:00")) == "ended"


def test_phase_of_an_event_not_following_its_dates_is_its_status(auckland):
    auckland.status_by_dates = False
    assert auckland.phase_at(at("2031-01-01T00:00:00+00:00")) == "published"


def test_drafts_and_archives_never_move_by_the_dates(auckland):
    for status in ("draft", "archived"):
        auckland.status = status
        assert auckland.phase_at(at("2030-12-09T12:00:00+00:00")) == status


def test_tick_moves_the_event_live_then_ended_and_sends_event_ended_once(auckland, published):
    with published.capture():
        assert tick(at("2030-12-09T10:00:00+00:00")) == []
        moved = tick(at("2030-12-09T11:00:01+00:00"))
        assert [(e.slug, old, new) for e, old, new in moved] == [
            ("auckland-day", "published", "live")
        ]
        assert tick(at("2030-12-09T12:00:00+00:00")) == []
        moved = tick(at("2030-12-10T11:00:01+00:00"))
        assert [(old, new) for _e, old, new in moved] == [("live", "ended")]
        assert tick(at("2030-12-10T12:00:00+00:00")) == []
        assert tick(at("2030-12-11T12:00:00+00:00")) == []
    ended = published.broker.of_type("event.ended")
    assert len(ended) == 1
    message = MESSAGE_SCHEMAS["event.ended"].model_validate(json.loads(ended[0].data))
    assert message.event == "auckland-day" and message.status == "ended"
    assert "ended" in message.message
    auckland.refresh_from_db()
    assert auckland.status == "ended" and auckland.ended_at is not None
    moves = AuditEntry.objects.filter(event=auckland, action="hubbub.event.status_changed")
    assert [(m.data["new"], m.data["automatic"], m.actor) for m in moves.order_by("pk")] == [
        ("live", True, None),
        ("ended", True, None),
    ]


def test_events_tick_command_applies_due_moves_and_prints_them(auckland):
    out = StringIO()
    call_command("events", "tick", "--now", "2030-12-09T23:59:59+13:00", stdout=out)
    assert out.getvalue().strip() == "Nothing due."
    out = StringIO()
    call_command("events", "tick", "--now", "2030-12-10T00:30:00+13:00", stdout=out)
    assert out.getvalue().strip() == "auckland-day: published -> live"
    out = StringIO()
    call_command("events", "tick", "--now", "2030-12-11T00:00:01+13:00", stdout=out)
    assert out.getvalue().strip() == "auckland-day: live -> ended"
    out = StringIO()
    call_command("events", "tick", "--now", "2030-12-11T00:00:02+13:00", stdout=out)
    assert out.getvalue().strip() == "Nothing due."


def test_events_tick_refuses_a_bad_time(auckland):
    with pytest.raises(CommandError, match="ISO 8601"):
        call_command("events", "tick", "--now", "next tuesday")
    auckland.refresh_from_db()
    assert auckland.status == "published"


def test_ending_by_hand_sends_event_ended_once_and_again_only_after_going_live(
    event, organiser, published
):
    event.status = Event.Status.LIVE
    event.save()
    with published.capture():
        setup.do_set_status(event, actor=organiser, status="ended")
        setup.do_set_status(event, actor=organiser, status="ended")
        setup.do_set_status(event, actor=organiser, status="archived")
    assert len(published.broker.of_type("event.ended")) == 1
    with published.capture():
        setup.do_set_status(event, actor=organiser, status="live")
        setup.do_set_status(event, actor=organiser, status="ended")
    assert len(published.broker.of_type("event.ended")) == 2


def test_a_status_set_by_hand_against_the_dates_switches_following_them_off(auckland):
    admin = UserFactory()
    do_grant_organisation_admin(user=admin, organisation=auckland.organisation)
    # Before the first day the dates give "published": publishing keeps following them.
    event = setup.do_set_status(auckland, actor=admin, status="published")
    assert event.status_by_dates is True
    # Going live early is an override.
    event = setup.do_set_status(event, actor=admin, status="live")
    assert (event.status, event.status_by_dates) == ("live", False)
    assert tick(at("2030-12-11T00:00:00+00:00")) == []
    # Switching it back on settles the status where the dates say.
    event = setup.do_set_status(event, actor=admin, by_dates=True)
    assert event.status_by_dates is True


def test_ending_closes_the_unconference(event, organiser):
    event.status = Event.Status.LIVE
    event.save()
    unconference = Unconference.objects.create(
        event=event, state=Unconference.State.RUNNING, pitching_open=True, voting_open=True
    )
    setup.do_set_status(event, actor=organiser, status="ended")
    unconference.refresh_from_db()
    assert unconference.state == Unconference.State.FINISHED
    assert not unconference.pitching_open and not unconference.voting_open


def test_an_automatic_end_closes_the_unconference(auckland):
    unconference = Unconference.objects.create(
        event=auckland, state=Unconference.State.RUNNING, pitching_open=True
    )
    tick(at("2030-12-10T11:00:01+00:00"))
    unconference.refresh_from_db()
    assert unconference.state == Unconference.State.FINISHED


@pytest.mark.parametrize("role", [Role.EDITOR, Role.REPORTER, Role.MODERATOR])
def test_only_organisers_and_organisation_admins_change_the_status(event, role):
    user = UserFactory()
    grant(user, event, role)
    with pytest.raises(PermissionDenied):
        setup.do_set_status(event, actor=user, status="ended")
    event.refresh_from_db()
    assert event.status == "published"


def test_an_organisation_admin_who_is_not_staff_changes_the_status(event):
    admin = UserFactory(is_staff=False)
    do_grant_organisation_admin(user=admin, organisation=event.organisation)
    assert setup.do_set_status(event, actor=admin, status="ended").status == "ended"


def test_an_archive_refuses_edits_with_a_clear_message(event, organiser):
    setup.do_set_status(event, actor=organiser, status="archived")
    event.refresh_from_db()
    with pytest.raises(PermissionDenied, match="archive"):
        setup.do_update_event(event, actor=organiser, title="Renamed")
    event.refresh_from_db()
    assert event.title != "Renamed"


def test_new_events_follow_their_dates(db):
    admin = UserFactory()
    organisation = EventFactory().organisation
    do_grant_organisation_admin(user=admin, organisation=organisation)
    event = setup.do_create_event(
        organisation=organisation,
        actor=admin,
        title="Next",
        slug="next-one",
        starts_on=date(2031, 1, 1),
        ends_on=date(2031, 1, 1),
    )
    assert event.status_by_dates is True and event.status == "draft"
    assert tick(datetime(2031, 1, 2, tzinfo=UTC)) == []  # drafts stay drafts


def test_the_workers_periodic_check_ends_an_event_whose_dates_have_passed(db, published):
    yesterday = timezone.localdate() - timedelta(days=1)
    event = EventFactory(
        starts_on=yesterday - timedelta(days=1),
        ends_on=yesterday,
        status=Event.Status.LIVE,
        status_by_dates=True,
    )
    with published.capture():
        run_periodic_checks()
        run_periodic_checks()
    event.refresh_from_db()
    assert event.status == "ended"
    assert len(published.broker.of_type("event.ended")) == 1


def test_the_status_form_going_live_early_with_the_box_ticked_overrides_the_dates(client, auckland):
    admin = UserFactory()
    do_grant_organisation_admin(user=admin, organisation=auckland.organisation)
    client.force_login(admin)
    response = client.post(
        f"/{auckland.slug}/manage/status", {"status": "live", "status_by_dates": "on"}
    )
    assert response.status_code == 302
    auckland.refresh_from_db()
    assert (auckland.status, auckland.status_by_dates) == ("live", False)
    client.post(f"/{auckland.slug}/manage/status", {"status": "live", "status_by_dates": "on"})
    auckland.refresh_from_db()
    assert auckland.status_by_dates is True  # ticked again: the dates decide (not started yet)
    assert auckland.status == "published"
