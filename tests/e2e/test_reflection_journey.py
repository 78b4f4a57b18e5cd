"""A delegate writes a reflection with two items and one pledged action; a moderator approves
it and it shows under the session; a week later the follow-up email arrives, its link marks
the action done, and the organiser's impact report counts it."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from hubbub.core.permissions import Role
from hubbub.events.models import Event
from hubbub.reflections.followups import due_at, send_due_followups

from ..comments.test_email import smtp, wait_for  # noqa: F401  (the aiosmtpd fixture)
from ..factories import EventFactory, SessionFactory, UserFactory, grant
from .axe import problems_on_pages
from .test_comment_journey import sign_in

pytestmark = pytest.mark.e2e


def test_reflection_journey(start_server, browser, page, smtp):  # noqa: F811
    # Ended two days ago: recently enough that the team's roles have not lapsed.
    day = date.today() - timedelta(days=2)
    event = EventFactory(title="All Change", starts_on=day, ends_on=day,
                         status=Event.Status.ENDED)  # fmt: skip
    session = SessionFactory(event=event, title="Digital by default")
    delegate = UserFactory(username="wren", first_name="Wren", last_name="Hale",
                           email="wren@example.org")  # fmt: skip
    moderator = UserFactory(username="mod")
    grant(moderator, event, Role.MODERATOR)
    organiser = UserFactory(username="org")
    grant(organiser, event, Role.ORGANISER)
    server = start_server()

    sign_in(page.context, server, delegate)
    page.goto(server.base_url + session.get_absolute_url())
    page.get_by_role("link", name="Write a reflection on this session").click()
    expect(page.get_by_role("heading", name="Write a reflection", exact=True)).to_be_visible()
    expect(page.locator("#id_items-0-session_id")).to_have_value(str(session.pk))
    page.locator("#id_items-0-text").fill("A lunchtime slot for trying **social media**.")
    page.locator("#id_items-0-action_answer_0").check()  # yes
    page.locator("#id_items-0-action").fill("Ask how their lunchtime slot runs")
    page.get_by_role("button", name="Add another item").click()
    expect(page.locator("#id_items-0-text")).to_have_value(
        "A lunchtime slot for trying **social media**."
    )
    page.locator("#id_items-1-text").fill("Everyone has to talk to the people next door.")
    page.locator("#id_items-1-action_answer_2").check()  # no
    page.get_by_role("button", name="Send my reflection").click()
    expect(page.get_by_role("status")).to_contain_text("once a moderator has read it")

    moderation = browser.new_context(locale="en-GB")
    sign_in(moderation, server, moderator)
    queue = moderation.new_page()
    queue.goto(f"{server.base_url}/{event.slug}/reflections/moderate/")
    expect(queue.get_by_text("Ask how their lunchtime slot runs")).to_be_visible()
    queue.get_by_role("button", name="Publish Reflection by Wren Hale").click()
    expect(queue.get_by_role("status")).to_contain_text("Published")
    moderation.close()

    page.goto(server.base_url + session.get_absolute_url())
    page.get_by_role("link", name="1 reflection mentions this session").click()
    expect(page.get_by_text("Ask how their lunchtime slot runs")).to_be_visible()
    expect(page.locator("strong", has_text="social media")).to_be_visible()

    # A week after the event, the worker (here: its one function) sends the follow-up.
    sent = send_due_followups(due_at(event, 7) + timedelta(hours=1), server.base_url)
    assert sent == 1
    ((to, message),) = wait_for(smtp, 1)
    assert to == ["wren@example.org"]
    text = message.get_body(("plain",)).get_content()
    done = re.search(r"Done: (\S+)", text).group(1)
    page.context.clear_cookies()  # the link needs no sign-in
    page.goto(done)
    page.get_by_label("A short note (optional)").fill("Worth a ten-minute chat")
    page.get_by_role("button", name="Record “Done”").click()
    expect(page.get_by_role("status")).to_contain_text("recorded as “Done”")

    report = browser.new_context(locale="en-GB")
    sign_in(report, server, organiser)
    impact = report.new_page()
    impact.goto(f"{server.base_url}/{event.slug}/reflections/impact/")
    expect(impact.get_by_role("row", name=re.compile(r"^Done"))).to_contain_text("1")
    expect(impact.get_by_role("row", name=re.compile(r"Digital by default"))).to_be_visible()
    # Axe finds nothing wrong on the reflection pages, at desktop width and at 320 px.
    paths = [f"/{event.slug}/reflections/", f"/{event.slug}/reflections/new",
             f"/{event.slug}/reflections/impact/", session.get_absolute_url(),
             f"/{event.slug}/"]  # fmt: skip
    found = problems_on_pages(report.new_page(), server.base_url, paths)
    assert not found, found
    narrow = report.new_page()
    narrow.set_viewport_size({"width": 320, "height": 640})
    for path in paths:
        narrow.goto(server.base_url + path)
        width = narrow.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, (path, width)
    report.close()
