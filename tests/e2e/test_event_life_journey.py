"""Browser journey through an event's whole life: an organisation admin who is not staff creates
an event, imports its programme from a CSV file, fixes a clash in the programme grid, invites a
reporter by link, moves the event live (the reporter posts, a reader sees it) and then to ended
(the reader's open page and the reporter's console both say so), and starts the next event from
it with the programme."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from hubbub.core.permissions import Role
from hubbub.events.models import Event, Session
from hubbub.live.models import LiveEntry
from hubbub.team.models import EventRole
from hubbub.team.organisations import do_grant_organisation_admin
from tests.factories import OrganisationFactory, UserFactory

from .axe import axe_problems

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery staple"
SLUG = "westbrook-open-day"


@pytest.fixture
def people(transactional_db):
    council = OrganisationFactory(name="Westbrook Council", slug="westbrook")
    admin = UserFactory(username="ada", is_staff=False)
    do_grant_organisation_admin(user=admin, organisation=council)
    # The reporter has an account already; the invitation gives them the role.
    reporter = UserFactory(username="rhys")
    return admin, reporter


def new_page(browser):
    return browser.new_context(locale="en-GB", timezone_id="Europe/London").new_page()


def sign_in(page, base_url: str, next_path: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/?next={next_path}")
    fill_sign_in(page, username)


def fill_sign_in(page, username: str) -> None:
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def programme_csv(day: date, tmp_path):
    rows = [
        "id,title,date,start,end,room,track,speakers,description,kind",
        f"od-1,Opening plenary,{day},10:00,11:00,Council Chamber,,Amara Okafor,,keynote",
        f"od-2,Data clinic,{day},10:00,11:00,Committee Room,,,,workshop",
        f"od-3,Budget questions,{day},11:00,12:00,Council Chamber,,,,workshop",
    ]
    path = tmp_path / "programme.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def set_status(page, base_url: str, status: str) -> None:
    page.goto(f"{base_url}/{SLUG}/manage/status")
    expect(page.get_by_role("heading", name="Status", exact=True)).to_be_visible()
    assert axe_problems(page) == ""
    page.get_by_label("Status", exact=True).select_option(status)
    page.get_by_role("button", name="Change status").click()


def test_an_event_from_creation_to_its_successor(people, start_server, browser, tmp_path):
    base = start_server().base_url
    day = date.today() + timedelta(days=7)

    # 1. The admin creates the event; it starts as a draft.
    admin = new_page(browser)
    sign_in(admin, base, "/manage/new", "ada")
    expect(admin.get_by_role("heading", name="Create an event")).to_be_visible()
    admin.get_by_label("Title").fill("Westbrook Open Day")
    admin.get_by_label("Web address").fill(SLUG)
    admin.get_by_label("First day").fill(day.isoformat())
    admin.get_by_label("Last day").fill(day.isoformat())
    admin.get_by_label("Venue", exact=True).fill("Town Hall")
    admin.get_by_role("button", name="Create the event").click()
    expect(admin.get_by_role("heading", name="Manage Westbrook Open Day")).to_be_visible()
    expect(admin.get_by_role("status")).to_contain_text("draft")
    assert Event.objects.get(slug=SLUG).status == "draft"

    # 2. The programme comes from a CSV file, through the link in the programme editor.
    admin.get_by_role("link", name="Programme editor").first.click()
    admin.get_by_role("link", name=re.compile("Import a programme file")).click()
    admin.get_by_label("Programme file").set_input_files(str(programme_csv(day, tmp_path)))
    admin.get_by_role("button", name="Import the programme").click()
    report = admin.get_by_role("region", name="The programme was imported")
    expect(report).to_contain_text("3 sessions created or changed")
    expect(report).to_contain_text("2 rooms created or changed")
    expect(report).to_contain_text("Every row of the file was imported.")
    report.get_by_role("link", name="See the programme in the editor").click()
    for title in ("Opening plenary", "Data clinic", "Budget questions"):
        expect(admin.get_by_role("cell", name=re.compile(title))).to_be_visible()

    # 3. A session put in a taken room and time is refused, naming both; another room fits.
    admin.get_by_role("link", name="Add session in Committee Room at 11:00").click()
    admin.get_by_label("Title").fill("Open data surgery")
    admin.get_by_label("Room", exact=True).select_option(label="Council Chamber")
    admin.get_by_role("button", name="Add the session").click()
    expect(admin.get_by_role("alert")).to_contain_text(
        "“Open data surgery” (11:00–12:00) clashes with “Budget questions” (11:00–12:00)"
    )
    admin.get_by_label("Room", exact=True).select_option(label="Committee Room")
    admin.get_by_role("button", name="Add the session").click()
    expect(admin.get_by_role("cell", name=re.compile("Open data surgery"))).to_be_visible()
    expect(admin.get_by_role("cell", name=re.compile("Budget questions"))).to_be_visible()

    # 4. An invitation link makes Rhys a reporter, in his own browser.
    admin.goto(f"{base}/{SLUG}/team/invitations/")
    expect(admin.get_by_role("heading", name="Invite people to the team")).to_be_visible()
    assert axe_problems(admin) == ""
    admin.get_by_label("Role the link grants").select_option(label="Reporter")
    admin.get_by_label("Who it is for (optional)").fill("Rhys, council press office")
    admin.get_by_role("button", name="Create invitation link").click()
    link = admin.get_by_label("Invitation link").input_value()
    assert link.startswith(f"{base}/{SLUG}/team/invitations/")
    expect(admin.get_by_role("row", name=re.compile("Rhys, council press office"))).to_contain_text(
        "Unused"
    )
    assert axe_problems(admin) == ""

    reporter = new_page(browser)
    reporter.goto(link)
    expect(reporter.get_by_role("heading", name="Invitation to the reporting team")).to_be_visible()
    grants = re.compile("This link makes you reporter on Westbrook Open Day")
    expect(reporter.get_by_text(grants)).to_be_visible()
    assert axe_problems(reporter) == ""
    reporter.get_by_role("link", name="Sign in to accept").click()
    fill_sign_in(reporter, "rhys")
    accept = reporter.get_by_role("button", name="Accept as rhys")
    expect(accept).to_be_visible()
    assert axe_problems(reporter) == ""
    accept.click()
    expect(reporter.get_by_text(re.compile("Welcome to the team: you are now"))).to_be_visible()
    assert EventRole.objects.filter(
        event__slug=SLUG, user__username="rhys", role=Role.REPORTER
    ).exists()

    # 5. Live: the reporter posts from the console and a reader's live page shows it.
    set_status(admin, base, "live")
    expect(admin.get_by_role("status")).to_contain_text("Live")
    assert Event.objects.get(slug=SLUG).status == "live"
    reporter.goto(f"{base}/{SLUG}/live/write")
    reporter.get_by_label("Your update").fill("Doors are open at the Town Hall")
    reporter.get_by_role("button", name="Post update").click()
    expect(reporter.get_by_text("Doors are open at the Town Hall").first).to_be_visible()
    assert LiveEntry.objects.filter(event__slug=SLUG, body="Doors are open at the Town Hall")

    reader = new_page(browser)
    reader.goto(f"{base}/{SLUG}/live/")
    updates = reader.get_by_role("list", name="Live updates")
    expect(updates).to_contain_text("Doors are open at the Town Hall")
    expect(reader.locator("#live-status")).to_contain_text("appear automatically", timeout=5000)

    # 6. Ended: the open live page says so without a reload; the console has closed.
    set_status(admin, base, "ended")
    expect(admin.get_by_role("status")).to_contain_text("Ended")
    assert Event.objects.get(slug=SLUG).status == "ended"
    expect(reader.get_by_text("This event has ended.")).to_be_visible(timeout=5000)
    reporter.goto(f"{base}/{SLUG}/live/write")
    expect(reporter.get_by_role("heading", name="Posting has closed")).to_be_visible()
    expect(reporter.get_by_label("Your update")).to_have_count(0)

    # 7. The next event starts from this one, with the imported programme.
    admin.goto(f"{base}/{SLUG}/manage/next")
    admin.get_by_label("Title of the new event").fill("Westbrook Open Day 2")
    admin.get_by_label("Web address of the new event").fill(f"{SLUG}-2")
    admin.get_by_role("button", name="Create the new event").click()
    expect(admin.get_by_role("heading", name="Manage Westbrook Open Day 2")).to_be_visible()
    admin.get_by_role("link", name="Programme editor").first.click()
    for title in ("Opening plenary", "Data clinic", "Budget questions", "Open data surgery"):
        expect(admin.get_by_role("cell", name=re.compile(title))).to_be_visible()
    copy = Event.objects.get(slug=f"{SLUG}-2")
    assert copy.status == "draft"
    assert Session.objects.filter(event=copy).count() == 4
