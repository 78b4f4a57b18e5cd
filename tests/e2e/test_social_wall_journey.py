"""The social wall in a browser: a post approved by a moderator appears on an open wall, and
leaves it when taken off; axe finds no problems on the wall's pages."""

import httpx
import pytest
from django.test import Client
from playwright.sync_api import expect

from hubbub.core.permissions import Role
from hubbub.social.models import Source
from tests.factories import EventFactory, UserFactory, grant

from ..social.helpers import make_post
from .axe import problems_on_pages

pytestmark = pytest.mark.e2e


@pytest.fixture
def wall(transactional_db, start_server):
    event = EventFactory(status="live", title="All Change")
    moderator = UserFactory(username="mo")
    grant(moderator, event, Role.MODERATOR)
    make_post(event, status="approved", text_html="<p>Already on the wall</p>", image=True)
    waiting = make_post(
        event, text_html="<p>Packed room for the keynote</p>", author_name="Priya Shah"
    )
    return {"event": event, "moderator": moderator, "waiting": waiting, "server": start_server()}


def test_approved_post_appears_on_an_open_wall_then_leaves(wall, page, token_for):
    server, event, waiting = wall["server"], wall["event"], wall["waiting"]
    api = httpx.Client(
        base_url=f"{server.base_url}/api/v1/events/{event.slug}/social",
        headers={"Authorization": f"Bearer {token_for(wall['moderator'])}"},
    )
    page.goto(f"{server.base_url}/{event.slug}/wall/")
    expect(page.get_by_role("status")).to_contain_text("Live", timeout=5000)
    expect(page.get_by_text("Packed room for the keynote")).to_have_count(0)

    assert api.post(f"/posts/{waiting.pk}/approve").status_code == 200

    post = page.get_by_role("article", name="Priya Shah")
    expect(post).to_contain_text("Packed room for the keynote", timeout=3000)
    expect(page.get_by_role("status")).to_contain_text("New post from Priya Shah")

    assert api.post(f"/posts/{waiting.pk}/reject").status_code == 200
    expect(page.get_by_text("Packed room for the keynote")).to_have_count(0, timeout=3000)


def test_moderator_approves_in_the_queue_and_the_big_screen_shows_it(wall, browser, page):
    server, event = wall["server"], wall["event"]
    page.goto(f"{server.base_url}/{event.slug}/wall/screen")
    expect(page.get_by_role("img", name="QR code for")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Live", timeout=5000)

    context = browser.new_context(locale="en-GB")
    client = Client()
    client.force_login(wall["moderator"])
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": server.base_url}]
    )
    queue = context.new_page()
    queue.goto(f"{server.base_url}/{event.slug}/wall/queue")
    queue.get_by_role("button", name="Approve the post by @sam@social.example.org").click()
    expect(queue.get_by_text("Approved the post by @sam@social.example.org.")).to_be_visible()
    context.close()

    # The big screen shows the newest post next.
    expect(page.get_by_text("Packed room for the keynote")).to_be_visible(timeout=3000)


@pytest.mark.parametrize("viewport", [(1280, 800), (320, 640)], ids=["desktop", "narrow"])
def test_wall_pages_pass_axe_and_do_not_scroll_sideways(wall, browser, viewport):
    server, event = wall["server"], wall["event"]
    context = browser.new_context(
        locale="en-GB", viewport={"width": viewport[0], "height": viewport[1]}
    )
    editor = UserFactory(username="ed")
    grant(editor, event, Role.EDITOR)
    Source.objects.create(
        event=event, kind="feed", url="https://example.org/feed", state="stopped",
        last_error="Stopped after 5 failed polls in a row. Last error: The server answered 500.",
    )  # fmt: skip
    client = Client()
    client.force_login(editor)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": server.base_url}]
    )
    page = context.new_page()
    paths = [
        f"/{event.slug}/wall/",
        f"/{event.slug}/wall/screen",
        f"/{event.slug}/wall/queue",
        f"/{event.slug}/wall/sources",
        f"/{event.slug}/live/",
    ]
    report = problems_on_pages(page, server.base_url, paths)
    for path in paths:
        page.goto(server.base_url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport[0], (path, width)
    context.close()
    assert not report, report
