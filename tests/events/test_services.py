"""Programme rules: what makes a session fit, what is on now, how the index splits events."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from hubbub.events import checks, services
from hubbub.events.models import Event, Session
from tests.factories import EventFactory, RoomFactory, SessionFactory, SpeakerFactory

LONDON = ZoneInfo("Europe/London")
pytestmark = pytest.mark.django_db


def at(day: date, hour: int, minute: int = 0, tz=LONDON) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)


# -- check_session --------------------------------------------------------------------------------
def test_check_session_accepts_a_session_that_fits(event):
    room = RoomFactory(event=event)
    services.check_session(
        event=event, starts_at=at(event.starts_on, 9), ends_at=at(event.starts_on, 10), room=room
    )


def test_check_session_rejects_end_before_start(event):
    with pytest.raises(ValidationError) as error:
        services.check_session(
            event=event, starts_at=at(event.starts_on, 11), ends_at=at(event.starts_on, 10)
        )
    assert "ends_at" in error.value.message_dict
    assert "must end after it starts" in error.value.message_dict["ends_at"][0]


def test_check_session_rejects_zero_length(event):
    with pytest.raises(ValidationError) as error:
        services.check_session(
            event=event, starts_at=at(event.starts_on, 10), ends_at=at(event.starts_on, 10)
        )
    assert "ends_at" in error.value.message_dict


def test_check_session_rejects_start_before_the_event(event):
    day_before = event.starts_on - timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.check_session(
            event=event, starts_at=at(day_before, 10), ends_at=at(day_before, 11)
        )
    assert "must start during the event" in error.value.message_dict["starts_at"][0]


def test_check_session_rejects_start_after_the_event(event):
    day_after = event.ends_on + timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.check_session(event=event, starts_at=at(day_after, 10), ends_at=at(day_after, 11))
    assert "starts_at" in error.value.message_dict


def test_check_session_rejects_running_past_the_last_day(event):
    with pytest.raises(ValidationError) as error:
        services.check_session(
            event=event,
            starts_at=at(event.ends_on, 23),
            ends_at=at(event.ends_on + timedelta(days=1), 1),
        )
    assert "ends_at" in error.value.message_dict


def test_check_session_judges_dates_in_the_event_time_zone(db):
    # 00:30 on the first day in Tokyo is still the day before in UTC: it fits all the same.
    tokyo = ZoneInfo("Asia/Tokyo")
    event = EventFactory(time_zone="Asia/Tokyo")
    services.check_session(
        event=event,
        starts_at=at(event.starts_on, 0, 30, tz=tokyo),
        ends_at=at(event.starts_on, 1, 30, tz=tokyo),
    )
    # And 23:30 the evening before, in Tokyo, does not, although it is the same UTC date.
    evening_before = event.starts_on - timedelta(days=1)
    with pytest.raises(ValidationError):
        services.check_session(
            event=event,
            starts_at=at(evening_before, 23, 30, tz=tokyo),
            ends_at=at(event.starts_on, 0, 30, tz=tokyo),
        )


def test_check_session_rejects_two_sessions_in_one_room_at_once(event):
    existing = SessionFactory(event=event, hour=10, title="Shared services")
    with pytest.raises(ValidationError) as error:
        services.check_session(
            event=event,
            starts_at=at(event.starts_on, 10, 30),
            ends_at=at(event.starts_on, 11, 30),
            room=existing.room,
        )
    message = error.value.message_dict["room"][0]
    assert "Shared services" in message
    assert "10:00" in message


def test_check_session_allows_back_to_back_sessions_in_one_room(event):
    existing = SessionFactory(event=event, hour=10)
    services.check_session(
        event=event,
        starts_at=existing.ends_at,
        ends_at=existing.ends_at + timedelta(hours=1),
        room=existing.room,
    )


def test_check_session_does_not_clash_with_itself(event):
    session = SessionFactory(event=event, hour=10)
    services.check_session(
        event=event,
        starts_at=session.starts_at + timedelta(minutes=15),
        ends_at=session.ends_at,
        room=session.room,
        session=session,
    )


def test_check_session_rejects_a_room_of_another_event(event, other_event):
    foreign_room = RoomFactory(event=other_event)
    with pytest.raises(ValidationError) as error:
        services.check_session(
            event=event,
            starts_at=at(event.starts_on, 9),
            ends_at=at(event.starts_on, 10),
            room=foreign_room,
        )
    assert "another event" in error.value.message_dict["room"][0]


def test_check_session_rejects_times_without_a_zone(event):
    with pytest.raises(ValidationError) as error:
        services.check_session(
            event=event,
            starts_at=datetime(2030, 6, 10, 9),
            ends_at=datetime(2030, 6, 10, 10),
        )
    assert "starts_at" in error.value.message_dict


def test_check_session_names_missing_times(event):
    with pytest.raises(ValidationError) as error:
        services.check_session(event=event, starts_at=None, ends_at=None)
    assert set(error.value.message_dict) == {"starts_at", "ends_at"}


def test_do_create_session_saves_nothing_on_a_clash(event):
    existing = SessionFactory(event=event, hour=10)
    with pytest.raises(ValidationError):
        services.do_create_session(
            event=event,
            title="Double booked",
            starts_at=existing.starts_at,
            ends_at=existing.ends_at,
            room=existing.room,
        )
    assert not Session.objects.filter(title="Double booked").exists()


def test_do_create_session_saves_a_valid_session_with_speakers(event):
    speaker = SpeakerFactory(event=event)
    session = services.do_create_session(
        event=event,
        title="Digital by default",
        starts_at=at(event.starts_on, 14),
        ends_at=at(event.starts_on, 15),
        speakers=[speaker],
    )
    assert session.slug == "digital-by-default"
    assert list(session.speakers.all()) == [speaker]


def test_do_create_session_refuses_a_bad_field_and_saves_nothing(event):
    with pytest.raises(ValidationError) as error:
        services.do_create_session(
            event=event,
            title="x" * 201,
            starts_at=at(event.starts_on, 14),
            ends_at=at(event.starts_on, 15),
        )
    assert "title" in error.value.message_dict
    assert not Session.objects.exists()


def open_space(event):
    """The programme's own unconference session, in a room, 13:00 to 16:00."""
    room = RoomFactory(event=event)
    return services.do_create_session(
        event=event,
        title="Open space",
        kind=Session.Kind.UNCONFERENCE,
        starts_at=at(event.starts_on, 13),
        ends_at=at(event.starts_on, 16),
        room=room,
    )


def test_do_create_session_may_sit_inside_a_session_of_a_kind_it_names(event):
    space = open_space(event)
    topic = {
        "event": event,
        "title": "Shared services",
        "kind": Session.Kind.UNCONFERENCE,
        "starts_at": at(event.starts_on, 14),
        "ends_at": at(event.starts_on, 15),
        "room": space.room,
    }
    with pytest.raises(ValidationError) as error:
        services.do_create_session(**topic)
    assert "Open space" in error.value.message_dict["room"][0]

    inside = services.do_create_session(**topic, may_share_room_with=[Session.Kind.UNCONFERENCE])
    assert inside.pk and inside.room == space.room


def test_do_create_session_sharing_a_room_still_clashes_with_other_kinds(event):
    talk = SessionFactory(event=event, hour=10)
    with pytest.raises(ValidationError) as error:
        services.do_create_session(
            event=event,
            title="Squeezed in",
            kind=Session.Kind.UNCONFERENCE,
            starts_at=talk.starts_at,
            ends_at=talk.ends_at,
            room=talk.room,
            may_share_room_with=[Session.Kind.UNCONFERENCE],
        )
    assert "room" in error.value.message_dict
    assert not Session.objects.filter(title="Squeezed in").exists()


def test_do_update_session_moves_a_session_and_checks_the_new_time_and_room(event):
    talk = SessionFactory(event=event, hour=10)
    other = SessionFactory(event=event, hour=12)
    moved = services.do_update_session(
        other, starts_at=at(event.starts_on, 15), ends_at=at(event.starts_on, 16), room=talk.room
    )
    moved.refresh_from_db()
    assert (moved.starts_at, moved.room) == (at(event.starts_on, 15), talk.room)

    with pytest.raises(ValidationError) as error:
        services.do_update_session(moved, starts_at=talk.starts_at, ends_at=talk.ends_at)
    assert "room" in error.value.message_dict
    moved.refresh_from_db()
    assert moved.starts_at == at(event.starts_on, 15)


def test_do_delete_session_takes_it_off_the_programme(event):
    talk = SessionFactory(event=event, hour=10)
    keep = SessionFactory(event=event, hour=12)
    services.do_delete_session(talk)
    assert list(services.programme_sessions(event)) == [keep]


def test_session_full_clean_reports_a_clash_on_the_room_field(event):
    existing = SessionFactory(event=event, hour=10)
    clashing = Session(
        event=event,
        title="Clash",
        starts_at=existing.starts_at,
        ends_at=existing.ends_at,
        room=existing.room,
    )
    with pytest.raises(ValidationError) as error:
        clashing.full_clean()
    assert "room" in error.value.message_dict


# -- event validation -----------------------------------------------------------------------------
def test_event_full_clean_rejects_an_unknown_time_zone(event):
    event.time_zone = "Mars/Olympus_Mons"
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "is not a known time zone" in error.value.message_dict["time_zone"][0]


def test_event_full_clean_rejects_last_day_before_first(event):
    event.ends_on = event.starts_on - timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        event.full_clean()
    assert "ends_on" in error.value.message_dict


# -- find_overlaps --------------------------------------------------------------------------------
def test_find_overlaps_reports_the_later_of_two_slots_in_one_room(event):
    room = RoomFactory(event=event)
    day = event.starts_on
    slots = [
        (room, at(day, 10), at(day, 11), "first"),
        (None, at(day, 10), at(day, 11), "everyone"),
        (room, at(day, 10, 30), at(day, 11, 30), "second"),
        (room, at(day, 11, 30), at(day, 12), "after"),
    ]
    assert checks.find_overlaps(slots) == [("second", "first")]


# -- now and next ---------------------------------------------------------------------------------
def test_now_and_next_lists_running_sessions_and_the_next_start(event):
    day = event.starts_on
    running = SessionFactory(event=event, hour=10)
    next_a = SessionFactory(event=event, hour=11)
    next_b = SessionFactory(event=event, hour=11)
    SessionFactory(event=event, hour=13)
    on = services.now_and_next(event, at=at(day, 10, 30))
    assert on.now == [running]
    assert set(on.next) == {next_a, next_b}


def test_now_and_next_is_empty_after_the_event(event):
    SessionFactory(event=event, hour=10)
    on = services.now_and_next(event, at=at(event.ends_on + timedelta(days=1), 9))
    assert on.now == [] and on.next == []


def test_session_now_in_room_finds_the_running_session(event):
    session = SessionFactory(event=event, hour=10)
    SessionFactory(event=event, hour=10)
    found = services.session_now_in_room(event, session.room, at=at(event.starts_on, 10, 5))
    assert found == session
    assert services.session_now_in_room(event, session.room, at=at(event.starts_on, 12)) is None


# -- events index ---------------------------------------------------------------------------------
def test_events_index_splits_live_upcoming_and_past(db):
    today = date(2030, 6, 10)
    on_today = EventFactory(starts_on=today, ends_on=today)
    flagged_live = EventFactory(
        starts_on=date(2030, 9, 1), ends_on=date(2030, 9, 1), status=Event.Status.LIVE
    )
    later = EventFactory(starts_on=date(2030, 7, 1), ends_on=date(2030, 7, 2))
    finished = EventFactory(starts_on=date(2030, 5, 1), ends_on=date(2030, 5, 2))
    archived = EventFactory(starts_on=today, ends_on=today, status=Event.Status.ARCHIVED)
    older = EventFactory(starts_on=date(2029, 5, 1), ends_on=date(2029, 5, 1))
    EventFactory(starts_on=today, ends_on=today, status=Event.Status.DRAFT)

    found = services.events_index(today=today)

    assert set(found["live"]) == {on_today, flagged_live}
    assert found["upcoming"] == [later]
    # Past events newest first.
    assert found["past"][0] in {archived, finished} and found["past"][-1] == older
    assert set(found["past"]) == {archived, finished, older}


def test_events_index_uses_each_event_own_date(db, monkeypatch):
    # 13:00 UTC on 10 June is already 11 June in Auckland, but not yet in London.
    monkeypatch.setattr(timezone, "now", lambda: datetime(2030, 6, 10, 13, tzinfo=ZoneInfo("UTC")))
    auckland = EventFactory(
        starts_on=date(2030, 6, 11), ends_on=date(2030, 6, 11), time_zone="Pacific/Auckland"
    )
    london = EventFactory(starts_on=date(2030, 6, 11), ends_on=date(2030, 6, 11))
    found = services.events_index()
    assert found["live"] == [auckland]
    assert found["upcoming"] == [london]


def test_get_public_event_hides_drafts_from_the_public(db):
    draft = EventFactory(status=Event.Status.DRAFT)
    with pytest.raises(Http404):
        services.get_public_event(draft.slug)


def test_get_public_event_shows_drafts_to_the_team(db, reporter, event):
    event.status = Event.Status.DRAFT
    event.save()
    assert services.get_public_event(event.slug, reporter) == event


def test_get_session_is_404_for_another_event_session(event, other_event):
    elsewhere = SessionFactory(event=other_event)
    with pytest.raises(Http404):
        services.get_session(event, elsewhere.pk)


def test_get_speaker_is_404_for_an_unknown_slug(event):
    with pytest.raises(Http404):
        services.get_speaker(event, "nobody")


# -- the programme grid ---------------------------------------------------------------------------
def test_programme_days_spans_rows_and_rooms(event):
    day = event.starts_on
    hall, studio = RoomFactory(event=event, order=0), RoomFactory(event=event, order=1)
    SessionFactory(event=event, room=None, kind=Session.Kind.BREAK, title="Coffee", hour=9)
    long = SessionFactory(
        event=event, room=hall, starts_at=at(day, 10), ends_at=at(day, 12), title="Long"
    )
    SessionFactory(event=event, room=studio, hour=10, title="Short A")
    SessionFactory(event=event, room=studio, hour=11, title="Short B")

    [grid] = services.programme_days(event)

    assert [c.label for c in grid.columns] == [hall.name, studio.name]
    assert [r.starts_at.strftime("%H:%M") for r in grid.rows] == ["09:00", "10:00", "11:00"]
    coffee = grid.rows[0].cells[0]
    assert coffee.session.title == "Coffee" and coffee.colspan == 2
    assert len(grid.rows[0].cells) == 1
    long_cell = grid.rows[1].cells[0]
    assert long_cell.session == long and long_cell.rowspan == 2
    # The 11:00 row has only the studio cell: the hall is covered by the long session.
    assert [c.session.title for c in grid.rows[2].cells] == ["Short B"]


def test_programme_days_moves_an_overlap_to_an_extra_column(event):
    day = event.starts_on
    hall = RoomFactory(event=event)
    SessionFactory(event=event, room=hall, hour=10, title="In the hall")
    # A session without a room at the same time cannot span the hall: it gets its own column.
    SessionFactory(
        event=event, room=None, starts_at=at(day, 10), ends_at=at(day, 11), title="Everywhere"
    )
    [grid] = services.programme_days(event)
    assert len(grid.columns) == 2
    assert [c.session.title for c in grid.rows[0].cells] == ["In the hall", "Everywhere"]


def test_programme_days_groups_by_local_day(db):
    event = EventFactory(time_zone="America/New_York")
    new_york = ZoneInfo("America/New_York")
    first, second = event.starts_on, event.ends_on
    # 21:00 in New York is the next day in UTC; it still belongs to the first day's grid.
    SessionFactory(
        event=event,
        starts_at=at(first, 21, tz=new_york),
        ends_at=at(first, 22, tz=new_york),
    )
    SessionFactory(
        event=event, starts_at=at(second, 9, tz=new_york), ends_at=at(second, 10, tz=new_york)
    )
    days = services.programme_days(event)
    assert [d.day for d in days] == [first, second]
    assert days[0].rows[0].starts_at.strftime("%H:%M") == "21:00"
