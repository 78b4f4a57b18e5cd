"""Setting up events over the API: the contract in DESIGN.md, errors as JSON naming the field."""

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from hubbub.core.models import AuditEntry
from hubbub.core.permissions import Role
from hubbub.events.models import Event, Room, Session
from hubbub.team.organisations import do_grant_organisation_admin
from tests.factories import (
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


def send(client, method, url, payload, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return getattr(client, method)(
        url, data=json.dumps(payload), content_type="application/json", headers=headers
    )


def error_fields(response) -> list[str]:
    return [e["field"] for e in response.json().get("errors", [])]


@pytest.fixture
def council():
    return OrganisationFactory(slug="westbrook")


@pytest.fixture
def admin_token(council, token_for):
    admin = UserFactory(username="ada")
    do_grant_organisation_admin(user=admin, organisation=council)
    return token_for(admin)


EVENT = {
    "organisation": "westbrook",
    "title": "Digital Westbrook 2031",
    "slug": "digital-westbrook-2031",
    "start_date": "2031-03-10",
    "end_date": "2031-03-11",
    "time_zone": "Europe/London",
    "venue": "Town Hall",
}


def test_post_events_creates_a_draft_and_answers_201(client, admin_token):
    response = send(client, "post", "/api/v1/events", EVENT, admin_token)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["slug"] == "digital-westbrook-2031"
    assert body["status"] == "draft"
    assert body["start_date"] == "2031-03-10" and body["organisation"] == "westbrook"
    assert Event.objects.get(slug="digital-westbrook-2031").status == "draft"


def test_post_events_without_organisation_rights_is_403(client, council, event, token_for):
    organiser = UserFactory()
    grant(organiser, EventFactory(organisation=council), Role.ORGANISER)
    response = send(client, "post", "/api/v1/events", EVENT, token_for(organiser))
    assert response.status_code == 403
    assert not Event.objects.filter(slug=EVENT["slug"]).exists()


def test_post_events_without_a_token_is_401(client, council):
    assert send(client, "post", "/api/v1/events", EVENT).status_code == 401


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"end_date": "2031-03-01"}, "end_date"),
        ({"time_zone": "Nowhere/Special"}, "time_zone"),
        ({"start_date": "not a date"}, "start_date"),
        ({"organisation": "nobody"}, "organisation"),
        ({"slug": "api"}, "slug"),
    ],
)
def test_bad_event_input_is_422_naming_the_field(client, admin_token, change, field):
    response = send(client, "post", "/api/v1/events", {**EVENT, **change}, admin_token)
    assert response.status_code == 422, response.content
    assert field in error_fields(response)
    assert not Event.objects.filter(slug=EVENT["slug"]).exists()


def test_patch_changes_fields_and_status(client, admin_token):
    send(client, "post", "/api/v1/events", EVENT, admin_token)
    response = send(
        client,
        "patch",
        "/api/v1/events/digital-westbrook-2031",
        {"venue": "Corn Exchange", "status": "published"},
        admin_token,
    )
    assert response.status_code == 200, response.content
    event = Event.objects.get(slug="digital-westbrook-2031")
    assert (event.venue, event.status) == ("Corn Exchange", "published")
    bad = send(
        client, "patch", f"/api/v1/events/{event.slug}", {"brand_colour": "#777777"}, admin_token
    )
    assert bad.status_code == 422 and error_fields(bad) == ["brand_colour"]
    bad = send(client, "patch", f"/api/v1/events/{event.slug}", {"status": "gone"}, admin_token)
    assert bad.status_code == 422 and error_fields(bad) == ["status"]


def test_event_says_its_content_is_bilingual_when_created_or_changed(client, admin_token):
    created = send(client, "post", "/api/v1/events", {**EVENT, "bilingual": True}, admin_token)
    assert created.status_code == 201 and created.json()["bilingual"] is True
    changed = send(
        client, "patch", f"/api/v1/events/{EVENT['slug']}", {"bilingual": False}, admin_token
    )
    assert changed.status_code == 200 and changed.json()["bilingual"] is False
    assert Event.objects.get(slug=EVENT["slug"]).bilingual is False
    entry = AuditEntry.objects.filter(action="hubbub.event.changed").latest("id")
    assert entry.data["changes"]["bilingual"] == ["True", "False"]


def test_reporter_cannot_patch_and_reads_still_work(client, event, reporter, token_for):
    response = send(
        client, "patch", f"/api/v1/events/{event.slug}", {"title": "Mine"}, token_for(reporter)
    )
    assert response.status_code == 403
    assert client.get(f"/api/v1/events/{event.slug}").json()["title"] == event.title
    assert client.get(f"/api/v1/events/{event.slug}/sessions").status_code == 200


def test_copy_answers_201_with_a_draft(client, council, admin_token):
    source = EventFactory(organisation=council, starts_on=date(2030, 3, 20))
    SessionFactory(event=source, title="Keynote")
    response = send(
        client,
        "post",
        f"/api/v1/events/{source.slug}/copy",
        {
            "slug": "next-one",
            "title": "Next one",
            "start_date": "2031-03-19",
            "with_programme": True,
            "with_team": False,
        },
        admin_token,
    )
    assert response.status_code == 201, response.content
    copy = Event.objects.get(slug="next-one")
    assert copy.status == "draft" and copy.sessions.get().title == "Keynote"


def test_sessions_crud_with_clash_naming_both(client, council, admin_token):
    event = EventFactory(organisation=council, starts_on=date(2031, 3, 10))
    chamber = send(
        client, "post", f"/api/v1/events/{event.slug}/rooms", {"name": "Chamber"}, admin_token
    ).json()
    speaker = send(
        client, "post", f"/api/v1/events/{event.slug}/speakers", {"name": "Ada"}, admin_token
    ).json()
    url = f"/api/v1/events/{event.slug}/sessions"
    first = send(
        client,
        "post",
        url,
        {
            "title": "Opening",
            "starts_at": "2031-03-10T09:00:00",
            "ends_at": "2031-03-10T10:00:00",
            "room_id": chamber["id"],
            "speaker_ids": [speaker["id"]],
        },
        admin_token,
    )
    assert first.status_code == 201, first.content
    assert first.json()["speaker_ids"] == [speaker["id"]]
    assert Session.objects.get().starts_at == datetime(2031, 3, 10, 9, tzinfo=LONDON)
    clash = send(
        client,
        "post",
        url,
        {
            "title": "Clashing talk",
            "starts_at": "2031-03-10T09:30:00+00:00",
            "ends_at": "2031-03-10T10:30:00+00:00",
            "room_id": chamber["id"],
        },
        admin_token,
    )
    assert clash.status_code == 422
    [message] = [e["message"] for e in clash.json()["errors"] if e["field"] == "room_id"]
    assert "Opening" in message and "Clashing talk" in message
    moved = send(
        client,
        "patch",
        f"{url}/{first.json()['id']}",
        {"starts_at": "2031-03-10T11:00:00", "ends_at": "2031-03-10T12:00:00"},
        admin_token,
    )
    assert moved.status_code == 200, moved.content
    assert AuditEntry.objects.filter(action="hubbub.session.moved").exists()
    outside = send(
        client,
        "patch",
        f"{url}/{first.json()['id']}",
        {"starts_at": "2031-04-10T11:00:00", "ends_at": "2031-04-10T12:00:00"},
        admin_token,
    )
    assert outside.status_code == 422 and "starts_at" in error_fields(outside)
    deleted = client.delete(
        f"{url}/{first.json()['id']}", headers={"Authorization": f"Bearer {admin_token}"}
    )
    assert deleted.status_code == 204
    assert not Session.objects.exists()


def test_a_room_of_another_event_is_422(client, council, admin_token):
    event = EventFactory(organisation=council, starts_on=date(2031, 3, 10))
    foreign = RoomFactory(name="Elsewhere")
    response = send(
        client,
        "post",
        f"/api/v1/events/{event.slug}/sessions",
        {
            "title": "Borrowed room",
            "starts_at": "2031-03-10T09:00:00",
            "ends_at": "2031-03-10T10:00:00",
            "room_id": foreign.pk,
        },
        admin_token,
    )
    assert response.status_code == 422 and error_fields(response) == ["room_id"]


def test_another_organisations_admin_cannot_add_rooms(client, event, token_for):
    stranger = UserFactory()
    do_grant_organisation_admin(user=stranger, organisation=OrganisationFactory())
    response = send(
        client, "post", f"/api/v1/events/{event.slug}/rooms", {"name": "Mine"}, token_for(stranger)
    )
    assert response.status_code == 403
    assert not Room.objects.filter(name="Mine").exists()


def test_copy_speaker_from_another_organisation_is_422(client, council, admin_token):
    event = EventFactory(organisation=council)
    foreign = SpeakerFactory(name="Not ours")
    response = send(
        client,
        "post",
        f"/api/v1/events/{event.slug}/speakers/copy",
        {"speaker_id": foreign.pk},
        admin_token,
    )
    assert response.status_code == 422 and error_fields(response) == ["speaker_id"]


def test_swap_over_the_api(client, council, admin_token):
    event = EventFactory(organisation=council)
    a = SessionFactory(event=event, title="A", hour=9)
    b = SessionFactory(event=event, title="B", hour=14)
    response = send(
        client,
        "post",
        f"/api/v1/events/{event.slug}/sessions/{a.pk}/swap",
        {"other": b.pk},
        admin_token,
    )
    assert response.status_code == 200, response.content
    a.refresh_from_db()
    assert a.starts_at.astimezone(LONDON).hour == 14


def test_rooms_tracks_and_speakers_are_edited_and_deleted(client, council, admin_token):
    event = EventFactory(organisation=council)
    other = EventFactory(organisation=council)
    auth = {"Authorization": f"Bearer {admin_token}"}
    base = f"/api/v1/events/{event.slug}"
    for kind, body, change in (
        ("rooms", {"name": "Chamber", "capacity": 50}, {"accessibility_notes": "Loop"}),
        ("tracks", {"name": "Data"}, {"colour": "#123456"}),
        ("speakers", {"name": "Ada"}, {"organisation": "Engines"}),
    ):
        created = send(client, "post", f"{base}/{kind}", body, admin_token)
        assert created.status_code == 201, created.content
        item = created.json()["id"]
        changed = send(client, "patch", f"{base}/{kind}/{item}", change, admin_token)
        assert changed.status_code == 200 and changed.json() | change == changed.json()
        listed = client.get(f"{base}/{kind}").json()
        assert [i["id"] for i in listed] == [item]
        # The same id under another event's address is not found.
        elsewhere = send(client, "patch", f"/api/v1/events/{other.slug}/{kind}/{item}", change,
                         admin_token)  # fmt: skip
        assert elsewhere.status_code == 404
        assert client.delete(f"{base}/{kind}/{item}", headers=auth).status_code == 204
        assert client.get(f"{base}/{kind}").json() == []
    bad = send(client, "post", f"{base}/tracks", {"name": "Odd", "colour": "red"}, admin_token)
    assert bad.status_code == 422 and error_fields(bad) == ["colour"]
