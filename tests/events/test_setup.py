"""Setting up events: who may, what bad input gets, copying, swapping; every write audited."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from hubbub.core.models import AuditEntry
from hubbub.core.permissions import Role
from hubbub.events import programme_setup as programme
from hubbub.events.models import Event, Session, Speaker
from hubbub.events.setup import (
    do_copy_event,
    do_create_event,
    do_set_status,
    do_update_event,
)
from hubbub.team.models import EventRole, TeamSettings
from hubbub.team.organisations import do_grant_organisation_admin

from ..factories import (
    EventFactory,
    OrganisationFactory,
    RoomFactory,
    SessionFactory,
    SpeakerFactory,
    UserFactory,
    grant,
)

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def new_event(actor, organisation, **overrides):
    fields = {
        "title": "Digital Westbrook 2031",
        "slug": "digital-westbrook-2031",
        "starts_on": date(2031, 3, 10),
        "ends_on": date(2031, 3, 11),
        "time_zone": "Europe/London",
        "venue": "Town Hall",
        "summary": "",
        "brand_colour": "#1d70b8",
        **overrides,
    }
    return do_create_event(actor=actor, organisation=organisation, **fields)


def at(event, day_offset, hour, minute=0):
    day = event.starts_on + timedelta(days=day_offset)
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=event.tz)


def field_errors(excinfo) -> dict:
    return excinfo.value.message_dict


# -- creating and editing ------------------------------------------------------------------------
def test_organisation_admin_creates_a_draft_event_and_it_is_audited(council, org_admin):
    event = new_event(org_admin, council, venue_address="1 High Street\nWestbrook")
    assert event.status == Event.Status.DRAFT
    assert event.organisation == council
    assert event.venue_address == "1 High Street\nWestbrook"
    entry = AuditEntry.objects.get(action="hubbub.event.created")
    assert entry.actor == org_admin
    assert entry.event == event
    assert entry.data["title"] == "Digital Westbrook 2031"
    assert entry.data["organisation"] == "Westbrook Council"


@pytest.mark.parametrize("who", ["event_organiser", "reporter", "outsider", "other_admin"])
def test_only_organisation_admins_create_events(council, who):
    own_event = EventFactory(organisation=council)
    user = UserFactory()
    if who == "event_organiser":
        grant(user, own_event, Role.ORGANISER)
    elif who == "reporter":
        grant(user, own_event, Role.REPORTER)
    elif who == "other_admin":
        do_grant_organisation_admin(user=user, organisation=OrganisationFactory())
    with pytest.raises(PermissionDenied):
        new_event(user, council)
    assert not Event.objects.filter(slug="digital-westbrook-2031").exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_on": date(2031, 3, 9)}, "ends_on"),
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone"),
        ({"brand_colour": "#777777"}, "brand_colour"),
        ({"brand_colour": "yellow"}, "brand_colour"),
        ({"slug": "admin"}, "slug"),
        ({"slug": "manage"}, "slug"),
        ({"slug": "not a slug"}, "slug"),
        ({"title": "  "}, "title"),
    ],
)
def test_bad_input_names_the_field_and_creates_nothing(council, org_admin, overrides, field):
    with pytest.raises(ValidationError) as excinfo:
        new_event(org_admin, council, **overrides)
    assert field in field_errors(excinfo)
    assert not Event.objects.filter(organisation=council).exists()
    assert not AuditEntry.objects.filter(action="hubbub.event.created").exists()


def test_a_taken_slug_is_a_field_error(council, org_admin):
    EventFactory(slug="digital-westbrook-2031")
    with pytest.raises(ValidationError) as excinfo:
        new_event(org_admin, council)
    assert "slug" in field_errors(excinfo)


def test_a_light_brand_colour_is_accepted_because_dark_text_goes_on_it(council, org_admin):
    event = new_event(org_admin, council, brand_colour="#FFDD00")
    assert event.brand_colour == "#ffdd00"


def test_a_mid_tone_brand_colour_is_refused_with_readable_alternatives(council, org_admin):
    with pytest.raises(ValidationError) as excinfo:
        new_event(org_admin, council, brand_colour="#777777")
    message = " ".join(excinfo.value.message_dict["brand_colour"])
    assert "4.5:1" in message and "#767676" in message
    assert not Event.objects.filter(organisation=council).exists()


def test_a_logo_that_is_not_a_photo_is_refused_on_the_logo_field(council, org_admin):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    for upload in (
        SimpleUploadedFile("logo.svg", svg, content_type="image/svg+xml"),
        SimpleUploadedFile("logo.png", b"not an image at all", content_type="image/png"),
    ):
        with pytest.raises(ValidationError) as excinfo:
            new_event(org_admin, council, logo=upload)
        assert list(excinfo.value.message_dict) == ["logo"]
    assert not Event.objects.filter(organisation=council).exists()


def test_a_logo_over_the_size_limit_is_refused(council, org_admin, settings):
    settings.HUBBUB_MAX_PHOTO_BYTES = 1024
    upload = SimpleUploadedFile("logo.png", b"\x89PNG" + b"0" * 4096, content_type="image/png")
    with pytest.raises(ValidationError) as excinfo:
        new_event(org_admin, council, logo=upload)
    assert "larger than" in " ".join(excinfo.value.message_dict["logo"])


def test_organiser_updates_the_event_and_the_change_is_described(council, org_admin):
    event = new_event(org_admin, council)
    organiser = UserFactory()
    grant(organiser, event, Role.ORGANISER)
    do_update_event(event, actor=organiser, venue="Corn Exchange", brand_colour="#4C2C92")
    event.refresh_from_db()
    assert event.venue == "Corn Exchange"
    assert event.brand_colour == "#4c2c92"
    entry = AuditEntry.objects.get(action="hubbub.event.changed")
    assert entry.data["changes"]["venue"] == ["Town Hall", "Corn Exchange"]


def test_reporter_and_another_organisations_admin_cannot_update(council, org_admin):
    event = new_event(org_admin, council)
    reporter = UserFactory()
    grant(reporter, event, Role.REPORTER)
    stranger = UserFactory()
    do_grant_organisation_admin(user=stranger, organisation=OrganisationFactory())
    for user in (reporter, stranger):
        with pytest.raises(PermissionDenied):
            do_update_event(event, actor=user, title="Taken over")
    event.refresh_from_db()
    assert event.title == "Digital Westbrook 2031"


def test_update_refuses_dates_that_would_leave_sessions_outside(council, org_admin):
    event = new_event(org_admin, council)
    SessionFactory(event=event, title="Day two keynote", starts_at=at(event, 1, 10))
    with pytest.raises(ValidationError) as excinfo:
        do_update_event(event, actor=org_admin, ends_on=event.starts_on)
    assert "Day two keynote" in str(field_errors(excinfo))
    event.refresh_from_db()
    assert event.ends_on == date(2031, 3, 11)


def test_status_changes_through_one_function_and_is_audited(council, org_admin):
    event = new_event(org_admin, council)
    do_set_status(event, actor=org_admin, status="published")
    assert Event.objects.get(pk=event.pk).status == "published"
    entry = AuditEntry.objects.get(action="hubbub.event.status_changed")
    assert (entry.data["old"], entry.data["new"]) == ("draft", "published")
    with pytest.raises(ValidationError) as excinfo:
        do_set_status(event, actor=org_admin, status="cancelled")
    assert "status" in field_errors(excinfo)


# -- rooms, speakers, sessions -------------------------------------------------------------------
@pytest.fixture
def draft(council, org_admin):
    return new_event(org_admin, council)


def test_rooms_have_accessibility_notes_and_unique_names(draft, org_admin):
    room = programme.do_add_room(
        draft, actor=org_admin, name="Council Chamber", capacity=120, accessibility_notes="Loop"
    )
    assert room.accessibility_notes == "Loop"
    with pytest.raises(ValidationError) as excinfo:
        programme.do_add_room(draft, actor=org_admin, name="council chamber")
    assert "name" in field_errors(excinfo)
    assert AuditEntry.objects.filter(action="hubbub.room.added").count() == 1


def test_session_outside_the_dates_is_refused(draft, org_admin):
    room = programme.do_add_room(draft, actor=org_admin, name="Chamber")
    with pytest.raises(ValidationError) as excinfo:
        programme.do_add_session(
            draft,
            actor=org_admin,
            title="Too late",
            kind="workshop",
            starts_at=at(draft, 5, 10),
            ends_at=at(draft, 5, 11),
            room=room,
        )
    assert "starts_at" in field_errors(excinfo)
    assert not Session.objects.filter(event=draft).exists()


def test_room_clash_is_refused_naming_both_sessions(draft, org_admin):
    room = programme.do_add_room(draft, actor=org_admin, name="Chamber")
    programme.do_add_session(
        draft,
        actor=org_admin,
        title="Opening plenary",
        kind="keynote",
        starts_at=at(draft, 0, 10),
        ends_at=at(draft, 0, 11),
        room=room,
    )
    with pytest.raises(ValidationError) as excinfo:
        programme.do_add_session(
            draft,
            actor=org_admin,
            title="Data workshop",
            kind="workshop",
            starts_at=at(draft, 0, 10, 30),
            ends_at=at(draft, 0, 11, 30),
            room=room,
        )
    message = " ".join(field_errors(excinfo)["room"])
    assert "Opening plenary" in message and "Data workshop" in message
    assert Session.objects.filter(event=draft).count() == 1


def test_rooms_and_speakers_of_another_event_are_refused(draft, org_admin):
    foreign_room = RoomFactory()
    foreign_speaker = SpeakerFactory()
    with pytest.raises(ValidationError) as excinfo:
        programme.do_add_session(
            draft,
            actor=org_admin,
            title="Borrowed",
            kind="workshop",
            starts_at=at(draft, 0, 10),
            ends_at=at(draft, 0, 11),
            room=foreign_room,
            speakers=[foreign_speaker],
        )
    assert {"room", "speakers"} <= set(field_errors(excinfo))


def test_moving_a_session_is_audited_with_old_and_new_times(draft, org_admin):
    room = programme.do_add_room(draft, actor=org_admin, name="Chamber")
    session = programme.do_add_session(
        draft,
        actor=org_admin,
        title="Opening",
        kind="keynote",
        starts_at=at(draft, 0, 9),
        ends_at=at(draft, 0, 10),
        room=room,
    )
    programme.do_change_session(
        session, actor=org_admin, starts_at=at(draft, 0, 14), ends_at=at(draft, 0, 15)
    )
    entry = AuditEntry.objects.get(action="hubbub.session.moved")
    assert entry.data["before"]["starts_at"] == "2031-03-10 09:00"
    assert entry.data["starts_at"] == "2031-03-10 14:00"
    assert entry.data["room"] == "Chamber"


def test_swap_exchanges_time_and_room_of_two_sessions(draft, org_admin):
    chamber = programme.do_add_room(draft, actor=org_admin, name="Chamber")
    annexe = programme.do_add_room(draft, actor=org_admin, name="Annexe")
    first = SessionFactory(event=draft, title="First", room=chamber, starts_at=at(draft, 0, 9))
    second = SessionFactory(event=draft, title="Second", room=annexe, starts_at=at(draft, 0, 14))
    programme.do_swap_sessions(first, second, actor=org_admin)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.room, first.starts_at) == (annexe, at(draft, 0, 14))
    assert (second.room, second.starts_at) == (chamber, at(draft, 0, 9))
    assert AuditEntry.objects.filter(action="hubbub.session.swapped").count() == 1


def test_swap_that_would_clash_changes_nothing(draft, org_admin):
    chamber = programme.do_add_room(draft, actor=org_admin, name="Chamber")
    annexe = programme.do_add_room(draft, actor=org_admin, name="Annexe")
    short = SessionFactory(event=draft, title="Short", room=chamber, starts_at=at(draft, 0, 9))
    long = SessionFactory(
        event=draft,
        title="Long",
        room=annexe,
        starts_at=at(draft, 0, 9),
        ends_at=at(draft, 0, 12),
    )
    SessionFactory(event=draft, title="Later", room=chamber, starts_at=at(draft, 0, 10))
    with pytest.raises(ValidationError) as excinfo:
        programme.do_swap_sessions(short, long, actor=org_admin)
    assert "Later" in str(excinfo.value)
    short.refresh_from_db()
    assert short.room == chamber


def test_copy_speaker_only_from_the_same_organisation_and_never_shared(council, org_admin, draft):
    earlier = EventFactory(organisation=council, starts_on=date(2030, 3, 10))
    speaker = SpeakerFactory(event=earlier, name="Grace Hopper", organisation="Navy")
    copy = programme.do_copy_speaker(speaker, draft, actor=org_admin)
    assert copy.pk != speaker.pk and copy.event == draft
    programme.do_update_speaker(copy, actor=org_admin, organisation="Yale")
    speaker.refresh_from_db()
    assert speaker.organisation == "Navy"
    outsider_speaker = SpeakerFactory(name="Someone Else")
    with pytest.raises(ValidationError):
        programme.do_copy_speaker(outsider_speaker, draft, actor=org_admin)
    assert not Speaker.objects.filter(event=draft, name="Someone Else").exists()


# -- starting the next event from this one -------------------------------------------------------
@pytest.fixture
def last_year(council):
    """A two-day event over the clocks going forward (29-30 March 2031 in London)."""
    event = EventFactory(
        organisation=council,
        slug="westbrook-2030",
        starts_on=date(2030, 3, 20),
        ends_on=date(2030, 3, 21),
        brand_colour="#4c2c92",
        venue="Guildhall",
    )
    chamber = RoomFactory(event=event, name="Chamber", accessibility_notes="Step-free")
    speaker = SpeakerFactory(event=event, name="Mary Seacole")
    session = SessionFactory(
        event=event,
        title="Keynote",
        room=chamber,
        starts_at=datetime(2030, 3, 21, 9, 30, tzinfo=LONDON),
        ends_at=datetime(2030, 3, 21, 10, 30, tzinfo=LONDON),
    )
    session.speakers.add(speaker)
    settings = TeamSettings.objects.create(event=event, recruitment_open=True, role_lapse_days=9)
    assert settings.pk
    reporter = UserFactory(username="rita")
    grant(reporter, event, Role.REPORTER)
    return event


def test_copy_with_programme_and_team_shifts_dates_and_scopes_speakers(last_year, org_admin):
    copy = do_copy_event(
        last_year,
        actor=org_admin,
        slug="westbrook-2031",
        title="Westbrook 2031",
        starts_on=date(2031, 3, 29),
        with_programme=True,
        with_team=True,
    )
    assert copy.status == Event.Status.DRAFT
    assert (copy.starts_on, copy.ends_on) == (date(2031, 3, 29), date(2031, 3, 30))
    assert copy.brand_colour == "#4c2c92" and copy.venue == "Guildhall"
    room = copy.rooms.get()
    assert (room.name, room.accessibility_notes) == ("Chamber", "Step-free")
    session = copy.sessions.get()
    # 30 March 2031 is after the clocks go forward: still 09:30 on the wall clock.
    assert session.starts_at == datetime(2031, 3, 30, 9, 30, tzinfo=LONDON)
    assert session.room == room
    (speaker,) = session.speakers.all()
    assert speaker.event == copy and speaker.name == "Mary Seacole"
    assert last_year.speakers.get().pk != speaker.pk
    settings = TeamSettings.objects.get(event=copy)
    assert (settings.recruitment_open, settings.role_lapse_days) == (True, 9)
    assert EventRole.objects.filter(event=copy, user__username="rita", role="reporter").exists()
    assert AuditEntry.objects.filter(action="hubbub.event.copied", event=copy).exists()


def test_copy_without_programme_or_team_keeps_rooms_only(last_year, org_admin):
    copy = do_copy_event(
        last_year,
        actor=org_admin,
        slug="westbrook-2031",
        title="Westbrook 2031",
        starts_on=date(2031, 3, 29),
        with_programme=False,
        with_team=False,
    )
    assert copy.rooms.count() == 1
    assert not copy.sessions.exists() and not copy.speakers.exists()
    assert TeamSettings.objects.get(event=copy).role_lapse_days == 9
    assert not EventRole.objects.filter(event=copy).exists()


def test_an_event_organiser_who_is_not_organisation_admin_cannot_copy(last_year):
    organiser = UserFactory()
    grant(organiser, last_year, Role.ORGANISER)
    with pytest.raises(PermissionDenied):
        do_copy_event(
            last_year,
            actor=organiser,
            slug="westbrook-2031",
            title="Westbrook 2031",
            starts_on=date(2031, 3, 29),
        )
    assert not Event.objects.filter(slug="westbrook-2031").exists()


def test_copy_with_a_taken_slug_changes_nothing(last_year, org_admin):
    with pytest.raises(ValidationError) as excinfo:
        do_copy_event(
            last_year,
            actor=org_admin,
            slug="westbrook-2030",
            title="Again",
            starts_on=date(2031, 3, 29),
            with_programme=True,
        )
    assert "slug" in field_errors(excinfo)
    assert Event.objects.filter(organisation=last_year.organisation).count() == 1


def test_a_blank_title_or_unknown_kind_is_refused_when_editing(draft, org_admin):
    session = SessionFactory(event=draft, title="Keep me", starts_at=at(draft, 0, 9))
    with pytest.raises(ValidationError) as excinfo:
        programme.do_change_session(session, actor=org_admin, title="  ", kind="party")
    assert {"title", "kind"} <= set(field_errors(excinfo))
    session.refresh_from_db()
    assert (session.title, session.kind) == ("Keep me", "workshop")


def test_a_bad_logo_is_reported_with_the_other_field_errors(council, org_admin):
    not_an_image = SimpleUploadedFile("logo.png", b"%PDF-1.4 not an image", "image/png")
    with pytest.raises(ValidationError) as excinfo:
        new_event(org_admin, council, logo=not_an_image, time_zone="Nowhere/Else")
    assert {"logo", "time_zone"} <= set(field_errors(excinfo))
    assert not Event.objects.filter(organisation=council).exists()
