"""The site in Welsh, in a browser: lang="cy", no WCAG 2.2 AA problems, and the switcher."""

import io

import pytest
from django.core.management import call_command

from .axe import problems_on_pages

pytestmark = pytest.mark.e2e

WELSH_PAGES = [
    "/",
    "/all-change-2011/",
    "/all-change-2011/programme/",
    "/all-change-2011/live/",
    "/all-change-2011/blog/",
    "/all-change-2011/slides/",
    "/search/?q=change",
    "/accounts/login/",
    "/no-such-event/",
]


@pytest.fixture
def demo_server(start_server):
    call_command("compilemessages", locale=["cy"], ignore_patterns=[".venv", "var"], verbosity=0)
    call_command("demo", stdout=io.StringIO())
    return start_server()


@pytest.mark.parametrize("viewport", [(1280, 800), (320, 640)], ids=["desktop", "phone"])
def test_welsh_pages_have_lang_cy_and_no_axe_violations(demo_server, browser, viewport):
    width, height = viewport
    context = browser.new_context(
        locale="cy-GB", viewport={"width": width, "height": height}, timezone_id="Europe/London"
    )
    try:
        page = context.new_page()
        for path in WELSH_PAGES:
            page.goto(demo_server.base_url + path)
            assert page.locator("html").get_attribute("lang") == "cy", path
        report = problems_on_pages(page, demo_server.base_url, WELSH_PAGES)
    finally:
        context.close()
    assert not report, report


def test_switcher_changes_language_in_place_and_is_remembered(demo_server, browser):
    context = browser.new_context(locale="en-GB", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(demo_server.base_url + "/all-change-2011/programme/")
        assert page.locator("html").get_attribute("lang") == "en-GB"
        page.get_by_role("link", name="Cymraeg").click()
        assert page.url == demo_server.base_url + "/all-change-2011/programme/"
        assert page.locator("html").get_attribute("lang") == "cy"
        assert page.get_by_role("heading", level=1).inner_text().startswith("Rhaglen")

        page.goto(demo_server.base_url + "/")
        assert page.locator("html").get_attribute("lang") == "cy"
        page.get_by_role("link", name="English").click()
        assert page.url == demo_server.base_url + "/"
        assert page.locator("html").get_attribute("lang") == "en-GB"
    finally:
        context.close()


def test_live_page_scripts_speak_the_page_language(start_server, browser):
    from playwright.sync_api import expect

    from tests.factories import EventFactory

    call_command("compilemessages", locale=["cy"], ignore_patterns=[".venv", "var"], verbosity=0)
    event = EventFactory(status="live", slug="yn-fyw")
    server = start_server()
    context = browser.new_context(locale="cy")
    try:
        page = context.new_page()
        page.goto(f"{server.base_url}/{event.slug}/live/")
        expect(page.locator("#live-status")).to_have_text(
            "Yn fyw: mae diweddariadau newydd yn ymddangos yn awtomatig."
        )
    finally:
        context.close()
