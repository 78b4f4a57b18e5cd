"""The organisers' back office: bad programme input shows a field error and saves nothing."""

from datetime import date, datetime
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from hubbub.core.models import AuditEntry
from hubbub.core.tokens import do_create_token
from hubbub.events.models import Event, Session
from hubbub.team.models import EventRole
from tests.factories import (
    EventFactory,
    OrganisationFactory,
    RoomFactory,
    SessionFactory,
    SpeakerFactory,
    UserFactory,
)

LONDON = ZoneInfo("Europe/London")
pytestmark = pytest.mark.django_db


class _FormFields(HTMLParser):
    """The values a browser would submit from the page's main form."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, str | list[str]] = {}
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and "__prefix__" not in name:
            kind = a.get("type", "text")
            if kind in {"submit", "button", "file", "image"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            self.data[name] = a.get("value", "on")
        elif tag == "select" and name and "__prefix__" not in name:
            self._select = name
            self._multiple = "multiple" in a
            self.data[name] = [] if self._multiple else ""
        elif tag == "option" and self._select and "selected" in a:
            if self._multiple:
                self.data[self._select].append(a.get("value", ""))
            else:
                self.data[self._select] = a.get("value", "")
        elif tag == "textarea" and name and "__prefix__" not in name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += (
                data.lstrip("\n") if not self.data[self._textarea] else data
            )


def form_data(response) -> dict:
    parser = _FormFields()
    parser.feed(response.content.decode())
    parser.data.pop("csrfmiddlewaretoken", None)
    parser.data.pop("_addanother", None)
    parser.data.pop("_continue", None)
    return parser.data


def add_session_row(data: dict, *, title, room, day, start, end, kind="workshop") -> None:
    """Fill in one more row of the Sessions inline, as the "Add another" link would."""
    n = int(data["sessions-TOTAL_FORMS"])
    data.update(
        {
            f"sessions-{n}-title": title,
            f"sessions-{n}-kind": kind,
            f"sessions-{n}-room": str(room.pk) if room else "",
            f"sessions-{n}-starts_at_0": day.isoformat(),
            f"sessions-{n}-starts_at_1": start,
            f"sessions-{n}-ends_at_0": day.isoformat(),
            f"sessions-{n}-ends_at_1": end,
            "sessions-TOTAL_FORMS": str(n + 1),
        }
    )


def errors_of(response) -> str:
    assert response.status_code == 200, "the form was accepted"
    return response.content.decode()


# -- Session admin --------------------------------------------------------------------------------
def session_post(event, room, day, start, end, **extra):
    return {
        "event": str(event.pk),
        "title": "Digital by default",
        "slug": "",
        "kind": "workshop",
        "starts_at_0": day.isoformat(),
        "starts_at_1": start,
        "ends_at_0": day.isoformat(),
        "ends_at_1": end,
        "room": str(room.pk) if room else "",
        "track": "",
        "description": "",
        **extra,
    }


def test_admin_session_add_saves_a_valid_session(admin_client, event):
    room = RoomFactory(event=event)
    speaker = SpeakerFactory(event=event)
    response = admin_client.post(
        reverse("admin:events_session_add"),
        session_post(event, room, event.starts_on, "10:00", "11:00", speakers=[speaker.pk]),
    )
    assert response.status_code == 302
    session = Session.objects.get(title="Digital by default")
    assert session.starts_at == datetime(2030, 6, 10, 10, tzinfo=LONDON)
    assert list(session.speakers.all()) == [speaker]


def test_admin_session_add_rejects_a_room_clash(admin_client, event):
    existing = SessionFactory(event=event, hour=10, title="Shared services")
    response = admin_client.post(
        reverse("admin:events_session_add"),
        session_post(event, existing.room, event.starts_on, "10:30", "11:30"),
    )
    page = errors_of(response)
    assert "is already taken then by “Shared services” (10:00)" in page
    assert Session.objects.count() == 1


def test_admin_session_add_rejects_a_session_outside_the_event(admin_client, event):
    room = RoomFactory(event=event)
    response = admin_client.post(
        reverse("admin:events_session_add"),
        session_post(event, room, date(2030, 7, 1), "10:00", "11:00"),
    )
    assert "The session must start during the event" in errors_of(response)
    assert not Session.objects.exists()


def test_admin_session_add_rejects_end_before_start(admin_client, event):
    response = admin_client.post(
        reverse("admin:events_session_add"),
        session_post(event, None, event.starts_on, "11:00", "10:00"),
    )
    assert "The session must end after it starts." in errors_of(response)
    assert not Session.objects.exists()


def test_admin_session_reads_times_in_the_event_time_zone(admin_client):
    event = EventFactory(time_zone="America/New_York")
    response = admin_client.post(
        reverse("admin:events_session_add"),
        session_post(event, None, event.starts_on, "09:00", "10:00"),
    )
    assert response.status_code == 302
    session = Session.objects.get()
    assert session.starts_at == datetime(2030, 6, 10, 9, tzinfo=ZoneInfo("America/New_York"))
    change = admin_client.get(reverse("admin:events_session_change", args=[session.pk]))
    assert 'value="09:00:00"' in change.content.decode()
    assert "America/New_York" in change.content.decode()


# -- Event admin with its inlines -----------------------------------------------------------------
def test_admin_event_inline_rejects_a_clash_with_an_existing_session(admin_client, event):
    existing = SessionFactory(event=event, hour=10, title="Shared services")
    url = reverse("admin:events_event_change", args=[event.pk])
    data = form_data(admin_client.get(url))
    add_session_row(
        data,
        title="Double booked",
        room=existing.room,
        day=event.starts_on,
        start="10:15",
        end="10:45",
    )
    page = errors_of(admin_client.post(url, data))
    assert "is already taken then by “Shared services”" in page
    assert not Session.objects.filter(title="Double booked").exists()


def test_admin_event_inline_rejects_two_new_sessions_in_one_room_at_once(admin_client, event):
    room = RoomFactory(event=event, name="Boardroom")
    url = reverse("admin:events_event_change", args=[event.pk])
    data = form_data(admin_client.get(url))
    add_session_row(data, title="First", room=room, day=event.starts_on, start="10:00", end="11:00")
    add_session_row(
        data, title="Second", room=room, day=event.starts_on, start="10:30", end="11:30"
    )
    page = errors_of(admin_client.post(url, data))
    assert "Boardroom is already taken then by “First” (10:00)" in page
    assert not Session.objects.exists()


def test_admin_event_inline_rejects_a_session_outside_the_dates(admin_client, event):
    url = reverse("admin:events_event_change", args=[event.pk])
    data = form_data(admin_client.get(url))
    add_session_row(
        data, title="Too late", room=None, day=date(2030, 6, 20), start="10:00", end="11:00"
    )
    assert "The session must start during the event" in errors_of(admin_client.post(url, data))
    assert not Session.objects.exists()


def test_admin_event_inline_saves_valid_sessions(admin_client, event):
    room = RoomFactory(event=event)
    url = reverse("admin:events_event_change", args=[event.pk])
    data = form_data(admin_client.get(url))
    add_session_row(
        data, title="Morning", room=room, day=event.starts_on, start="10:00", end="11:00"
    )
    add_session_row(data, title="Next", room=room, day=event.starts_on, start="11:00", end="12:00")
    assert admin_client.post(url, data).status_code == 302
    assert set(Session.objects.values_list("title", flat=True)) == {"Morning", "Next"}


def test_admin_event_change_rejects_moving_dates_away_from_its_sessions(admin_client, event):
    SessionFactory(event=event, hour=10)
    url = reverse("admin:events_event_change", args=[event.pk])
    data = form_data(admin_client.get(url))
    data.update({"starts_on": "2030-07-01", "ends_on": "2030-07-02"})
    assert "The session must start during the event" in errors_of(admin_client.post(url, data))
    event.refresh_from_db()
    assert event.starts_on == date(2030, 6, 10)


def event_add_data(admin_client, **fields) -> dict:
    data = form_data(admin_client.get(reverse("admin:events_event_add")))
    data.update(
        {
            "title": "All Change 2012",
            "slug": "all-change-2012",
            "organisation": str(OrganisationFactory().pk),
            "status": "published",
            "starts_on": "2012-12-07",
            "ends_on": "2012-12-07",
            "time_zone": "Europe/London",
            **fields,
        }
    )
    return data


def test_admin_event_add_saves_an_event_with_rooms(admin_client):
    data = event_add_data(admin_client)
    data.update({"rooms-TOTAL_FORMS": "1", "rooms-0-name": "Main Hall", "rooms-0-order": "0"})
    assert admin_client.post(reverse("admin:events_event_add"), data).status_code == 302
    event = Event.objects.get(slug="all-change-2012")
    assert list(event.rooms.values_list("name", flat=True)) == ["Main Hall"]


def test_admin_event_add_rejects_an_unknown_time_zone(admin_client):
    data = event_add_data(admin_client, time_zone="Europe/Atlantis")
    page = errors_of(admin_client.post(reverse("admin:events_event_add"), data))
    assert "is not a known time zone" in page
    assert not Event.objects.exists()


def test_admin_event_add_rejects_last_day_before_first(admin_client):
    data = event_add_data(admin_client, starts_on="2012-12-07", ends_on="2012-12-06")
    page = errors_of(admin_client.post(reverse("admin:events_event_add"), data))
    assert "The last day cannot be before the first day." in page
    assert not Event.objects.exists()


def test_admin_event_add_rejects_a_new_session_outside_the_new_dates(admin_client):
    data = event_add_data(admin_client)
    add_session_row(
        data, title="Wrong day", room=None, day=date(2012, 12, 8), start="10:00", end="11:00"
    )
    page = errors_of(admin_client.post(reverse("admin:events_event_add"), data))
    assert "The session must start during the event" in page
    assert not Event.objects.exists() and not Session.objects.exists()


def test_admin_event_inline_offers_only_the_event_rooms(admin_client, event, other_event):
    RoomFactory(event=event, name="Our room")
    RoomFactory(event=other_event, name="Their room")
    page = admin_client.get(reverse("admin:events_event_change", args=[event.pk]))
    assert "Our room" in page.content.decode()
    assert "Their room" not in page.content.decode()


@pytest.mark.parametrize("name", ["event", "session", "speaker", "room", "track", "organisation"])
def test_admin_changelists_search_and_open(admin_client, event, name):
    SessionFactory(event=event)
    SpeakerFactory(event=event)
    url = reverse(f"admin:events_{name}_changelist")
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(url, {"q": "a"}).status_code == 200


def test_admin_session_autocomplete_finds_rooms(admin_client, event):
    RoomFactory(event=event, name="Seminar Room 1")
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"term": "Seminar", "app_label": "events", "model_name": "session", "field_name": "room"},
    )
    assert [r["text"] for r in response.json()["results"]] == ["Seminar Room 1"]


# -- tokens, audit log, roles ---------------------------------------------------------------------
def test_admin_token_revoke_action_revokes_and_logs(admin_client, admin_user):
    token, _key = do_create_token(UserFactory(), "laptop")
    response = admin_client.post(
        reverse("admin:core_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEntry.objects.filter(action="hubbub.token.revoked", actor=admin_user).exists()


def test_admin_token_cannot_be_added_or_show_its_secret(admin_client):
    token, key = do_create_token(UserFactory(), "laptop")
    assert admin_client.get(reverse("admin:core_apitoken_add")).status_code == 403
    page = admin_client.get(reverse("admin:core_apitoken_change", args=[token.pk]))
    assert page.status_code == 200
    assert key not in page.content.decode()
    assert token.key_hash not in page.content.decode()


def test_admin_audit_log_is_read_only(admin_client, event):
    entry = AuditEntry.objects.create(action="hubbub.test.done", event=event)
    assert admin_client.get(reverse("admin:core_auditentry_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:core_auditentry_add")).status_code == 403
    url = reverse("admin:core_auditentry_change", args=[entry.pk])
    admin_client.post(url, {"action": "hubbub.test.changed"})
    entry.refresh_from_db()
    assert entry.action == "hubbub.test.done"
    assert (
        admin_client.get(reverse("admin:core_auditentry_delete", args=[entry.pk])).status_code
        == 403
    )


def test_admin_role_grant_goes_through_the_team_service(admin_client, admin_user, event):
    user = UserFactory(username="rita")
    response = admin_client.post(
        reverse("admin:team_eventrole_add"),
        {
            "user": user.pk,
            "event": event.pk,
            "role": "reporter",
            "expires_at_0": "",
            "expires_at_1": "",
            "home_room": "",
        },
    )
    assert response.status_code == 302
    grant = EventRole.objects.get(user=user)
    assert grant.granted_by == admin_user
    assert AuditEntry.objects.filter(action="hubbub.role.granted", event=event).exists()


def test_admin_role_delete_logs_the_revocation(admin_client, reporter, event):
    grant = EventRole.objects.get(user=reporter)
    response = admin_client.post(
        reverse("admin:team_eventrole_delete", args=[grant.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not EventRole.objects.filter(pk=grant.pk).exists()
    assert AuditEntry.objects.filter(action="hubbub.role.revoked", event=event).exists()


def test_admin_role_rejects_an_unknown_role(admin_client, event):
    user = UserFactory()
    response = admin_client.post(
        reverse("admin:team_eventrole_add"),
        {"user": user.pk, "event": event.pk, "role": "overlord"},
    )
    assert "Select a valid choice" in errors_of(response)
    assert not EventRole.objects.filter(user=user).exists()
