"""The team over the API: organisers list, change and remove; nobody else can."""

import pytest

from hubbub.core.permissions import Role
from hubbub.team.models import EventRole
from hubbub.team.organisations import do_grant_organisation_admin
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db


def team_url(event, username=""):
    return f"/api/v1/events/{event.slug}/team" + (f"/{username}" if username else "")


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def held(user, event):
    return set(EventRole.objects.filter(user=user, event=event).values_list("role", flat=True))


def test_an_organiser_lists_the_team_one_line_per_person(client, event, organiser, token_for):
    person = UserFactory(first_name="Sam", last_name="Ortiz")
    grant(person, event, Role.REPORTER)
    grant(person, event, Role.MODERATOR)
    admin = UserFactory()
    do_grant_organisation_admin(user=admin, organisation=event.organisation)
    response = client.get(team_url(event), headers=bearer(token_for(organiser)))
    assert response.status_code == 200
    members = {m["username"]: m for m in response.json()["members"]}
    assert members[person.username]["roles"] == ["reporter", "moderator"]
    assert members[person.username]["name"] == "Sam Ortiz"
    assert members[admin.username]["organisation_admin"] is True


def test_an_organiser_changes_roles_and_removes_a_person(client, event, organiser, token_for):
    person = UserFactory()
    grant(person, event, Role.REPORTER)
    headers = bearer(token_for(organiser))
    response = client.put(
        team_url(event, person.username),
        {"roles": ["moderated_reporter"]},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 200 and response.json()["roles"] == ["moderated_reporter"]
    assert held(person, event) == {"moderated_reporter"}
    response = client.delete(team_url(event, person.username), headers=headers)
    assert response.json() == {"username": person.username, "removed_roles": ["moderated_reporter"]}
    assert held(person, event) == set()
    assert client.delete(team_url(event, person.username), headers=headers).status_code == 404


def test_an_unknown_role_is_422_naming_the_field_and_changes_nothing(
    client, event, organiser, token_for
):
    person = UserFactory()
    grant(person, event, Role.REPORTER)
    response = client.put(
        team_url(event, person.username),
        {"roles": ["king"]},
        content_type="application/json",
        headers=bearer(token_for(organiser)),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "roles"
    assert held(person, event) == {"reporter"}


def test_editors_and_strangers_may_not_see_or_change_the_team(client, event, editor, token_for):
    person = UserFactory()
    grant(person, event, Role.REPORTER)
    headers = bearer(token_for(editor))
    assert client.get(team_url(event), headers=headers).status_code == 403
    assert client.get(team_url(event)).status_code == 401
    response = client.delete(team_url(event, person.username), headers=headers)
    assert response.status_code == 403
    assert client.delete(team_url(event, person.username)).status_code == 401
    assert held(person, event) == {"reporter"}
