"""A visitor finds an event, its programme and a session, the way assistive technology would."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo_server(start_server):
    call_command("demo", stdout=io.StringIO())
    return start_server()


def test_visitor_goes_from_the_index_to_a_session_and_its_speaker(demo_server, page):
    page.goto(demo_server.base_url + "/")
    expect(page.get_by_role("heading", name="Events", level=1)).to_be_visible()

    page.get_by_role("link", name="All Change 2011").click()
    expect(page.get_by_role("heading", name="All Change 2011", level=1)).to_be_visible()
    expect(page.get_by_text("9 December 2011").first).to_be_visible()

    page.get_by_role("link", name="Programme", exact=True).click()
    expect(page.get_by_role("heading", name="Programme", level=1)).to_be_visible()
    grid = page.get_by_role("table", name="Sessions on Friday 9 December 2011 by time and room")
    expect(grid.get_by_role("columnheader", name="Main Hall")).to_be_visible()

    grid.get_by_role("link", name="Leading when everything changes").click()
    expect(
        page.get_by_role("heading", name="Leading when everything changes", level=1)
    ).to_be_visible()
    expect(page.get_by_text("Keynote", exact=True)).to_be_visible()
    expect(page.get_by_text("Friday 9 December 2011, 09:30")).to_be_visible()

    page.get_by_role("link", name="Dr Amara Okafor").click()
    expect(page.get_by_role("heading", name="Dr Amara Okafor", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="What we will do on Monday")).to_be_visible()


def test_visitor_on_a_phone_scrolls_the_grid_and_sees_the_list(demo_server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(demo_server.base_url + "/lg-innovation-2008/programme/")
    # The grid sits in a labelled region that keyboard users can scroll.
    region = page.get_by_role(
        "region", name="Sessions on Wednesday 19 November 2008 by time and room"
    )
    region.focus()
    expect(region).to_be_focused()
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")
    # And the same day follows as a list in time order.
    day = page.get_by_role("region", name="Wednesday 19 November 2008")
    expect(day.get_by_role("heading", name="In time order")).to_be_visible()
    context.close()


def test_visitor_gets_the_404_page_for_an_unknown_event(demo_server, page):
    response = page.goto(demo_server.base_url + "/no-such-event/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    page.get_by_role("link", name="See all events").click()
    expect(page.get_by_role("heading", name="Events", level=1)).to_be_visible()
