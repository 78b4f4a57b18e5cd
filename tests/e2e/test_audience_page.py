"""The organiser finds the audience figures from the dashboard; the page passes axe and does not
scroll sideways on a phone."""

import datetime

import pytest
from playwright.sync_api import expect

from hubbub.core.permissions import Role
from hubbub.stats.models import DailyCount, DailyFigures

from ..factories import EventFactory, UserFactory, grant
from .axe import axe_problems
from .test_comment_journey import sign_in

pytestmark = pytest.mark.e2e


def test_audience_page_from_the_dashboard_passes_axe(start_server, browser):
    event = EventFactory(title="All Change")
    organiser = UserFactory()
    grant(organiser, event, Role.ORGANISER)
    DailyFigures.objects.create(
        event=event, day=datetime.date(2026, 11, 29), unique_readers=812, peak_concurrent=240,
        page_views=3100,
    )  # fmt: skip
    DailyCount.objects.create(
        event=event, day=datetime.date(2026, 11, 29), kind="referrer",
        key="a-very-long-host-name-of-a-regional-news-site.example.co.uk", count=97,
    )  # fmt: skip
    server = start_server()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    sign_in(context, server, organiser)
    page = context.new_page()
    page.goto(f"{server.base_url}/{event.slug}/manage/")
    page.get_by_role("link", name="Audience figures").click()
    expect(page.get_by_role("heading", name="Audience figures")).to_be_visible()
    expect(page.get_by_role("img", name="Unique readers by day")).to_be_visible()
    table = page.get_by_role("table", name="Where readers came from")
    expect(table.get_by_role("cell", name="97")).to_be_visible()
    assert axe_problems(page) == ""
    page.set_viewport_size({"width": 320, "height": 800})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320
    context.close()
