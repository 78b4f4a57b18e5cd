"""An archived event's team pages stay readable, and nobody can change the team any more:
roles, removals, invitations, applications, coverage and the desk."""

import json

import pytest

from hubbub.core.permissions import Role
from hubbub.events.lifecycle import EventClosed
from hubbub.events.models import Event
from hubbub.team import roles, services
from hubbub.team.models import Application, CoverageAssignment, EventRole, Invitation, TeamMessage
from tests.factories import SessionFactory, UserFactory

pytestmark = pytest.mark.django_db
SITE = "http://testserver/"


@pytest.fixture
def archive(event, organiser, reporter):
    """A team with a covered session, a desk message, a pending application and an unused
    invitation; then the event is archived."""
    session = SessionFactory(event=event)
    services.do_assign_coverage(session, user=reporter, actor=organiser)
    services.do_post_team_message(event, author=reporter, body="See you at nine")
    found = services.team_settings(event)
    found.recruitment_open = True
    found.save()
    application = services.do_submit_application(event, name="Alex", email="alex@example.org")
    _invitation, key = services.do_create_invitation(event, role=Role.REPORTER, actor=organiser)
    event.status = Event.Status.ARCHIVED
    event.save()
    session.event = application.event = event
    return {"session": session, "application": application, "key": key}


def roles_of(user, event):
    return set(EventRole.objects.filter(user=user, event=event).values_list("role", flat=True))


def test_every_team_change_is_refused_on_an_archive_and_changes_nothing(
    event, organiser, reporter, editor, archive
):
    newcomer = UserFactory()
    changes = [
        lambda: roles.do_set_member_roles(
            event, actor=organiser, user=reporter, roles=[Role.MODERATED_REPORTER]
        ),
        lambda: roles.do_remove_member(event, actor=organiser, user=editor),
        lambda: services.do_update_team_settings(
            event, actor=organiser, recruitment_open=False, role_lapse_days=3
        ),
        lambda: services.do_create_invitation(event, role=Role.EDITOR, actor=organiser),
        lambda: services.do_use_invitation(event, archive["key"], user=newcomer),
        lambda: services.do_accept_application(
            archive["application"], actor=organiser, site_url=SITE
        ),
        lambda: services.do_decline_application(archive["application"], actor=organiser),
        lambda: services.do_assign_coverage(archive["session"], user=editor, actor=organiser),
        lambda: services.do_unassign_coverage(archive["session"], user=reporter, actor=organiser),
        lambda: services.do_post_team_message(event, author=reporter, body="Too late"),
    ]
    for change in changes:
        with pytest.raises(EventClosed, match="archive"):
            change()
    assert roles_of(reporter, event) == {Role.REPORTER}
    assert roles_of(editor, event) == {Role.EDITOR}
    assert not EventRole.objects.filter(user=newcomer).exists()
    assert services.team_settings(event).recruitment_open is True
    assert Invitation.objects.filter(event=event).count() == 1
    assert Invitation.objects.get().used_at is None
    assert Application.objects.get().status == Application.Status.PENDING
    assert list(CoverageAssignment.objects.values_list("user", flat=True)) == [reporter.pk]
    assert list(TeamMessage.objects.values_list("body", flat=True)) == ["See you at nine"]


def test_the_team_pages_of_an_archive_read_without_forms(
    client, event, organiser, reporter, archive
):
    client.force_login(organiser)
    base = f"/{event.slug}/team/"
    for path in (
        "",
        f"members/{reporter.pk}/",
        "applications/",
        "invitations/",
        "coverage/",
        "desk/",
    ):
        page = client.get(base + path)
        html = page.content.decode()
        assert page.status_code == 200, path
        assert "This is an archive of the event." in html, path
        # The only form left is the site's own "Sign out".
        assert html.count('method="post"') == html.count('action="/accounts/logout/"'), path
    assert "See you at nine" in client.get(base + "desk/").content.decode()
    assert "Alex" in client.get(base + "applications/").content.decode()
    assert reporter.get_username() in client.get(base + "coverage/").content.decode()


def test_a_desk_message_sent_to_an_archive_comes_back_with_the_reason(
    client, event, reporter, archive
):
    client.force_login(reporter)
    response = client.post(f"/{event.slug}/team/desk/", {"body": "Too late"}, follow=True)
    assert response.redirect_chain[-1][0] == f"/{event.slug}/team/desk/"
    assert "it can no longer be changed" in response.content.decode()
    assert not TeamMessage.objects.filter(body="Too late").exists()


def test_an_invitation_to_an_archive_says_so_and_grants_nothing(client, event, archive):
    newcomer = UserFactory()
    client.force_login(newcomer)
    url = f"/{event.slug}/team/invitations/{archive['key']}/"
    page = client.get(url)
    assert page.status_code == 409 and "it can no longer be changed" in page.content.decode()
    assert client.post(url).status_code == 409
    assert not EventRole.objects.filter(user=newcomer).exists()


def test_changing_the_team_of_an_archive_over_the_api_is_409(
    client, event, organiser, reporter, archive, token_for
):
    auth = {"Authorization": f"Bearer {token_for(organiser)}"}
    url = f"/api/v1/events/{event.slug}/team/{reporter.get_username()}"
    response = client.put(
        url,
        data=json.dumps({"roles": ["moderated_reporter"]}),
        content_type="application/json",
        headers=auth,
    )
    assert response.status_code == 409 and "archive" in response.json()["detail"]
    response = client.delete(url, headers=auth)
    assert response.status_code == 409 and "archive" in response.json()["detail"]
    assert roles_of(reporter, event) == {Role.REPORTER}
    listing = client.get(f"/api/v1/events/{event.slug}/team", headers=auth)
    assert listing.status_code == 200
