"""Browser journeys through the live blog: readers see updates arrive, change and vanish."""

import re

import httpx
import pytest
from playwright.sync_api import expect

from hubbub.core.permissions import Role
from tests.factories import EventFactory, SessionFactory, UserFactory, grant

pytestmark = pytest.mark.e2e


@pytest.fixture
def live_event(transactional_db):
    event = EventFactory(status="live")
    reporter = UserFactory(username="rita")
    grant(reporter, event, Role.REPORTER)
    return event, reporter


def test_reader_page_shows_posted_entry_then_edit_then_delete(
    live_event, start_server, page, token_for
):
    event, reporter = live_event
    server = start_server()
    api = httpx.Client(
        base_url=f"{server.base_url}/api/v1/events/{event.slug}",
        headers={"Authorization": f"Bearer {token_for(reporter)}"},
    )
    page.goto(f"{server.base_url}/{event.slug}/live/")
    expect(page.get_by_role("status").first).to_contain_text("Live", timeout=5000)

    created = api.post("/entries", json={"body": "The keynote has **started**"})
    assert created.status_code == 201
    entry_id = created.json()["id"]
    updates = page.get_by_role("list", name="Live updates")
    expect(updates.get_by_text("The keynote has started")).to_be_visible(timeout=2000)

    assert api.patch(
        f"/entries/{entry_id}", json={"body": "The keynote is running late"}
    ).is_success
    expect(updates.get_by_text("The keynote is running late")).to_be_visible(timeout=2000)
    expect(updates.get_by_text("The keynote has started")).to_have_count(0)

    assert api.delete(f"/entries/{entry_id}").status_code == 204
    expect(updates.get_by_text("The keynote is running late")).to_have_count(0, timeout=2000)


def test_reader_scrolled_down_gets_notice_instead_of_moving_page(
    live_event, start_server, page, token_for
):
    event, reporter = live_event
    server = start_server()
    token = token_for(reporter)
    for n in range(30):
        httpx.post(
            f"{server.base_url}/api/v1/events/{event.slug}/entries",
            json={"body": f"Earlier update number {n}\n\n" + "Some longer text. " * 20},
            headers={"Authorization": f"Bearer {token}"},
        )
    page.set_viewport_size({"width": 400, "height": 700})
    page.goto(f"{server.base_url}/{event.slug}/live/")
    expect(page.get_by_role("status").first).to_contain_text("Live", timeout=5000)
    page.mouse.wheel(0, 4000)
    page.wait_for_function("window.scrollY > 1000")
    reading = page.get_by_text("Earlier update number 15")
    position_before = reading.bounding_box()["y"]

    httpx.post(
        f"{server.base_url}/api/v1/events/{event.slug}/entries",
        json={"body": "Breaking: the minister has arrived"},
        headers={"Authorization": f"Bearer {token}"},
    )
    notice = page.get_by_role("button", name=re.compile(r"1 new update"))
    expect(notice).to_be_visible(timeout=2000)
    # What the reader was reading stays where it was on the screen.
    assert reading.bounding_box()["y"] == position_before
    notice.click()
    newest = page.get_by_role("listitem").filter(has_text="Breaking: the minister has arrived")
    expect(newest).to_be_focused()
    expect(newest).to_be_in_viewport()


def test_reporter_posts_from_phone_console_and_reader_sees_it(live_event, start_server, browser):
    event, _reporter = live_event
    session = SessionFactory(event=event, title="Digital by default")
    server = start_server()

    reader = browser.new_context().new_page()
    reader.goto(f"{server.base_url}/{event.slug}/live/")
    expect(reader.get_by_role("status").first).to_contain_text("Live", timeout=5000)

    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    ).new_page()
    phone.goto(f"{server.base_url}/{event.slug}/live/write")
    # Not signed in yet: the console sends the reporter to sign in first.
    phone.get_by_label("Username or email").fill("rita")
    phone.get_by_label("Password").fill("correct horse battery staple")
    phone.get_by_role("button", name="Sign In").click()

    phone.get_by_label("Your update").fill("Great question from the floor on shared services")
    phone.get_by_label("Session").select_option(str(session.pk))
    phone.get_by_role("button", name="Post update").click()
    expect(phone.get_by_role("status").filter(has_text="Posted")).to_be_visible(timeout=5000)
    expect(phone.get_by_label("Your update")).to_have_value("")

    entry = reader.get_by_role("list", name="Live updates").get_by_role("listitem").first
    expect(entry).to_contain_text("Great question from the floor", timeout=2000)
    expect(entry.get_by_role("link", name=session.title)).to_be_visible()
