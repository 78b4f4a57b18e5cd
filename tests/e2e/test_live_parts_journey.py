"""Browser journeys: the parts of the live page around the entries follow the stream too — the
key moments box, the pinned entry and the comment counts under each entry."""

import re

import httpx
import pytest
from playwright.sync_api import expect

from hubbub.core.permissions import Role
from tests.factories import EventFactory, UserFactory, grant

pytestmark = pytest.mark.e2e


@pytest.fixture
def live_event(transactional_db):
    event = EventFactory(status="live")
    editor = UserFactory(username="edna")
    grant(editor, event, Role.EDITOR)
    return event, editor


def open_live_page(page, server, event):
    page.goto(f"{server.base_url}/{event.slug}/live/")
    expect(page.get_by_role("status").first).to_contain_text("Live", timeout=5000)


def api_for(server, event, token) -> httpx.Client:
    return httpx.Client(
        base_url=f"{server.base_url}/api/v1/events/{event.slug}",
        headers={"Authorization": f"Bearer {token}"},
    )


def test_key_moments_box_gains_new_key_moments_and_drops_unkeyed_and_deleted_ones(
    live_event, start_server, page, token_for
):
    event, editor = live_event
    server = start_server()
    api = api_for(server, event, token_for(editor))
    open_live_page(page, server, event)
    box = page.get_by_role("region", name="Key moments")
    expect(box).to_be_hidden()

    first = api.post(
        "/entries", json={"body": "The minister **announces** a review", "kind": "key_moment"}
    )
    assert first.status_code == 201, first.text
    expect(box).to_be_visible(timeout=3000)
    expect(box.get_by_role("listitem")).to_have_text(
        re.compile(r"\d\d:\d\d The minister announces a review")
    )
    second = api.post("/entries", json={"body": "A vote on the motion", "kind": "key_moment"})
    assert second.status_code == 201
    expect(box.get_by_role("listitem")).to_have_count(2, timeout=3000)
    expect(box.get_by_role("listitem").first).to_contain_text("A vote on the motion")

    # No longer a key moment: it leaves the box but stays on the live blog.
    assert api.patch(f"/entries/{first.json()['id']}", json={"kind": "update"}).is_success
    expect(box.get_by_text("The minister announces a review")).to_have_count(0, timeout=3000)
    updates = page.get_by_role("list", name="Live updates")
    expect(updates.get_by_text("The minister announces a review")).to_be_visible()

    # Deleted: gone from the box, and the empty box goes too.
    assert api.delete(f"/entries/{second.json()['id']}").status_code == 204
    expect(box).to_be_hidden(timeout=3000)

    # Marked as a key moment later: back in the box.
    assert api.patch(f"/entries/{first.json()['id']}", json={"kind": "key_moment"}).is_success
    expect(box.get_by_text("The minister announces a review")).to_be_visible(timeout=3000)


def test_pinned_entry_follows_pin_and_unpin(live_event, start_server, page, token_for):
    event, editor = live_event
    server = start_server()
    api = api_for(server, event, token_for(editor))
    created = api.post("/entries", json={"body": "Fire exits are at the back of the hall"})
    entry_id = created.json()["id"]
    open_live_page(page, server, event)
    pinned = page.get_by_role("list", name="Pinned update")
    expect(pinned).to_have_count(0)

    assert api.patch(f"/entries/{entry_id}", json={"pinned": True}).is_success
    expect(pinned.get_by_text("Fire exits are at the back of the hall")).to_be_visible(timeout=3000)

    assert api.patch(f"/entries/{entry_id}", json={"pinned": False}).is_success
    expect(pinned).to_have_count(0, timeout=3000)
    updates = page.get_by_role("list", name="Live updates")
    expect(updates.get_by_text("Fire exits are at the back of the hall")).to_be_visible()


def test_comment_count_under_an_entry_follows_approved_comments(
    live_event, start_server, page, token_for
):
    event, editor = live_event
    server = start_server()
    api = api_for(server, event, token_for(editor))
    entry_id = api.post("/entries", json={"body": "Questions from the floor"}).json()["id"]
    open_live_page(page, server, event)
    card = page.locator(f"#entry-{entry_id}")
    expect(card.get_by_role("link", name="0 comments on this update")).to_be_visible()

    for text in ("First question", "Second question"):
        sent = api.post(f"/comments/entry/{entry_id}", json={"body": text})
        assert sent.status_code == 201, sent.text
    expect(card.get_by_role("link", name="2 comments on this update")).to_be_visible(timeout=3000)
