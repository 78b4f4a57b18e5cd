"""Like counts on the live page: corrected when a (cached) page loads, and live between readers."""

import httpx
import pytest
from playwright.sync_api import expect

from hubbub.comments import services
from hubbub.comments.targets import describe
from hubbub.core.permissions import Role
from hubbub.live.services import do_create_entry

from ..factories import EventFactory, UserFactory, grant

pytestmark = pytest.mark.e2e


def test_live_page_corrects_like_counts_on_load_and_follows_them_live(start_server, browser, page):
    event = EventFactory(title="All Change")
    reporter = UserFactory()
    grant(reporter, event, Role.REPORTER)
    entry = do_create_entry(event=event, author=reporter, body="The keynote has begun")
    server = start_server()
    url = f"{server.base_url}/{event.slug}/live/"
    # A reader's visit leaves a copy of the page with no likes in the page cache.
    assert "0 people like this" in httpx.get(url).text
    # Likes do not move the event's stream position, so that copy is still served as it was.
    services.do_like(describe(entry), reader_key="reader-one")
    services.do_like(describe(entry), reader_key="reader-two")
    assert "0 people like this" in httpx.get(url).text

    page.goto(url)
    card = page.locator(f"#entry-{entry.pk}")
    expect(card.get_by_text("2 people like this")).to_be_visible()

    other = browser.new_context(locale="en-GB").new_page()
    other.goto(url)
    expect(other.locator(f"#entry-{entry.pk}").get_by_text("2 people like this")).to_be_visible()
    other.wait_for_timeout(500)  # let the stream connect
    card.get_by_role("button", name="Like").click()
    # The first press sets the reader's cookie and asks again; the second one counts.
    card.get_by_role("button", name="Like").click()
    expect(card.get_by_text("3 people like this")).to_be_visible()
    expect(other.locator(f"#entry-{entry.pk}").get_by_text("3 people like this")).to_be_visible()
    other.context.close()
