"""The reflections API: writing as a token's user or a guest, reading, and the impact figures."""

import pytest

from hubbub.reflections.models import Reflection

from ..factories import SessionFactory, UserFactory
from .helpers import publish, write

pytestmark = pytest.mark.django_db


def post(client, event, body, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(f"/api/v1/events/{event.slug}/reflections", body,
                       content_type="application/json", headers=headers)  # fmt: skip


def test_api_reflection_by_token_user_is_201_and_held(client, event, token_for):
    session = SessionFactory(event=event)
    body = {"items": [
        {"session_id": session.pk, "text": "The workshop", "action": "Call the council",
         "public_action": True, "due": "2030-07-01"},
        {"text": "A theme"},
    ], "closing": "Good day"}  # fmt: skip
    response = post(client, event, body, token_for(UserFactory()))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "pending" and len(data["items"]) == 2
    item = Reflection.objects.get().items.first()
    assert item.action == "Call the council" and item.action_answer == "yes"


def test_api_reflection_guest_gets_confirmation(
    client, event, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, event, {"items": [{"text": "x"}], "name": "G",
                                        "email": "g@example.org"})  # fmt: skip
    assert response.status_code == 201
    assert mailoutbox[0].to == ["g@example.org"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"items": []}, "items"),
        ({"items": [{"text": "x", "session_id": 999999}]}, "items.0.session_id"),
        ({"items": [{"text": "x", "action": "a", "due": "2000-01-01"}]}, "items.0.due"),
        ({"items": [{"text": ""}, {"text": "y", "action": "z"}], "name": "G"}, "email"),
    ],
)
def test_api_reflection_bad_input_names_the_field(client, event, body, field):
    response = post(client, event, body)
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]
    assert not Reflection.objects.exists()


def test_api_lists_and_reads_only_published(client, event):
    shown = publish(write(event, items=[{"text": "Shown", "action": "Private plan"}],
                          public_actions=False))  # fmt: skip
    held = write(event, items=[{"text": "Held"}])
    listing = client.get(f"/api/v1/events/{event.slug}/reflections").json()
    assert [r["id"] for r in listing] == [shown.pk]
    assert listing[0]["items"][0]["action"] is None  # private stays private
    assert client.get(f"/api/v1/events/{event.slug}/reflections/{held.pk}").status_code == 404
    one = client.get(f"/api/v1/events/{event.slug}/reflections/{shown.pk}")
    assert one.status_code == 200 and one.json()["items"][0]["text"] == "Shown"


def test_api_impact_is_for_the_team(client, event, organiser, token_for):
    publish(write(event))
    url = f"/api/v1/events/{event.slug}/impact"
    assert client.get(url).status_code == 401
    outsider = {"Authorization": f"Bearer {token_for(UserFactory())}"}
    assert client.get(url, headers=outsider).status_code == 403
    data = client.get(url, headers={"Authorization": f"Bearer {token_for(organiser)}"}).json()
    assert {k: data[k] for k in ("reflections", "pledges", "followups_sent", "answered", "done",
                                 "started", "not_yet", "dropped")} == {
        "reflections": 1, "pledges": 1, "followups_sent": 0, "answered": 0, "done": 0,
        "started": 0, "not_yet": 0, "dropped": 0}  # fmt: skip
    assert data["by_session"] == []
