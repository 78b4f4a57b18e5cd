"""Browser journey: an organisation admin who is not staff creates an event, adds rooms and
sessions in the programme grid, fixes a clash, and starts the next event from it."""

import re

import pytest
from playwright.sync_api import expect

from hubbub.events.models import Event, Session
from hubbub.team.organisations import do_grant_organisation_admin
from tests.factories import OrganisationFactory, UserFactory

from .axe import axe_problems, problems_on_pages

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery staple"


@pytest.fixture
def organisation_admin(transactional_db):
    council = OrganisationFactory(name="Westbrook Council", slug="westbrook")
    admin = UserFactory(username="ada", is_staff=False)
    do_grant_organisation_admin(user=admin, organisation=council)
    return admin


def sign_in(page, base_url: str, next_path: str) -> None:
    page.goto(f"{base_url}/accounts/login/?next={next_path}")
    page.get_by_label("Username or email").fill("ada")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_organisation_admin_sets_up_an_event_and_starts_the_next(
    organisation_admin, start_server, browser
):
    server = start_server()
    base = server.base_url
    page = browser.new_context(locale="en-GB", timezone_id="Europe/London").new_page()
    sign_in(page, base, "/manage/")
    expect(page.get_by_role("heading", name="Manage events")).to_be_visible()
    page.get_by_role("link", name="Create an event").click()
    expect(page.get_by_role("heading", name="Create an event")).to_be_visible()
    assert axe_problems(page) == ""

    page.get_by_label("Title").fill("Digital Westbrook 2031")
    page.get_by_label("Web address").fill("digital-westbrook-2031")
    page.get_by_label("First day").fill("2031-05-01")
    page.get_by_label("Last day").fill("2031-05-01")
    page.get_by_label("Venue", exact=True).fill("Town Hall")
    page.get_by_label("Brand colour").fill("#777777")
    page.get_by_role("button", name="Create the event").click()
    # The error summary takes focus and names the field.
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(summary).to_contain_text("Brand colour")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert axe_problems(page) == ""
    summary.get_by_role("link", name=re.compile("Brand colour")).click()
    expect(page.get_by_label("Brand colour")).to_be_focused()
    page.get_by_label("Brand colour").fill("#1d70b8")
    page.get_by_role("button", name="Create the event").click()

    expect(page.get_by_role("heading", name="Manage Digital Westbrook 2031")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("draft")
    assert axe_problems(page) == ""
    assert Event.objects.get(slug="digital-westbrook-2031").status == "draft"

    # Rooms.
    page.get_by_role("link", name="Rooms", exact=True).first.click()
    for name in ("Council Chamber", "Committee Room"):
        page.get_by_label("Room name").fill(name)
        page.get_by_role("button", name="Add room").click()
        expect(page.get_by_role("heading", name=name)).to_be_visible()
    assert axe_problems(page) == ""

    # Sessions, from the grid's empty places.
    page.get_by_role("link", name="Programme editor").first.click()
    assert axe_problems(page) == ""
    page.get_by_role("link", name="Add session in Council Chamber at 10:00").click()
    expect(page.get_by_label("Room", exact=True)).to_have_value(re.compile(r"\d+"))
    page.get_by_label("Title").fill("Opening plenary")
    page.get_by_role("button", name="Add the session").click()
    expect(page.get_by_role("cell", name=re.compile("Opening plenary"))).to_be_visible()

    page.get_by_role("link", name="Add session in Committee Room at 10:00").click()
    page.get_by_label("Title").fill("Data clinic")
    page.get_by_label("Room", exact=True).select_option(label="Council Chamber")
    page.get_by_role("button", name="Add the session").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "“Data clinic” (10:00–11:00) clashes with “Opening plenary” (10:00–11:00)"
    )
    assert axe_problems(page) == ""
    page.get_by_label("Room", exact=True).select_option(label="Committee Room")
    page.get_by_role("button", name="Add the session").click()
    expect(page.get_by_role("cell", name=re.compile("Data clinic"))).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile("Opening plenary"))).to_be_visible()

    # On a phone the page itself never scrolls sideways (the grid scrolls in its own box).
    page.set_viewport_size({"width": 320, "height": 800})
    assert no_sideways_scroll(page)
    page.set_viewport_size({"width": 1280, "height": 900})

    # Start the next event from this one, with the programme.
    page.get_by_role("link", name="Dashboard").click()
    page.get_by_role("link", name="Start the next event from this one").click()
    assert axe_problems(page) == ""
    page.get_by_label("Title of the new event").fill("Digital Westbrook 2032")
    page.get_by_label("Web address of the new event").fill("digital-westbrook-2032")
    page.get_by_label("First day of the new event").fill("2032-04-29")
    page.get_by_role("button", name="Create the new event").click()
    expect(page.get_by_role("heading", name="Manage Digital Westbrook 2032")).to_be_visible()
    page.get_by_role("link", name="Programme editor").first.click()
    expect(page.get_by_role("cell", name=re.compile("Opening plenary"))).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile("Data clinic"))).to_be_visible()
    copy = Event.objects.get(slug="digital-westbrook-2032")
    assert copy.status == "draft" and copy.sessions.count() == 2

    # The organiser's other pages pass axe too.
    first = Session.objects.get(event__slug="digital-westbrook-2031", title="Opening plenary")
    event_pages = [
        "settings",
        "tracks/",
        "speakers/",
        f"programme/{first.pk}/",
        f"programme/{first.pk}/swap",
        f"programme/{first.pk}/delete",
    ]
    paths = ["/manage/"] + [f"/digital-westbrook-2031/manage/{p}" for p in event_pages]
    assert problems_on_pages(page, base, paths) == ""
