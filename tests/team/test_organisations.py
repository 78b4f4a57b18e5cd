"""Organisation admins: they run every event of their organisation and no other."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from hubbub.core.models import AuditEntry
from hubbub.core.permissions import Action, policy
from hubbub.events.models import Organisation
from hubbub.team.organisations import do_grant_organisation_admin, do_revoke_organisation_admin

from ..factories import EventFactory, OrganisationFactory, UserFactory, grant

pytestmark = pytest.mark.django_db


def test_an_organisation_admin_is_organiser_on_every_event_of_that_organisation_only():
    council = OrganisationFactory(slug="westbrook")
    first, second = EventFactory(organisation=council), EventFactory(organisation=council)
    elsewhere = EventFactory()
    admin = UserFactory()
    do_grant_organisation_admin(user=admin, organisation=council)
    for event in (first, second):
        assert policy.can(admin, Action.MANAGE_EVENT, event)
        assert policy.can(admin, Action.MANAGE_TEAM, event)
    assert not policy.can(admin, Action.MANAGE_EVENT, elsewhere)
    assert policy.can_in_organisation(admin, Action.CREATE_EVENT, council)
    assert not policy.can_in_organisation(admin, Action.CREATE_EVENT, elsewhere.organisation)


def test_an_event_role_gives_no_organisation_rights():
    event = EventFactory()
    organiser = UserFactory()
    grant(organiser, event, "organiser")
    assert policy.can(organiser, Action.MANAGE_EVENT, event)
    assert not policy.can_in_organisation(organiser, Action.CREATE_EVENT, event.organisation)


def test_revoking_takes_the_rights_away_and_both_are_audited():
    council = OrganisationFactory()
    event = EventFactory(organisation=council)
    admin, staff = UserFactory(), UserFactory()
    do_grant_organisation_admin(user=admin, organisation=council, granted_by=staff)
    assert policy.can(admin, Action.MANAGE_EVENT, event)
    assert do_revoke_organisation_admin(user=admin, organisation=council) == 1
    assert not policy.can(admin, Action.MANAGE_EVENT, event)
    assert not policy.can_in_organisation(admin, Action.CREATE_EVENT, council)
    assert list(
        AuditEntry.objects.filter(action__startswith="hubbub.organisation_role.")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["hubbub.organisation_role.granted", "hubbub.organisation_role.revoked"]


def test_org_command_grants_and_revokes():
    council = OrganisationFactory(slug="northfield")
    user = UserFactory(username="clerk")
    out = io.StringIO()
    call_command("org", "grant", "clerk", "northfield", stdout=out)
    assert "clerk is now an organisation admin of northfield" in out.getvalue()
    assert policy.can_in_organisation(user, Action.CREATE_EVENT, council)
    call_command("org", "revoke", "clerk", "northfield", stdout=out)
    assert "no longer an organisation admin" in out.getvalue()
    user = type(user).objects.get(pk=user.pk)
    assert not policy.can_in_organisation(user, Action.CREATE_EVENT, council)


def test_org_command_refuses_an_unknown_organisation_or_user():
    UserFactory(username="clerk")
    with pytest.raises(CommandError, match="No organisation"):
        call_command("org", "grant", "clerk", "nowhere", stdout=io.StringIO())
    OrganisationFactory(slug="somewhere")
    with pytest.raises(CommandError):
        call_command("org", "grant", "nobody-here", "somewhere", stdout=io.StringIO())


def test_demo_organiser_is_admin_of_the_demo_organisation():
    call_command("demo", stdout=io.StringIO())
    organiser = get_user_model().objects.get(username="organiser")
    demo_org = Organisation.objects.get(slug="demo-councils-network")
    assert policy.can_in_organisation(organiser, Action.CREATE_EVENT, demo_org)
