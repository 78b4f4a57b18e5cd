"""Unconference services: the pitch queue, marks, merging, placement with the real solver,
re-planning, the board on the live stream, programme sessions and outcomes."""

import json
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hubbub.core.permissions import Role
from hubbub.core.ratelimit import RateLimited, limit_for
from hubbub.events.exports import calendar_ics, frab_schedule
from hubbub.events.models import Session
from hubbub.events.services import programme_sessions
from hubbub.live import publishing
from hubbub.live.models import LiveEntry
from hubbub.unconf import solver
from hubbub.unconf.models import Outcome, Pitch, Slot, Unconference, Vote
from hubbub.unconf.services.access import (
    check_rate_limit,
    pitch_queue,
    queue_position,
    voter_key,
)
from hubbub.unconf.services.board import BOARD_CHANGED, PITCHING_CHANGED
from hubbub.unconf.services.interest import do_set_marks, marks_of
from hubbub.unconf.services.outcomes import (
    do_assign_note_taker,
    do_publish_outcome,
    do_save_outcome,
    may_record_outcome,
    notes_token,
)
from hubbub.unconf.services.pitches import (
    do_edit_pitch,
    do_merge_pitches,
    do_next_pitch,
    do_requeue_pitch,
    do_submit_pitch,
)
from hubbub.unconf.services.placement import (
    check_move,
    do_move_pitch,
    do_place_topics,
    do_unplace_pitch,
    placement_problem,
)
from hubbub.unconf.services.setup import do_add_slot, do_set_up_unconference
from tests.factories import EventFactory, RoomFactory, SessionFactory, UserFactory, grant
from tests.unconf.factories import local, make_unconference, pitch

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch, django_capture_on_commit_callbacks):
    """``with sent() as messages:`` runs the code, commits, and keeps what reached the broker."""
    messages = []

    class Recorder:
        def publish(self, message):
            messages.append(message)

    monkeypatch.setattr(publishing, "get_broker", Recorder)

    @contextmanager
    def capture():
        messages.clear()
        with django_capture_on_commit_callbacks(execute=True):
            yield messages

    return capture


def interest(p) -> set[str]:
    return set(Vote.objects.filter(pitch=p).values_list("voter", flat=True))


def placed(p):
    p.refresh_from_db()
    return (p.room.name if p.room else None, p.slot.label if p.slot else None)


# -- pitching -----------------------------------------------------------------------------------
def test_pitch_queue_is_in_arrival_order_with_next_skip_and_requeue():
    s = make_unconference()
    first, second, third = (pitch(s.u, t, host=f"d:{t}") for t in ("Housing", "Parks", "Buses"))
    assert pitch_queue(s.u) == [first, second, third]
    assert [queue_position(p) for p in (first, second, third)] == [1, 2, 3]

    assert do_next_pitch(s.u, actor=s.organiser) == first
    s.u.refresh_from_db()
    assert s.u.now_pitching == first and s.u.pitch_started_at is not None
    assert pitch_queue(s.u) == [second, third]

    # Skip: the host of "Parks" is not in the room; "Buses" is called up.
    do_next_pitch(s.u, actor=s.organiser)
    assert do_next_pitch(s.u, actor=s.organiser, skip=True) == third
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Pitch.Status.PITCHED
    assert second.status == Pitch.Status.SKIPPED

    do_requeue_pitch(second, actor=s.organiser)
    s.u.refresh_from_db()
    assert pitch_queue(s.u) == [second]
    assert do_next_pitch(s.u, actor=s.organiser) == second
    assert do_next_pitch(s.u, actor=s.organiser) is None


def test_pitch_when_pitching_is_closed_is_refused_and_saves_nothing():
    s = make_unconference(pitching_open=False)
    with pytest.raises(ValidationError) as caught:
        pitch(s.u, "Housing")
    assert caught.value.code == "closed"
    assert "closed" in caught.value.messages[0]
    assert not Pitch.objects.exists()
    # The facilitator may still add a topic for someone.
    added = do_submit_pitch(s.u, topic="Housing", host_name="Asha Patel", actor=s.organiser)
    assert added.host_key == "n:asha patel"


def test_pitch_with_bad_fields_names_each_field_and_saves_nothing():
    s = make_unconference()
    with pytest.raises(ValidationError) as caught:
        pitch(s.u, "   ", name="  ", description="x" * 201)
    assert set(caught.value.message_dict) == {"topic", "host_name", "description"}
    assert not Pitch.objects.exists()


def test_only_organisers_run_the_queue():
    s = make_unconference()
    reporter = UserFactory()
    grant(reporter, s.event, Role.REPORTER)
    pitch(s.u, "Housing")
    with pytest.raises(PermissionDenied):
        do_next_pitch(s.u, actor=reporter)


# -- marks of interest --------------------------------------------------------------------------
def test_marks_replace_the_set_and_respect_the_cap():
    s = make_unconference(vote_cap=2)
    a, b, c = (pitch(s.u, t, host=f"d:{t}") for t in "ABC")
    assert do_set_marks(s.u, voter="d:me", pitch_ids=[a.pk, b.pk]) == {a.pk, b.pk}

    with pytest.raises(ValidationError) as caught:
        do_set_marks(s.u, voter="d:me", pitch_ids=[a.pk, b.pk, c.pk])
    assert "at most 2" in caught.value.message_dict["topics"][0]
    assert marks_of(s.u, "d:me") == {a.pk, b.pk}  # nothing changed

    do_set_marks(s.u, voter="d:me", pitch_ids=[c.pk])
    assert marks_of(s.u, "d:me") == {c.pk}
    assert Vote.objects.filter(voter="d:me").count() == 1


def test_marks_on_unknown_topics_or_when_closed_are_refused():
    s = make_unconference()
    a = pitch(s.u, "A")
    other = make_unconference()
    foreign = pitch(other.u, "Elsewhere")
    with pytest.raises(ValidationError) as caught:
        do_set_marks(s.u, voter="d:me", pitch_ids=[a.pk, foreign.pk])
    assert "topics" in caught.value.message_dict
    s.u.voting_open = False
    s.u.save()
    with pytest.raises(ValidationError) as caught:
        do_set_marks(s.u, voter="d:me", pitch_ids=[a.pk])
    assert caught.value.code == "closed"
    assert not Vote.objects.exists()


def test_voter_key_is_the_account_when_signed_in_else_the_device():
    user = UserFactory()
    assert voter_key(user, "abc") == f"u:{user.pk}"
    from django.contrib.auth.models import AnonymousUser

    assert voter_key(AnonymousUser(), "abc") == "d:abc"
    assert voter_key(AnonymousUser(), None) is None


def test_rate_limit_counts_per_device_and_per_address():
    limit = limit_for("unconf_pitch.visitor").count
    for _ in range(limit):
        check_rate_limit("pitch", who="d:phone", address="10.0.0.1")
    with pytest.raises(RateLimited) as caught:
        check_rate_limit("pitch", who="d:phone", address="10.0.0.1")
    assert 0 < caught.value.retry_after <= 601
    # Another phone on the same network is still fine...
    check_rate_limit("pitch", who="d:other-phone", address="10.0.0.1")
    # ...until the network as a whole goes over its own limit.
    address_limit = limit_for("unconf_pitch.address").count
    with pytest.raises(RateLimited):
        for n in range(address_limit + 1):
            check_rate_limit("pitch", who=f"d:phone-{n}", address="10.0.0.2")


# -- merging ------------------------------------------------------------------------------------
def test_merge_moves_marks_and_counts_each_person_once():
    s = make_unconference()
    keep = pitch(s.u, "Shared services", host="d:asha")
    duplicate = pitch(s.u, "Sharing services", host="d:ben", description="Councils together")
    do_set_marks(s.u, voter="d:v1", pitch_ids=[keep.pk])
    do_set_marks(s.u, voter="d:v2", pitch_ids=[keep.pk, duplicate.pk])
    do_set_marks(s.u, voter="d:v3", pitch_ids=[duplicate.pk])
    # The keeper's host marked the duplicate: still one person.
    do_set_marks(s.u, voter="d:asha", pitch_ids=[duplicate.pk])

    do_merge_pitches(duplicate, into=keep, actor=s.organiser)

    assert interest(keep) == {"d:v1", "d:v2", "d:v3", "d:ben"}
    assert not Vote.objects.filter(pitch=duplicate).exists()
    duplicate.refresh_from_db()
    keep.refresh_from_db()
    assert duplicate.merged_into == keep and not duplicate.is_active
    assert keep.description == "Councils together"
    problem = placement_problem(s.u)
    assert [t["id"] for t in problem["topics"]] == [f"t{keep.pk}"]
    voters = [v["voter"] for v in problem["votes"] if v["topic"] == f"t{keep.pk}"]
    assert sorted(voters) == ["d:ben", "d:v1", "d:v2", "d:v3"]


def test_merge_into_itself_or_another_unconference_is_refused():
    s = make_unconference()
    a = pitch(s.u, "A")
    other = make_unconference()
    b = pitch(other.u, "B")
    for into in (a, b):
        with pytest.raises(ValidationError) as caught:
            do_merge_pitches(a, into=into, actor=s.organiser)
        assert "into" in caught.value.message_dict


# -- placement ----------------------------------------------------------------------------------
def test_placement_respects_pins_unavailability_and_hosts():
    s = make_unconference(slots=3)
    round_1, round_2, _round_3 = s.slots
    _room_a, room_b = s.rooms
    pinned = pitch(s.u, "Pinned", host="d:p")
    do_move_pitch(pinned, actor=s.organiser, room=room_b, slot=round_2)
    late = pitch(s.u, "Late host", host="d:late")
    late.unavailable_slots.add(round_1)
    first = pitch(s.u, "Busy host one", host="d:busy")
    second = pitch(s.u, "Busy host two", host="d:busy")
    # The pinned topic's audience would be better off in round 1, away from the late topic,
    # and the busy host's two topics have the same audience: all would like round 1.
    for n in range(10):
        do_set_marks(s.u, voter=f"d:{n}", pitch_ids=[pinned.pk, late.pk])
        do_set_marks(s.u, voter=f"d:b{n}", pitch_ids=[first.pk, second.pk])

    result = do_place_topics(s.u, actor=s.organiser, time_limit=20)

    assert placed(pinned) == ("Room B", "Round 2")
    assert placed(late)[1] == "Round 3"
    assert len({placed(first)[1], placed(second)[1]}) == 2
    assert result.optimal and len(result.placed) == 4 and not result.unplaced
    assert result.missed == 0
    s.u.refresh_from_db()
    assert s.u.placement_missed == 0 and s.u.placement_optimal is True


def test_placement_counts_votes_and_host_against_room_capacity():
    s = make_unconference(rooms=(("Big", 10), ("Small", 2)), slots=1)
    popular = pitch(s.u, "Popular", host="d:h1")
    niche = pitch(s.u, "Niche", host="d:h2")
    for n in range(6):
        do_set_marks(s.u, voter=f"d:{n}", pitch_ids=[popular.pk])
    do_set_marks(s.u, voter="d:x", pitch_ids=[niche.pk])

    result = do_place_topics(s.u, actor=s.organiser)

    assert placed(popular) == ("Big", "Round 1")
    assert placed(niche) == ("Small", "Round 1")
    assert result.missed == 0 and result.optimal


def test_placement_keeps_out_of_rooms_the_programme_uses():
    s = make_unconference(slots=1)
    room_a, _room_b = s.rooms
    SessionFactory(event=s.event, room=room_a, hour=14, title="Marketplace")
    only = pitch(s.u, "Only topic", host="d:h")
    do_set_marks(s.u, voter="d:v", pitch_ids=[only.pk])

    do_place_topics(s.u, actor=s.organiser)

    assert placed(only) == ("Room B", "Round 1")
    with pytest.raises(ValidationError) as caught:
        do_move_pitch(only, actor=s.organiser, room=room_a, slot=s.slots[0])
    assert "Marketplace" in caught.value.message_dict["room"][0]


def test_replan_with_a_room_the_programme_uses_reports_no_moves_when_nothing_changed():
    s = make_unconference(slots=1)
    room_a, _room_b = s.rooms
    SessionFactory(event=s.event, room=room_a, hour=14, title="Marketplace")
    only = pitch(s.u, "Only topic", host="d:h")
    do_set_marks(s.u, voter="d:v", pitch_ids=[only.pk])
    do_place_topics(s.u, actor=s.organiser)

    do_place_topics(s.u, actor=s.organiser)

    s.u.refresh_from_db()
    assert s.u.placement_moved == 0
    assert placed(only) == ("Room B", "Round 1")


def test_placement_without_rooms_or_slots_says_what_is_missing():
    s = make_unconference(slots=0)
    pitch(s.u, "A")
    with pytest.raises(ValidationError) as caught:
        do_place_topics(s.u, actor=s.organiser)
    assert "slots" in caught.value.message_dict
    s.u.rooms.clear()
    with pytest.raises(ValidationError) as caught:
        do_place_topics(s.u, actor=s.organiser)
    assert "rooms" in caught.value.message_dict


def test_manual_moves_report_clashes_by_field():
    s = make_unconference()
    round_1, round_2 = s.slots
    room_a, room_b = s.rooms
    a = pitch(s.u, "A", host="d:same")
    b = pitch(s.u, "B", host="d:same")
    c = pitch(s.u, "C", host="d:c")
    c.unavailable_slots.add(round_2)
    do_move_pitch(a, actor=s.organiser, room=room_a, slot=round_1)

    with pytest.raises(ValidationError) as caught:
        do_move_pitch(c, actor=s.organiser, room=room_a, slot=round_1)
    assert caught.value.message_dict["room"] == [
        "Room A already has “A” in Round 1. Move that topic first."
    ]
    with pytest.raises(ValidationError) as caught:
        do_move_pitch(b, actor=s.organiser, room=room_b, slot=round_1)
    assert "already hosts “A”" in caught.value.message_dict["slot"][0]
    with pytest.raises(ValidationError) as caught:
        do_move_pitch(c, actor=s.organiser, room=room_b, slot=round_2)
    assert "not available" in caught.value.message_dict["slot"][0]
    other_room = RoomFactory(event=s.event, name="Not chosen")
    with pytest.raises(ValidationError) as caught:
        do_move_pitch(c, actor=s.organiser, room=other_room, slot=round_1)
    assert "room" in caught.value.message_dict
    assert placed(b) == (None, None) and placed(c) == (None, None)


def test_replan_after_late_marks_keeps_started_topics_and_moves_little():
    s = make_unconference(rooms=(("Room A", 30), ("Room B", 30), ("Room C", 30)), slots=2)
    round_1, round_2 = s.slots
    room_a, room_b, _room_c = s.rooms
    t0, t1, t2 = (pitch(s.u, f"Topic {n}") for n in range(3))
    for topic, room, slot in ((t0, room_a, round_1), (t1, room_b, round_1), (t2, room_a, round_2)):
        do_set_marks(s.u, voter=f"d:voter-{topic.pk}", pitch_ids=[topic.pk])
        do_move_pitch(topic, actor=s.organiser, room=room, slot=slot, pinned=False)

    # Round 1 is under way when a late topic arrives. One of its people also wants Topic 2, so
    # the free cell in round 1 would suit it best, but that round has started.
    during = round_1.starts_at + timedelta(minutes=10)
    late = pitch(s.u, "Late arrival")
    do_set_marks(s.u, voter=f"d:voter-{t2.pk}", pitch_ids=[t2.pk, late.pk])
    do_set_marks(s.u, voter="d:x", pitch_ids=[late.pk])
    do_set_marks(s.u, voter="d:y", pitch_ids=[late.pk, t0.pk])

    result = do_place_topics(s.u, actor=s.organiser, at=during)

    assert placed(t0) == ("Room A", "Round 1")
    assert placed(t1) == ("Room B", "Round 1")
    assert placed(t2) == ("Room A", "Round 2")
    assert placed(late)[1] == "Round 2"
    assert result.moved == 1  # only the late topic, placed in a free room
    assert result.missed == 1  # Topic 2's voter now has two topics in round 2
    assert result.optimal


def test_started_topics_cannot_be_moved_or_taken_off_by_hand():
    s = make_unconference()
    a = pitch(s.u, "A")
    do_move_pitch(a, actor=s.organiser, room=s.rooms[0], slot=s.slots[0])
    Slot.objects.filter(pk=s.slots[0].pk).update(starts_at=timezone.now() - timedelta(hours=1))
    a.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        check_move(a, room=s.rooms[1], slot=s.slots[1])
    assert "already started" in caught.value.message_dict["slot"][0]
    with pytest.raises(ValidationError):
        do_unplace_pitch(a, actor=s.organiser)


def test_placement_refuses_to_overwrite_a_move_made_while_it_ran(monkeypatch):
    s = make_unconference()
    a = pitch(s.u, "A")
    real_solve = solver.solve

    def solve_while_someone_moves(problem, time_limit=None):
        do_move_pitch(a, actor=s.organiser, room=s.rooms[1], slot=s.slots[1])
        return real_solve(problem, time_limit=time_limit)

    monkeypatch.setattr(solver, "solve", solve_while_someone_moves)
    with pytest.raises(ValidationError) as caught:
        do_place_topics(s.u, actor=s.organiser)
    assert "run it again" in caught.value.messages[0]
    assert placed(a) == ("Room B", "Round 2")


# -- programme, exports and the board on the stream ----------------------------------------------
def test_placed_topics_become_programme_sessions_and_join_the_exports():
    s = make_unconference()
    a = pitch(s.u, "Digital inclusion", description="Who is left out?")
    do_set_marks(s.u, voter="d:v", pitch_ids=[a.pk])
    do_place_topics(s.u, actor=s.organiser)
    a.refresh_from_db()

    session = a.session
    assert session.kind == Session.Kind.UNCONFERENCE
    assert (session.title, session.room, session.starts_at, session.ends_at) == (
        "Digital inclusion",
        a.room,
        a.slot.starts_at,
        a.slot.ends_at,
    )
    assert "Hosted by Digital inclusion host." in session.description
    assert session in programme_sessions(s.event)
    ics = calendar_ics(s.event, programme_sessions(s.event), "http://testserver").decode()
    assert "SUMMARY:Digital inclusion" in ics
    frab = frab_schedule(s.event, programme_sessions(s.event), "http://testserver")
    days = frab["schedule"]["conference"]["days"]
    titles = [e["title"] for d in days for events in d["rooms"].values() for e in events]
    assert "Digital inclusion" in titles

    # Editing the topic renames the session; taking it off the board removes it.
    do_edit_pitch(a, actor=s.organiser, topic="Digital exclusion", description="", host_name="Asha")
    session.refresh_from_db()
    assert session.title == "Digital exclusion" and session.slug == "digital-exclusion"
    do_unplace_pitch(a, actor=s.organiser)
    assert not Session.objects.filter(pk=session.pk).exists()


def test_topics_may_sit_inside_the_programmes_own_unconference_session():
    s = make_unconference(slots=0)
    room_a = s.rooms[0]
    placeholder = SessionFactory(
        event=s.event, room=room_a, hour=14, kind=Session.Kind.UNCONFERENCE, title="Open space"
    )
    do_set_up_unconference(event=s.event, actor=s.organiser, rooms=[room_a], sessions=[placeholder])
    a = pitch(s.u, "A")
    do_place_topics(s.u, actor=s.organiser)
    assert placed(a) == ("Room A", "Open space")


def test_set_up_turns_each_session_time_into_one_slot():
    event = EventFactory()
    organiser = UserFactory()
    grant(organiser, event, Role.ORGANISER)
    room_a, room_b = RoomFactory(event=event), RoomFactory(event=event)
    a1 = SessionFactory(event=event, room=room_a, hour=14, kind=Session.Kind.UNCONFERENCE)
    b1 = SessionFactory(event=event, room=room_b, hour=14, kind=Session.Kind.UNCONFERENCE)
    round_2 = SessionFactory(event=event, room=None, hour=15, kind=Session.Kind.UNCONFERENCE)

    u = do_set_up_unconference(
        event=event, actor=organiser, rooms=[room_a, room_b], sessions=[a1, b1, round_2]
    )
    assert [(s.starts_at, s.session_id) for s in u.slots.all()] == [
        (a1.starts_at, a1.pk),
        (round_2.starts_at, round_2.pk),
    ]
    # Saving again adds nothing new.
    do_set_up_unconference(event=event, actor=organiser, rooms=[room_a], sessions=[a1, b1, round_2])
    assert u.slots.count() == 2 and list(u.rooms.all()) == [room_a]


def test_set_up_refuses_overlapping_sessions_and_bad_settings():
    event = EventFactory()
    organiser = UserFactory()
    grant(organiser, event, Role.ORGANISER)
    one = SessionFactory(event=event, hour=14, kind=Session.Kind.UNCONFERENCE)
    two = SessionFactory(
        event=event,
        kind=Session.Kind.UNCONFERENCE,
        starts_at=one.starts_at + timedelta(minutes=30),
        ends_at=one.ends_at + timedelta(minutes=30),
    )
    with pytest.raises(ValidationError) as caught:
        do_set_up_unconference(
            event=event, actor=organiser, sessions=[one, two], vote_cap=0, countdown_seconds=5
        )
    assert set(caught.value.message_dict) == {"sessions", "vote_cap", "countdown_seconds"}
    assert not Unconference.objects.exists()


def test_slots_must_fall_in_the_event_and_not_overlap():
    s = make_unconference(slots=1)
    with pytest.raises(ValidationError) as caught:
        do_add_slot(
            s.u,
            actor=s.organiser,
            starts_at=local(s.event, 14, 30),
            ends_at=local(s.event, 15, 30),
        )
    assert "overlaps" in caught.value.message_dict["starts_at"][0]
    with pytest.raises(ValidationError) as caught:
        do_add_slot(
            s.u,
            actor=s.organiser,
            starts_at=local(s.event, 10, day=30),
            ends_at=local(s.event, 11, day=30),
        )
    assert "starts_at" in caught.value.message_dict
    slot = do_add_slot(
        s.u, actor=s.organiser, starts_at=local(s.event, 16), ends_at=local(s.event, 17)
    )
    assert slot.label == "Slot at 16:00"
    assert s.u.slots.count() == 2


def test_every_board_change_is_published_with_the_rendered_board(sent):
    s = make_unconference()
    a = pitch(s.u, "Housing")
    with sent() as messages:
        do_move_pitch(a, actor=s.organiser, room=s.rooms[0], slot=s.slots[0])
    board = [m for m in messages if m.type == BOARD_CHANGED]
    assert len(board) == 1
    data = json.loads(board[0].data)
    assert data["placements"][0]["topic"] == "Housing"
    assert data["placements"][0]["room"] == "Room A"
    assert 'id="board"' in data["html"] and "Housing" in data["html"]

    with sent() as messages:
        do_place_topics(s.u, actor=s.organiser)
    assert [m.type for m in messages if m.type.startswith("unconf.")] == [BOARD_CHANGED]


def test_new_pitches_and_the_queue_reach_the_projector(sent):
    s = make_unconference()
    with sent() as messages:
        pitch(s.u, "Housing")
    assert [m.type for m in messages] == [PITCHING_CHANGED]
    with sent() as messages:
        do_next_pitch(s.u, actor=s.organiser)
    html = json.loads(messages[-1].data)["html"]
    assert "Now pitching" in html and "Housing" in html and "data-deadline" in html


# -- outcomes -----------------------------------------------------------------------------------
def placed_topic():
    s = make_unconference()
    a = pitch(s.u, "Shared services", host="d:host-phone")
    do_place_topics(s.u, actor=s.organiser)
    a.refresh_from_db()
    a.unconference = s.u
    return s, a


def test_a_reporter_publishes_outcomes_as_a_live_entry_on_the_topics_session(sent):
    s, a = placed_topic()
    reporter = UserFactory()
    grant(reporter, s.event, Role.REPORTER)
    do_assign_note_taker(a, actor=s.organiser, user=reporter)
    assert may_record_outcome(a, user=reporter)

    with sent() as messages:
        outcome = do_publish_outcome(
            a,
            actor=reporter,
            discussed="How councils share back offices.",
            decisions="Start with payroll.",
            actions="Write to the chief executives — Asha\nMap current contracts - Ben",
        )

    entry = LiveEntry.objects.get()
    assert outcome.entry == entry and outcome.status == Outcome.Status.PUBLISHED
    assert entry.session == a.session and entry.author == reporter
    assert "Start with payroll." in entry.body_html
    assert a.get_absolute_url() in entry.body_html
    assert "Map current contracts — Ben" in entry.body
    assert "entry.created" in [m.type for m in messages]
    assert outcome.action_items() == [
        ("Write to the chief executives", "Asha"),
        ("Map current contracts", "Ben"),
    ]

    # Publishing again edits the same entry rather than posting a second one.
    do_publish_outcome(a, actor=reporter, decisions="Start with payroll and HR.")
    assert LiveEntry.objects.count() == 1
    assert "payroll and HR" in LiveEntry.objects.get().body


def test_a_host_without_an_account_submits_and_an_editor_publishes():
    s, a = placed_topic()
    assert may_record_outcome(a, voter="d:host-phone")
    assert not may_record_outcome(a, voter="d:someone-else")
    assert may_record_outcome(a, token=notes_token(a))
    assert not may_record_outcome(a, token="forged")

    outcome = do_save_outcome(
        a, discussed="A lot.", decisions="", actions="Follow up — Host", submit=True
    )
    assert outcome.status == Outcome.Status.SUBMITTED

    reporter, editor = UserFactory(), UserFactory()
    grant(reporter, s.event, Role.REPORTER)
    grant(editor, s.event, Role.EDITOR)
    with pytest.raises(PermissionDenied):
        do_publish_outcome(a, actor=reporter)
    assert not LiveEntry.objects.exists()
    do_publish_outcome(a, actor=editor)
    assert LiveEntry.objects.get().session == a.session
    # Once published the host can no longer change them behind the editors' backs.
    with pytest.raises(ValidationError):
        do_save_outcome(a, discussed="Changed", decisions="", actions="")


def test_empty_outcomes_are_refused():
    s, a = placed_topic()
    with pytest.raises(ValidationError) as caught:
        do_save_outcome(a, discussed=" ", decisions="", actions="")
    assert "discussed" in caught.value.message_dict
    assert not Outcome.objects.exists()
    with pytest.raises(ValidationError):
        do_publish_outcome(a, actor=s.organiser)
    assert not LiveEntry.objects.exists()


def test_note_takers_come_from_the_events_team():
    s, a = placed_topic()
    stranger = UserFactory()
    with pytest.raises(ValidationError) as caught:
        do_assign_note_taker(a, actor=s.organiser, user=stranger)
    assert "note_taker" in caught.value.message_dict
    outcome = do_assign_note_taker(a, actor=s.organiser, name=a.host_name)
    assert outcome.note_taker is None and outcome.note_taker_name == a.host_name
