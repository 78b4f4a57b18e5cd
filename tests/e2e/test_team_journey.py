"""Browser journey: someone applies through the join page, the organiser accepts them and
assigns a session, and the new reporter posts about it from "my sessions"."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from hubbub.core.permissions import Role
from hubbub.team.services import team_settings
from tests.factories import EventFactory, SessionFactory, UserFactory, grant

from .axe import axe_problems

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery staple"


@pytest.fixture
def recruiting_event(transactional_db):
    event = EventFactory(status="live")
    settings = team_settings(event)
    settings.recruitment_open = True
    settings.save()
    organiser = UserFactory(username="olive")
    grant(organiser, event, Role.ORGANISER)
    session = SessionFactory(event=event, title="Shared services in practice")
    return event, organiser, session


def sign_in(page, base_url: str, next_path: str, login: str) -> None:
    page.goto(f"{base_url}/accounts/login/?next={next_path}")
    page.get_by_label("Username or email").fill(login)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def test_applicant_is_accepted_assigned_and_posts_from_my_sessions(
    recruiting_event, start_server, browser
):
    event, _organiser, session = recruiting_event
    server = start_server()
    base = server.base_url

    # The applicant applies through the public join page.
    applicant = browser.new_context(locale="en-GB").new_page()
    applicant.goto(f"{base}/{event.slug}/team/join/")
    expect(applicant.get_by_role("heading", name="Join the reporting team")).to_be_visible()
    assert axe_problems(applicant) == ""
    applicant.get_by_label("Your name").fill("Priya Patel")
    applicant.get_by_label("Email address").fill("priya@example.org")
    applicant.get_by_label("Social media handles (optional)").fill("@priya@mastodon.social")
    applicant.get_by_label(re.compile(session.title)).check()
    applicant.get_by_role("button", name="Send my application").click()
    expect(
        applicant.get_by_role("heading", name=re.compile("your application is with"))
    ).to_be_visible()

    # The organiser accepts and assigns the session.
    organiser = browser.new_context(locale="en-GB").new_page()
    sign_in(organiser, base, f"/{event.slug}/team/applications/", "olive")
    expect(organiser.get_by_text(session.title)).to_be_visible()
    organiser.get_by_role("button", name="Accept Priya Patel").click()
    expect(organiser.get_by_role("status")).to_contain_text("Accepted Priya Patel")
    assert axe_problems(organiser) == ""

    organiser.goto(f"{base}/{event.slug}/team/coverage/")
    row = organiser.get_by_role("row", name=re.compile(session.title))
    expect(row).to_contain_text("Nobody covering")
    organiser.get_by_label(f"Reporter for {session.title}").select_option(label="Priya Patel")
    organiser.get_by_role("button", name=f"Assign to {session.title}").click()
    expect(organiser.get_by_role("row", name=re.compile(session.title))).to_contain_text(
        "Priya Patel"
    )
    expect(organiser.get_by_role("row", name=re.compile(session.title))).not_to_contain_text(
        "Nobody covering"
    )
    assert axe_problems(organiser) == ""

    # The emailed link lets a new reporter choose a password; here the test sets it.
    priya = get_user_model().objects.get(email="priya@example.org")
    priya.set_password(PASSWORD)
    priya.save()

    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="en-GB"
    ).new_page()
    sign_in(phone, base, f"/{event.slug}/team/me/", "priya@example.org")
    expect(phone.get_by_role("heading", name="My sessions now and next")).to_be_visible()
    assert axe_problems(phone) == ""
    phone.get_by_role("link", name=f"Post about {session.title}").click()
    expect(phone.get_by_label("Session")).to_have_value(str(session.pk))
    phone.get_by_label("Your update").fill("Priya here: the room is packed for shared services")
    phone.get_by_role("button", name="Post update").click()
    expect(phone.get_by_role("status").filter(has_text="Posted")).to_be_visible(timeout=5000)

    reader = browser.new_context().new_page()
    reader.goto(f"{base}/{event.slug}/live/")
    entry = reader.get_by_role("list", name="Live updates").get_by_role("listitem").first
    expect(entry).to_contain_text("the room is packed")
    expect(entry.get_by_role("link", name=session.title)).to_be_visible()
