"""An invitation to a draft event's team works for the person it was sent to, while the draft
stays hidden from anyone without a link made for it."""

import pytest
from django.urls import reverse

from hubbub.events.models import Event
from hubbub.team import services
from hubbub.team.models import EventRole
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db


def link(event, key):
    return reverse("team:invitation", kwargs={"event": event.slug, "key": key})


def test_invitee_opens_and_accepts_an_invitation_to_a_draft(client, org_admin, council):
    event = EventFactory(organisation=council, status=Event.Status.DRAFT)
    _invitation, key = services.do_create_invitation(event, role="reporter", actor=org_admin)
    shown = client.get(link(event, key))
    assert shown.status_code == 200
    assert "Sign in to accept" in shown.content.decode()
    rhys = UserFactory()
    client.force_login(rhys)
    accepted = client.post(link(event, key))
    assert accepted.status_code == 302
    assert EventRole.objects.filter(user=rhys, event=event, role="reporter").exists()


def test_a_wrong_key_to_a_draft_reads_as_no_event(client, org_admin, council):
    event = EventFactory(organisation=council, status=Event.Status.DRAFT)
    other = EventFactory(organisation=council, status=Event.Status.DRAFT)
    _invitation, key = services.do_create_invitation(other, role="reporter", actor=org_admin)
    for path in (link(event, "not-a-key"), link(event, key)):
        page = client.get(path)
        assert page.status_code == 404
        assert "No event at this address." in page.content.decode()
