"""Unconference pages: who may do what, the device cookie, bad input, and what the pages show."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import hubbub.unconf as unconf_package
from hubbub.core.permissions import Role
from hubbub.core.ratelimit import limit_for
from hubbub.events.models import Session
from hubbub.unconf.device import DEVICE_COOKIE
from hubbub.unconf.models import Outcome, Pitch, Unconference, Vote
from hubbub.unconf.services.interest import do_set_marks
from hubbub.unconf.services.outcomes import do_save_outcome, notes_token
from hubbub.unconf.services.pitches import do_next_pitch
from hubbub.unconf.services.placement import do_move_pitch, do_place_topics
from tests.factories import EventFactory, RoomFactory, SessionFactory, UserFactory, grant
from tests.unconf.factories import make_unconference, pitch

pytestmark = pytest.mark.django_db

TEMPLATES = Path(unconf_package.__file__).parent / "templates"


def text(response) -> str:
    return response.content.decode()


# -- pitching -----------------------------------------------------------------------------------
def test_anyone_can_pitch_without_an_account(client, s):
    form = client.get(s.base + "pitch")
    assert form.status_code == 200
    page = text(form)
    for label in ("Topic", "One-line description", "Your name"):
        assert f">{label}</label>" in page
    assert DEVICE_COOKIE in form.cookies

    response = client.post(
        s.base + "pitch",
        {"topic": "Shared services", "description": "Councils together", "host_name": "Asha"},
        follow=True,
    )
    assert "number 1 in the pitch queue" in text(response)
    made = Pitch.objects.get()
    assert (made.topic, made.host_name, made.host_user) == ("Shared services", "Asha", None)
    # The host is known by the device that sent the pitch.
    device = client.cookies[DEVICE_COOKIE].value
    assert made.host_key.startswith("d:") and made.host_key[2:] in device


def test_a_pitch_with_missing_fields_shows_errors_and_saves_nothing(client, s):
    client.get(s.base + "pitch")
    response = client.post(s.base + "pitch", {"topic": "", "description": "", "host_name": ""})
    assert response.status_code == 200
    page = text(response)
    assert "There is a problem" in page
    assert 'id="id_topic_error"' in page and 'aria-invalid="true"' in page
    assert not Pitch.objects.exists()


def test_pitching_closed_is_a_friendly_message(client, s):
    s.u.pitching_open = False
    s.u.save()
    page = client.get(s.base + "pitch")
    assert "Pitching is closed at the moment" in text(page)
    assert 'name="topic"' not in text(page)
    client.post(s.base + "pitch", {"topic": "Sneaky", "host_name": "Me"})
    assert not Pitch.objects.exists()


def test_a_pitch_without_the_device_cookie_is_not_saved(client, s):
    response = client.post(s.base + "pitch", {"topic": "No cookie", "host_name": "Me"})
    assert "did not send its cookie" in text(response)
    assert not Pitch.objects.exists()
    assert DEVICE_COOKIE in response.cookies  # so the second try works


def test_too_many_pitches_from_one_phone_get_a_friendly_429(client, s):
    client.get(s.base + "pitch")
    limit = limit_for("unconf_pitch.visitor").count
    for n in range(limit):
        client.post(s.base + "pitch", {"topic": f"Topic {n}", "host_name": "Me"})
    response = client.post(s.base + "pitch", {"topic": "One too many", "host_name": "Me"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Please wait" in text(response)
    assert Pitch.objects.count() == limit


# -- marking topics -----------------------------------------------------------------------------
def test_anonymous_delegates_mark_topics_by_device(client, s):
    a, b = pitch(s.u, "Housing"), pitch(s.u, "Parks")
    page = client.get(s.base + "topics")
    assert 'type="checkbox" name="topics"' in text(page)
    client.post(s.base + "topics", {"topics": [a.pk, b.pk]})
    client.post(s.base + "topics", {"topics": [b.pk]})
    device = client.cookies[DEVICE_COOKIE].value

    # The same phone changed its marks; a second phone adds its own.
    other = Client()
    other.get(s.base + "topics")
    other.post(s.base + "topics", {"topics": [b.pk]})
    assert Vote.objects.filter(pitch=a).count() == 0
    assert Vote.objects.filter(pitch=b).count() == 2
    assert Vote.objects.filter(voter__startswith="d:").count() == 2

    # A forged or tampered cookie is a new device with no marks, never someone else's.
    forger = Client()
    forger.cookies[DEVICE_COOKIE] = device[:-2] + "xx"
    response = forger.get(s.base + "topics")
    assert "checked" not in text(response)


def test_signed_in_delegates_mark_topics_by_account(client, s):
    a = pitch(s.u, "Housing")
    user = UserFactory()
    client.force_login(user)
    client.get(s.base + "topics")
    client.post(s.base + "topics", {"topics": [a.pk]})
    assert Vote.objects.get().voter == f"u:{user.pk}"


def test_marking_over_the_cap_says_so_and_changes_nothing(client, s):
    s.u.vote_cap = 1
    s.u.save()
    a, b = pitch(s.u, "Housing"), pitch(s.u, "Parks")
    client.get(s.base + "topics")
    response = client.post(s.base + "topics", {"topics": [a.pk, b.pk]})
    assert response.status_code == 200
    assert "each person may mark at most 1" in text(response)
    assert not Vote.objects.exists()
    # What they ticked stays ticked so they can untick one.
    assert text(response).count(" checked") == 2


def test_marking_unknown_topics_or_when_closed(client, s):
    a = pitch(s.u, "Housing")
    client.get(s.base + "topics")
    response = client.post(s.base + "topics", {"topics": [a.pk, 999999]})
    assert "Select a valid choice" in text(response) or "no longer in play" in text(response)
    assert not Vote.objects.exists()
    s.u.voting_open = False
    s.u.save()
    response = client.post(s.base + "topics", {"topics": [a.pk]})
    assert "Marking topics is closed" in text(response)
    assert not Vote.objects.exists()


# -- the console ---------------------------------------------------------------------------------
CONSOLE_PAGES = ["console/", "console/settings"]
CONSOLE_POSTS = [
    ("console/state", {"action": "open_pitching"}),
    ("console/queue", {"action": "next"}),
    ("console/place", {}),
    ("console/topics/add", {"topic": "X", "host_name": "Y"}),
]


@pytest.mark.parametrize("path", CONSOLE_PAGES)
def test_only_organisers_see_the_console(client, s, path):
    assert client.get(s.base + path).status_code == 302  # to sign in
    for role in (Role.REPORTER, Role.EDITOR, Role.MODERATOR):
        user = UserFactory()
        grant(user, s.event, role)
        client.force_login(user)
        assert client.get(s.base + path).status_code == 403
    client.force_login(s.organiser)
    assert client.get(s.base + path).status_code == 200


@pytest.mark.parametrize(("path", "data"), CONSOLE_POSTS)
def test_only_organisers_act_in_the_console(client, s, path, data):
    pitch(s.u, "Housing")
    reporter = UserFactory()
    grant(reporter, s.event, Role.REPORTER)
    client.force_login(reporter)
    assert client.post(s.base + path, data).status_code == 403
    # An organiser of another event has no rights here either.
    elsewhere = UserFactory()
    grant(elsewhere, EventFactory(), Role.ORGANISER)
    client.force_login(elsewhere)
    assert client.post(s.base + path, data).status_code == 403
    client.force_login(s.organiser)
    assert client.post(s.base + path, data).status_code == 302


def test_console_runs_the_solver_and_reports_the_result(client, s):
    a = pitch(s.u, "Housing")
    do_set_marks(s.u, voter="d:v", pitch_ids=[a.pk])
    client.force_login(s.organiser)
    response = client.post(s.base + "console/place", follow=True)
    page = text(response)
    assert "Placed 1 topics; 0 not placed." in page
    assert "People missing a topic they wanted: 0." in page
    assert "This is the best possible plan." in page
    a.refresh_from_db()
    assert a.session.kind == Session.Kind.UNCONFERENCE


def test_console_move_clash_shows_the_error_on_the_field(client, s):
    a, b = pitch(s.u, "Housing"), pitch(s.u, "Parks")
    do_move_pitch(a, actor=s.organiser, room=s.rooms[0], slot=s.slots[0])
    client.force_login(s.organiser)
    response = client.post(
        f"{s.base}console/topics/{b.pk}/",
        {"action": "place", "room": s.rooms[0].pk, "slot": s.slots[0].pk, "pinned": "on"},
    )
    assert response.status_code == 400
    assert "Room A already has “Housing” in Round 1" in text(response)
    b.refresh_from_db()
    assert b.slot is None


def test_console_merges_duplicates(client, s):
    a, b = pitch(s.u, "Housing"), pitch(s.u, "Homes")
    do_set_marks(s.u, voter="d:v", pitch_ids=[a.pk, b.pk])
    client.force_login(s.organiser)
    response = client.post(f"{s.base}console/topics/{b.pk}/", {"action": "merge", "into": a.pk})
    assert response.status_code == 302
    b.refresh_from_db()
    assert b.merged_into == a
    assert set(a.votes.values_list("voter", flat=True)) == {"d:v", "d:Homes"}
    # The merged topic's page leads to the one it joined.
    assert client.get(f"{s.base}topics/{b.pk}/")["Location"] == a.get_absolute_url()


def test_console_set_up_from_the_programme(client):
    event = EventFactory()
    organiser = UserFactory()
    grant(organiser, event, Role.ORGANISER)
    room = RoomFactory(event=event)
    session = SessionFactory(event=event, room=room, kind=Session.Kind.UNCONFERENCE, hour=14)
    client.force_login(organiser)
    base = f"/{event.slug}/unconference/"
    assert client.get(base)["Location"] == base + "console/settings"
    response = client.post(
        base + "console/settings",
        {"rooms": [room.pk], "sessions": [session.pk], "countdown_seconds": 5},
    )
    assert response.status_code == 200
    assert "Ensure this value is greater than or equal to 10" in text(response)
    assert not Unconference.objects.exists()
    response = client.post(
        base + "console/settings",
        {"rooms": [room.pk], "sessions": [session.pk], "countdown_seconds": 45, "vote_cap": 3},
    )
    assert response.status_code == 302
    unconference = Unconference.objects.get(event=event)
    assert unconference.vote_cap == 3 and unconference.slots.get().session == session


def test_console_slot_with_bad_times_shows_field_errors(client, s):
    client.force_login(s.organiser)
    response = client.post(
        s.base + "console/slots/add",
        {"label": "Late", "day": s.event.starts_on.isoformat(), "starts": "14:30", "ends": "15:30"},
    )
    assert response.status_code == 400
    assert "overlaps the slot" in text(response)
    assert s.u.slots.count() == 2


# -- unknown things ------------------------------------------------------------------------------
def test_unknown_ids_and_events_are_404(client, s):
    client.force_login(s.organiser)
    assert client.get(f"{s.base}topics/999999/").status_code == 404
    assert client.get(f"{s.base}topics/999999/notes").status_code == 404
    assert client.get(f"{s.base}console/topics/999999/").status_code == 404
    assert client.post(f"{s.base}console/slots/999999/delete").status_code == 404
    assert client.get("/no-such-event/unconference/").status_code == 404
    other = make_unconference()
    foreign = pitch(other.u, "Elsewhere")
    assert client.get(f"{s.base}topics/{foreign.pk}/").status_code == 404
    assert client.get(f"{s.base}console/topics/{foreign.pk}/").status_code == 404


def test_an_event_without_an_unconference_has_no_page_and_no_link(client):
    event = EventFactory()
    assert client.get(f"/{event.slug}/unconference/").status_code == 404
    assert client.get(f"/{event.slug}/unconference/board").status_code == 404
    assert "/unconference/" not in text(client.get(f"/{event.slug}/"))


def test_event_pages_link_to_the_unconference(client, s):
    page = text(client.get(f"/{s.event.slug}/programme/"))
    assert f'href="{s.base}"' in page and ">Unconference</a>" in page


# -- board, projector, what's on, topics ----------------------------------------------------------
def test_board_shows_rooms_and_slots_and_listens_to_the_stream(client, s):
    a = pitch(s.u, "Housing")
    do_move_pitch(a, actor=s.organiser, room=s.rooms[1], slot=s.slots[0])
    page = text(client.get(s.base + "board"))
    assert '<th scope="col">Room A' in page and '<th scope="col">Room B' in page
    assert "Round 1" in page and "Round 2" in page and "14:00" in page
    assert "Housing" in page
    assert f'data-unconf-stream="/{s.event.slug}/live/stream"' in page
    s.event.refresh_from_db()
    assert f'data-last-event-id="{s.event.stream_seq}"' in page


def test_board_query_count_does_not_grow_with_topics(client, s):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(s.base + "board").status_code == 200
        return len(queries)

    pitch(s.u, "Solo")
    few = count()
    for n in range(3):
        p = pitch(s.u, f"Topic {n}")
        if n < 3:
            do_move_pitch(p, actor=s.organiser, room=s.rooms[n % 2], slot=s.slots[n // 2])
    assert count() == few


def test_projector_shows_the_link_qr_code_and_queue(client, s):
    pitch(s.u, "Housing")
    do_next_pitch(s.u, actor=s.organiser)
    pitch(s.u, "Parks")
    page = text(client.get(s.base + "projector"))
    assert f"testserver/{s.event.slug}/unconference/pitch" in page
    assert '<svg role="img" aria-label="QR code for' in page
    assert "Now pitching" in page and "Housing" in page and "Parks" in page
    assert "data-deadline" in page and "<progress" in page
    assert "style=" not in page


def test_whats_on_now_lists_rooms(client, s, monkeypatch):
    a = pitch(s.u, "Housing")
    do_move_pitch(a, actor=s.organiser, room=s.rooms[1], slot=s.slots[0])
    page = text(client.get(s.base + "now"))
    assert "Coming up next" in page and "Housing" in page and "Room B" in page
    during = s.slots[0].starts_at + timedelta(minutes=5)
    monkeypatch.setattr(timezone, "now", lambda: during)
    page = text(client.get(s.base + "now"))
    assert "On now" in page and "Housing" in page


# -- notes and outcomes -------------------------------------------------------------------------
def test_the_host_takes_notes_from_the_phone_that_pitched(client, s):
    client.get(s.base + "pitch")
    client.post(s.base + "pitch", {"topic": "Housing", "host_name": "Asha"})
    topic = Pitch.objects.get()
    notes = f"{s.base}topics/{topic.pk}/notes"
    assert client.get(notes).status_code == 200
    response = client.post(
        notes, {"discussed": "Rents.", "decisions": "", "actions": "", "action": "submit"}
    )
    assert response.status_code == 302
    assert Outcome.objects.get().status == Outcome.Status.SUBMITTED
    # Another phone may not, and the notes are not public until an editor publishes them.
    stranger = Client()
    assert stranger.get(notes).status_code == 302  # to sign in
    assert "Rents." not in text(stranger.get(f"{s.base}topics/{topic.pk}/"))
    # The note-taker's link works on any phone.
    key = notes_token(topic)
    assert stranger.get(f"{notes}?key={key}").status_code == 200


def test_an_editor_publishes_notes_from_the_console_page(client, s):
    a = pitch(s.u, "Housing")
    do_place_topics(s.u, actor=s.organiser)
    a.refresh_from_db()
    do_save_outcome(a, discussed="Rents.", decisions="Act.", actions="Write — Asha")
    client.force_login(s.organiser)
    response = client.post(f"{s.base}console/topics/{a.pk}/", {"action": "publish"})
    assert response.status_code == 302
    page = text(client.get(f"{s.base}topics/{a.pk}/"))
    assert "Rents." in page and "Write" in page and "Asha" in page
    assert "On the live blog" in page


# -- markup rules -------------------------------------------------------------------------------
def test_templates_have_no_inline_script_or_style():
    for path in TEMPLATES.rglob("*.html"):
        source = path.read_text()
        assert "style=" not in source, path
        assert "<style" not in source, path
        for match in re.finditer(r"<script([^>]*)>(.*?)</script>", source, re.S):
            assert "src=" in match.group(1) and not match.group(2).strip(), path
