"""Team pages: who may see them, what they show, and bad input that changes nothing."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from hubbub.core.permissions import Role
from hubbub.live.services import do_create_entry
from hubbub.team import services
from hubbub.team.models import Application, CoverageAssignment, EventRole
from tests.factories import SessionFactory, UserFactory, grant

pytestmark = pytest.mark.django_db


def url(name, event, **kwargs):
    return reverse(f"team:{name}", kwargs={"event": event.slug, **kwargs})


def open_recruitment(event):
    found = services.team_settings(event)
    found.recruitment_open = True
    found.save()


def test_join_page_says_when_recruitment_is_closed(client, event):
    page = client.get(url("join", event))
    assert page.status_code == 200
    assert "not recruiting reporters" in page.content.decode()
    client.post(url("join", event), {"name": "A", "email": "a@example.org"})
    assert not Application.objects.exists()


def test_join_page_takes_an_application_with_sessions(client, event):
    open_recruitment(event)
    session = SessionFactory(event=event, title="Digital inclusion")
    page = client.get(url("join", event)).content.decode()
    assert "Digital inclusion" in page and 'type="checkbox"' in page
    done = client.post(
        url("join", event),
        {
            "name": "Sam Jones",
            "email": "sam@example.org",
            "social_handles": "@sam@mastodon.social",
            "sessions": [str(session.pk)],
        },
    )
    assert done.status_code == 200
    assert "your application is with the organisers" in done.content.decode()
    application = Application.objects.get()
    assert list(application.sessions.all()) == [session]


def test_join_page_with_a_bad_email_shows_the_field_error(client, event):
    open_recruitment(event)
    page = client.post(url("join", event), {"name": "Sam", "email": "sam at example"})
    assert page.status_code == 422
    assert "Enter" in page.content.decode()
    assert not Application.objects.exists()


def test_organiser_accepts_from_the_applications_page(client, event, organiser):
    open_recruitment(event)
    application = services.do_submit_application(event, name="Sam Jones", email="sam@example.org")
    client.force_login(organiser)
    page = client.get(url("applications", event)).content.decode()
    assert "Accept Sam Jones" in page
    client.post(url("applications", event), {"application": application.pk, "decision": "accept"})
    application.refresh_from_db()
    assert application.status == "accepted"
    assert EventRole.objects.filter(user=application.user, event=event, role="reporter").exists()
    link = re.search(r"http://testserver/accounts/password/reset/key/\S+", mail.outbox[0].body)
    assert link, mail.outbox[0].body


@pytest.mark.parametrize("name", ["applications", "invitations", "audit"])
def test_organiser_pages_refuse_reporters_and_other_events_organisers(
    client, event, other_event, reporter, name
):
    client.force_login(reporter)
    assert client.get(url(name, event)).status_code == 403
    outsider = UserFactory()
    grant(outsider, other_event, Role.ORGANISER)
    client.force_login(outsider)
    assert client.get(url(name, event)).status_code == 403


@pytest.mark.parametrize("name", ["overview", "coverage", "me", "desk"])
def test_team_pages_refuse_people_off_the_team(client, event, other_event, name):
    outsider = UserFactory()
    grant(outsider, other_event, Role.REPORTER)
    client.force_login(outsider)
    assert client.get(url(name, event)).status_code == 403
    client.logout()
    assert client.get(url(name, event)).status_code == 302  # to sign in


def test_invitation_page_shows_what_it_grants_and_grants_on_post(client, event, organiser):
    client.force_login(organiser)
    created = client.post(url("invitations", event), {"role": "editor", "days": 7, "note": "Kim"})
    link = re.search(r'value="(http://testserver/[^"]+)"', created.content.decode())[1]
    path = link.removeprefix("http://testserver")
    client.logout()
    shown = client.get(path).content.decode()
    assert "<strong>editor</strong>" in shown and event.title in shown
    assert "Sign in to accept" in shown
    kim = UserFactory()
    client.force_login(kim)
    accepted = client.post(path)
    assert accepted.status_code == 302
    assert EventRole.objects.filter(user=kim, event=event, role="editor").exists()
    # The same link again: a clear message, nothing granted.
    other = UserFactory()
    client.force_login(other)
    again = client.post(path)
    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    assert not EventRole.objects.filter(user=other).exists()


def test_invitation_link_on_another_event_is_refused(client, event, other_event, organiser):
    _invitation, key = services.do_create_invitation(event, role="reporter", actor=organiser)
    user = UserFactory()
    client.force_login(user)
    foreign = client.post(url("invitation", other_event, key=key))
    assert foreign.status_code == 404
    assert "not valid for this event" in foreign.content.decode()
    assert not EventRole.objects.filter(user=user).exists()


def test_coverage_page_marks_uncovered_sessions_in_words(client, event, organiser, reporter):
    covered = SessionFactory(event=event, title="Covered one", hour=9)
    SessionFactory(event=event, title="Lonely one", hour=11)
    client.force_login(organiser)
    client.post(url("coverage", event), {"session": covered.pk, "user": reporter.pk})
    assert CoverageAssignment.objects.filter(session=covered, user=reporter).exists()
    page = client.get(url("coverage", event)).content.decode()
    assert page.count("Nobody covering") == 1
    assert "1 session has nobody covering it." in page


def test_my_sessions_links_to_posting_for_the_session(client, event, organiser, reporter):
    session = SessionFactory(event=event, title="Town centres")
    services.do_assign_coverage(session, user=reporter, actor=organiser)
    client.force_login(reporter)
    page = client.get(url("me", event)).content.decode()
    write = f"/{event.slug}/live/write?session={session.pk}"
    assert write in page
    console = client.get(write).content.decode()
    assert re.search(rf'<option value="{session.pk}" selected>', console)


def test_desk_page_posts_and_lists_messages(client, event, reporter):
    client.force_login(reporter)
    client.post(url("desk", event), {"body": "Who is covering room 3?"})
    page = client.get(url("desk", event)).content.decode()
    assert "Who is covering room 3?" in page
    assert client.post(url("desk", event), {"body": "  "}).status_code == 422


def test_audit_page_lists_approvals_for_organisers(client, event, organiser, editor):
    moderated = UserFactory()
    grant(moderated, event, Role.MODERATED_REPORTER)
    entry = do_create_entry(event=event, author=moderated, body="For review")
    from hubbub.live.services import do_approve_entry

    do_approve_entry(entry, actor=editor)
    client.force_login(organiser)
    page = client.get(url("audit", event)).content.decode()
    editor_name = editor.get_full_name() or editor.get_username()
    moderated_name = moderated.get_full_name() or moderated.get_username()
    assert f"{editor_name} approved an update: ‘For review’" in page
    assert f"{moderated_name} sent an update for approval: ‘For review’" in page
    assert "hubbub.entry" not in page


def test_team_templates_have_no_inline_script_or_style(client, event, organiser):
    client.force_login(organiser)
    for name in ("overview", "applications", "invitations", "coverage", "me", "desk", "audit"):
        html = client.get(url(name, event)).content.decode()
        assert "style=" not in html, name
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", html), name


def test_event_navigation_shows_team_link_only_to_the_team(client, event, reporter):
    from tests.factories import UserFactory

    team_link = f'href="/{event.slug}/team/"'
    assert team_link not in client.get(f"/{event.slug}/programme/").content.decode()
    client.force_login(UserFactory())
    assert team_link not in client.get(f"/{event.slug}/programme/").content.decode()
    client.force_login(reporter)
    assert team_link in client.get(f"/{event.slug}/programme/").content.decode()
