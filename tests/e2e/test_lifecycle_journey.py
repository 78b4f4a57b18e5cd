"""Browser journey: an organisation admin who is not staff moves an event live, a reporter
posts, the admin ends the event; the reader's open live page says so without a reload and the
reporter's console says posting has closed."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from hubbub.core.permissions import Role
from hubbub.events.models import Event
from hubbub.live.models import LiveEntry
from hubbub.team.organisations import do_grant_organisation_admin
from tests.factories import EventFactory, OrganisationFactory, UserFactory, grant

from .axe import axe_problems

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery staple"
SHOTS = Path("/tmp/lifecycle-shots")


@pytest.fixture
def people(transactional_db):
    council = OrganisationFactory(name="Westbrook Council", slug="westbrook")
    event = EventFactory(
        organisation=council, title="Digital Westbrook", slug="digital-westbrook",
        status=Event.Status.PUBLISHED,
    )  # fmt: skip
    admin = UserFactory(username="ada", is_staff=False)
    do_grant_organisation_admin(user=admin, organisation=council)
    reporter = UserFactory(username="rhys")
    grant(reporter, event, Role.REPORTER)
    return event, admin, reporter


def signed_in(browser, base_url: str, username: str, next_path: str):
    page = browser.new_context(locale="en-GB", timezone_id="Europe/London").new_page()
    page.goto(f"{base_url}/accounts/login/?next={next_path}")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    return page


def set_status(page, status: str) -> None:
    page.get_by_label("Status", exact=True).select_option(status)
    page.get_by_role("button", name="Change status").click()


def shoot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
            f"{name} scrolls sideways at {width}px"
        )
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_an_event_goes_live_and_ends_and_everyone_sees_it(people, start_server, browser):
    event, _admin, _reporter = people
    base = start_server().base_url
    admin = signed_in(browser, base, "ada", f"/{event.slug}/manage/settings")
    expect(admin.get_by_role("heading", name="Event settings")).to_be_visible()
    expect(admin.get_by_role("group", name="Comment policy")).to_be_visible()
    assert axe_problems(admin) == ""
    shoot(admin, "settings")
    set_status(admin, "live")
    expect(admin.get_by_role("status")).to_contain_text("Live")
    assert Event.objects.get(pk=event.pk).status == "live"

    reporter = signed_in(browser, base, "rhys", f"/{event.slug}/live/write")
    reporter.get_by_label("Your update").fill("The keynote has started")
    reporter.get_by_role("button", name="Post update").click()
    expect(reporter.get_by_text("The keynote has started").first).to_be_visible()
    assert LiveEntry.objects.filter(event=event, body="The keynote has started").exists()

    reader = browser.new_context(locale="en-GB").new_page()
    reader.goto(f"{base}/{event.slug}/live/")
    expect(reader.locator("#live-status")).to_contain_text("appear automatically", timeout=5000)
    expect(reader.get_by_text("This event has ended.")).to_be_hidden()

    admin.goto(f"{base}/{event.slug}/manage/settings")
    set_status(admin, "ended")
    assert Event.objects.get(pk=event.pk).status == "ended"

    # The open page hears event.ended: no reload.
    expect(reader.get_by_text("This event has ended.")).to_be_visible(timeout=5000)
    expect(reader.locator("#live-status")).to_contain_text("has ended")
    assert axe_problems(reader) == ""
    shoot(reader, "live-ended")

    reporter.goto(f"{base}/{event.slug}/live/write")
    expect(reporter.get_by_role("heading", name="Posting has closed")).to_be_visible()
    expect(reporter.get_by_label("Your update")).to_have_count(0)
    assert axe_problems(reporter) == ""
    shoot(reporter, "console-closed")

    # The archive: read-only, and every event page says so.
    admin.goto(f"{base}/{event.slug}/manage/settings")
    set_status(admin, "archived")
    reader.goto(f"{base}/{event.slug}/programme/")
    expect(reader.get_by_text("This is an archive of the event.")).to_be_visible()
    assert axe_problems(reader) == ""
    shoot(reader, "archive-programme")
