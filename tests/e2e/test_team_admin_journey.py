"""Browser journey: an organiser changes a reporter's role and removes someone on the team
page, reads the audit log in words and filters it, and imports a programme file; each page
passes axe and has no sideways scroll at 320 px wide."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from hubbub.core.permissions import Role
from tests.events.import_helpers import FILES, import_event
from tests.factories import UserFactory, grant

from .axe import axe_problems
from .test_team_journey import sign_in

pytestmark = pytest.mark.e2e

# Screenshots go here when HUBBUB_SCREENSHOTS names a folder (to look at the pages).
SHOTS = os.environ.get("HUBBUB_SCREENSHOTS", "")


@pytest.fixture
def team_event(transactional_db):
    event = import_event()
    event.status = "live"
    event.save()
    organiser = UserFactory(username="olive", first_name="Olive", last_name="Organiser")
    grant(organiser, event, Role.ORGANISER)
    sam = UserFactory(username="sam", first_name="Sam", last_name="Ortiz")
    grant(sam, event, Role.REPORTER)
    grant(sam, event, Role.MODERATOR)
    kim = UserFactory(username="kim", first_name="Kim", last_name="Lee")
    grant(kim, event, Role.EDITOR)
    return event, organiser


def check_page(page, name: str) -> None:
    """axe at desktop width, then no sideways scroll at 320 px; screenshots of both."""
    assert axe_problems(page) == "", name
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, (name, width, overflow)
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_organiser_manages_the_team_reads_the_audit_log_and_imports_a_programme(
    team_event, start_server, browser
):
    event, _organiser = team_event
    base = start_server().base_url
    page = browser.new_context(locale="en-GB").new_page()
    sign_in(page, base, f"/{event.slug}/team/", "olive")

    # One line per person, with both of Sam's roles.
    expect(page.get_by_text("Roles: reporter, comment moderator")).to_be_visible()
    check_page(page, "team")

    # Sam becomes a reporter whose updates an editor approves.
    page.get_by_role("link", name="Change roles of Sam Ortiz or remove them").click()
    page.get_by_label("Reporter: posts updates straight to the live blog").uncheck()
    page.get_by_label("Reporter whose updates an editor approves").check()
    check_page(page, "member")
    page.get_by_role("button", name="Save roles").click()
    expect(page.get_by_role("status")).to_contain_text("Saved the roles of Sam Ortiz.")
    expect(
        page.get_by_text("Roles: reporter (updates approved by an editor), comment moderator")
    ).to_be_visible()

    # Kim leaves the team.
    page.get_by_role("link", name="Change roles of Kim Lee or remove them").click()
    page.get_by_role("button", name="Remove Kim Lee from the team").click()
    expect(page.get_by_role("status")).to_contain_text("Kim Lee is no longer on this event")

    # The programme import, from the programme editor.
    page.goto(f"{base}/{event.slug}/manage/programme/")
    page.get_by_role("link", name=re.compile("Import a programme file")).click()
    check_page(page, "import")
    page.get_by_label("Programme file").set_input_files(str(FILES / "programme.csv"))
    page.get_by_role("button", name="Import the programme").click()
    expect(page.get_by_role("heading", name="The programme was imported")).to_be_visible()
    check_page(page, "import-report")

    # The audit log says it all in words, and filters by kind.
    page.goto(f"{base}/{event.slug}/team/audit/")
    expect(
        page.get_by_text(
            "Olive Organiser changed the roles of Sam Ortiz from reporter, comment moderator "
            "to reporter (updates approved by an editor), comment moderator"
        )
    ).to_be_visible()
    expect(page.get_by_text("Olive Organiser removed Kim Lee from the team")).to_be_visible()
    check_page(page, "audit")
    page.get_by_label("Kind of change").select_option(label="Programme")
    page.get_by_role("button", name="Show changes").click()
    expect(page.get_by_text(re.compile("Olive Organiser imported the programme"))).to_be_visible()
    expect(page.get_by_text("Olive Organiser removed Kim Lee from the team")).to_have_count(0)
