"""Managing the team: one line per person, changing roles, removing people, accepting into
any role; who may do it, and bad input that changes nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from hubbub.core.models import AuditEntry
from hubbub.core.permissions import Action, Role, policy
from hubbub.team import roles, services
from hubbub.team.models import Application, EventRole
from hubbub.team.organisations import do_grant_organisation_admin
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db


def member_url(event, user):
    return reverse("team:member", kwargs={"event": event.slug, "user_id": user.pk})


def held(user, event):
    return set(EventRole.objects.filter(user=user, event=event).values_list("role", flat=True))


def test_roster_shows_each_person_once_with_all_their_roles_and_organisation_admins(
    event, organiser
):
    person = UserFactory(first_name="Sam", last_name="Ortiz")
    grant(person, event, Role.REPORTER)
    grant(person, event, Role.MODERATOR)
    admin = UserFactory(first_name="Priya", last_name="Patel")
    do_grant_organisation_admin(user=admin, organisation=event.organisation)
    roster = {m.name: m for m in roles.team_roster(event)}
    assert roster["Sam Ortiz"].roles == ["reporter", "moderator"]
    assert roster["Priya Patel"].organisation_admin
    assert "organisation admin" in roster["Priya Patel"].role_labels[0]
    assert len(roster) == 3


def test_team_page_lists_a_person_with_two_roles_on_one_line(client, event, organiser):
    person = UserFactory(first_name="Sam", last_name="Ortiz")
    grant(person, event, Role.REPORTER)
    grant(person, event, Role.MODERATOR)
    client.force_login(organiser)
    page = client.get(reverse("team:overview", kwargs={"event": event.slug})).content.decode()
    assert page.count("<strong>Sam Ortiz</strong>") == 1
    assert "reporter, comment moderator" in page
    assert "Change roles of Sam Ortiz or remove them" in page


def test_changing_a_reporter_to_a_moderated_reporter_is_one_audit_entry(event, organiser):
    person = UserFactory()
    grant(person, event, Role.REPORTER)
    before = AuditEntry.objects.count()
    roles.do_set_member_roles(event, actor=organiser, user=person, roles=[Role.MODERATED_REPORTER])
    assert held(person, event) == {"moderated_reporter"}
    assert policy.can(person, Action.POST_ENTRY_FOR_REVIEW, event)
    assert not policy.can(person, Action.POST_ENTRY, event)
    entries = list(AuditEntry.objects.order_by("id")[before:])
    assert [e.action for e in entries] == ["hubbub.role.changed"]
    assert entries[0].data["from"] == ["reporter"] and entries[0].data["to"] == [
        "moderated_reporter"
    ]


def test_removing_a_member_revokes_every_role_through_do_revoke_role(event, organiser, monkeypatch):
    person = UserFactory()
    grant(person, event, Role.EDITOR)
    grant(person, event, Role.MODERATOR)
    revoked = []
    real = roles.do_revoke_role

    def spy(**kwargs):
        revoked.append(kwargs["role"])
        return real(**kwargs)

    monkeypatch.setattr(roles, "do_revoke_role", spy)
    assert roles.do_remove_member(event, actor=organiser, user=person) == ["editor", "moderator"]
    assert sorted(revoked) == ["editor", "moderator"]
    assert held(person, event) == set()
    assert not policy.can(person, Action.USE_TEAM_DESK, event)
    entry = AuditEntry.objects.latest("id")
    assert entry.action == "hubbub.team.member.removed" and entry.actor == organiser


@pytest.mark.parametrize("who", ["editor", "reporter", "outsider", "other_organiser"])
def test_only_organisers_of_this_event_may_change_or_remove(event, other_event, who, request):
    person = UserFactory()
    grant(person, event, Role.REPORTER)
    if who == "outsider":
        actor = UserFactory()
    elif who == "other_organiser":
        actor = UserFactory()
        grant(actor, other_event, Role.ORGANISER)
    else:
        actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        roles.do_set_member_roles(event, actor=actor, user=person, roles=["editor"])
    with pytest.raises(PermissionDenied):
        roles.do_remove_member(event, actor=actor, user=person)
    assert held(person, event) == {"reporter"}


def test_an_organisation_admin_may_manage_the_team_of_every_event_of_the_organisation(event):
    admin = UserFactory()
    do_grant_organisation_admin(user=admin, organisation=event.organisation)
    person = UserFactory()
    grant(person, event, Role.REPORTER)
    roles.do_set_member_roles(event, actor=admin, user=person, roles=["editor", "reporter"])
    assert held(person, event) == {"editor", "reporter"}


def test_bad_roles_change_nothing(event, organiser):
    person = UserFactory()
    grant(person, event, Role.REPORTER)
    for bad in ([], ["king"], None):
        with pytest.raises(ValidationError) as caught:
            roles.do_set_member_roles(event, actor=organiser, user=person, roles=bad)
        assert "roles" in caught.value.message_dict
    assert held(person, event) == {"reporter"}


def test_an_organiser_cannot_take_away_their_own_organiser_role(event, organiser):
    with pytest.raises(ValidationError):
        roles.do_set_member_roles(event, actor=organiser, user=organiser, roles=["editor"])
    with pytest.raises(ValidationError):
        roles.do_remove_member(event, actor=organiser, user=organiser)
    assert held(organiser, event) == {"organiser"}


def test_member_page_changes_roles_without_javascript(client, event, organiser):
    person = UserFactory(first_name="Sam", last_name="Ortiz")
    grant(person, event, Role.REPORTER)
    client.force_login(organiser)
    page = client.get(member_url(event, person)).content.decode()
    assert '<label for="id_roles_2"' in page and "Save roles" in page
    response = client.post(member_url(event, person), {"roles": ["moderated_reporter"]})
    assert response.status_code == 302
    assert held(person, event) == {"moderated_reporter"}
    page = client.get(response["Location"]).content.decode()
    assert "Saved the roles of Sam Ortiz." in page


def test_member_page_shows_an_error_summary_and_changes_nothing(client, event, organiser):
    person = UserFactory()
    grant(person, event, Role.REPORTER)
    client.force_login(organiser)
    response = client.post(member_url(event, person), {})
    assert response.status_code == 422
    page = response.content.decode()
    assert "There is a problem" in page and 'href="#id_roles"' in page
    assert "Choose at least one role" in page
    assert held(person, event) == {"reporter"}


def test_member_page_removes_a_person(client, event, organiser):
    person = UserFactory(first_name="Sam", last_name="Ortiz")
    grant(person, event, Role.REPORTER)
    client.force_login(organiser)
    response = client.post(member_url(event, person), {"remove": "1"}, follow=True)
    assert "Sam Ortiz is no longer on this event" in response.content.decode()
    assert held(person, event) == set()
    assert client.get(member_url(event, person)).status_code == 404


def test_member_page_is_for_organisers_only(client, event, editor, reporter):
    client.force_login(editor)
    assert client.get(member_url(event, reporter)).status_code == 403
    assert client.post(member_url(event, reporter), {"remove": "1"}).status_code == 403
    assert held(reporter, event) == {"reporter"}


def test_accepting_an_application_as_editor(client, event, organiser):
    application = Application.objects.create(event=event, name="Ada Lovelace", email="a@x.org")
    client.force_login(organiser)
    response = client.post(
        reverse("team:applications", kwargs={"event": event.slug}),
        {"application": application.pk, "decision": "accept", "role": "editor"},
        follow=True,
    )
    assert "Accepted Ada Lovelace" in response.content.decode()
    application.refresh_from_db()
    assert held(application.user, event) == {"editor"}


def test_accepting_into_an_unknown_role_changes_nothing(event, organiser):
    application = Application.objects.create(event=event, name="Ada", email="a@x.org")
    with pytest.raises(ValidationError):
        services.do_accept_application(
            application, actor=organiser, site_url="http://testserver", role="king"
        )
    application.refresh_from_db()
    assert application.status == Application.Status.PENDING
    assert not EventRole.objects.filter(event=event, role="king").exists()


def test_team_settings_errors_are_summarised_at_the_top(client, event, organiser):
    client.force_login(organiser)
    response = client.post(
        reverse("team:overview", kwargs={"event": event.slug}), {"role_lapse_days": "-4"}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "There is a problem" in page and 'href="#id_role_lapse_days"' in page
    assert services.team_settings(event).role_lapse_days == 30
