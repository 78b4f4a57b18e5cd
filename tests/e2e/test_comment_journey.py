"""A guest leaves a reply, a moderator approves it, and it appears; axe finds no problems."""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from hubbub.core.permissions import Role

from ..blog.helpers import make_comment, make_post
from ..factories import EventFactory, UserFactory, grant
from .axe import problems_on_pages

pytestmark = pytest.mark.e2e


@pytest.fixture
def setup(start_server):
    event = EventFactory(title="All Change")
    author = UserFactory(first_name="Ada", last_name="Lovelace")
    post = make_post(event, author=author, title="What we heard today", body="A *busy* day.")
    moderator = UserFactory(username="mod")
    grant(moderator, event, Role.MODERATOR)
    return {"server": start_server(), "event": event, "post": post, "moderator": moderator}


def sign_in(context, server, user):
    client = Client()
    client.force_login(user)
    context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": server.base_url,
            }
        ]
    )


def test_guest_reply_is_moderated_then_shown(setup, browser, page):
    server, post, event = setup["server"], setup["post"], setup["event"]
    page.goto(server.base_url + post.get_absolute_url())
    expect(page.get_by_role("heading", name="Leave a Reply")).to_be_visible()
    page.get_by_label("Name (required)").fill("Grace Hopper")
    page.get_by_label("Email (required, never shown)").fill("grace@example.org")
    page.get_by_label("Comment", exact=True).fill("Thank you <b>all</b> for coming!")
    page.wait_for_timeout(3200)  # the form refuses answers faster than a person can type
    page.get_by_role("button", name="Post Comment").click()
    expect(page.get_by_role("status")).to_contain_text("awaiting moderation")
    expect(page.get_by_text("Thank you <b>all</b> for coming!")).to_have_count(0)

    moderator_context = browser.new_context(locale="en-GB")
    sign_in(moderator_context, server, setup["moderator"])
    queue = moderator_context.new_page()
    queue.goto(f"{server.base_url}/{event.slug}/comments/moderate/")
    expect(queue.get_by_role("heading", name="Moderate comments")).to_be_visible()
    queue.get_by_role("button", name="Approve comment by Grace Hopper").click()
    expect(queue.get_by_role("status")).to_contain_text("1 comment(s) updated")
    moderator_context.close()

    page.goto(server.base_url + post.get_absolute_url())
    expect(page.get_by_role("heading", name="1 comment")).to_be_visible()
    expect(page.get_by_text("Thank you <b>all</b> for coming!")).to_be_visible()
    expect(
        page.get_by_role("link", name=re.compile(r"\d{1,2} \w+ \d{4}, \d\d:\d\d"))
    ).to_have_attribute("href", re.compile(r"#comment-\d+"))


def test_like_without_reload(setup, page):
    server, post = setup["server"], setup["post"]
    page.goto(server.base_url + post.get_absolute_url())
    article = page.get_by_role("article", name="What we heard today")
    article.get_by_role("button", name="Like").click()
    expect(article.get_by_text("1 person likes this")).to_be_visible()
    expect(article.get_by_role("button", name="Unlike")).to_be_visible()


@pytest.mark.parametrize("viewport", [(1280, 800), (390, 844)], ids=["desktop", "phone"])
def test_post_page_and_moderation_queue_have_no_axe_violations(setup, browser, viewport):
    server, post, event = setup["server"], setup["post"], setup["event"]
    top = make_comment(post, name="Ada", body="First")
    make_comment(post, name="Bea", body="A reply", parent=top, author_url="https://example.org")
    make_comment(post, name="Cy", body="Waiting", status="pending")
    width, height = viewport
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-GB")
    sign_in(context, server, setup["moderator"])
    paths = [post.get_absolute_url(), f"/{event.slug}/comments/moderate/",
             f"/{event.slug}/blog/", "/search/?q=busy"]  # fmt: skip
    report = problems_on_pages(context.new_page(), server.base_url, paths)
    context.close()
    assert not report, report


def test_like_count_and_approved_comment_reach_another_reader_live(setup, browser, page):
    server, post = setup["server"], setup["post"]
    page.goto(server.base_url + post.get_absolute_url())
    other = browser.new_context(locale="en-GB").new_page()
    other.goto(server.base_url + post.get_absolute_url())
    other.wait_for_timeout(500)  # let the stream connect
    page.get_by_role("article", name="What we heard today").get_by_role(
        "button", name="Like"
    ).click()
    expect(other.get_by_text("1 person likes this").first).to_be_visible()

    make_comment(post, name="Dee", body="Arrives live", status="pending")
    moderator_context = browser.new_context(locale="en-GB")
    sign_in(moderator_context, server, setup["moderator"])
    queue = moderator_context.new_page()
    queue.goto(f"{server.base_url}/{setup['event'].slug}/comments/moderate/")
    queue.get_by_role("button", name="Approve comment by Dee").click()
    expect(queue.get_by_role("status")).to_contain_text("1 comment(s) updated")
    moderator_context.close()
    expect(other.get_by_text("Arrives live")).to_be_visible()
    other.context.close()


def test_approved_comment_on_a_live_entry_appears_under_it_live(setup, browser, page):
    from hubbub.live.services import do_create_entry

    server, event = setup["server"], setup["event"]
    reporter = UserFactory()
    grant(reporter, event, Role.REPORTER)
    entry = do_create_entry(event=event, author=reporter, body="The minister arrives")
    make_comment(entry, name="Eve", body="Waving from the back", status="pending")
    page.goto(f"{server.base_url}/{event.slug}/live/")
    expect(page.locator("#live-status")).to_contain_text("Live")

    moderator_context = browser.new_context(locale="en-GB")
    sign_in(moderator_context, server, setup["moderator"])
    queue = moderator_context.new_page()
    queue.goto(f"{server.base_url}/{event.slug}/comments/moderate/")
    queue.get_by_role("button", name="Approve comment by Eve").click()
    expect(queue.get_by_role("status")).to_contain_text("1 comment(s) updated")
    moderator_context.close()

    card = page.locator(f"#entry-{entry.pk}")
    expect(card.get_by_role("list", name="New comments")).to_contain_text("Waving from the back")
