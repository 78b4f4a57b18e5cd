"""The anonymous live page is answered from a copy until the event's stream moves on."""

import time

import httpx
import pytest

from hubbub.core.permissions import Role
from tests.factories import EventFactory, UserFactory, grant

pytestmark = pytest.mark.server


@pytest.fixture
def live_event(transactional_db):
    event = EventFactory(status="live")
    reporter = UserFactory()
    grant(reporter, event, Role.REPORTER)
    return event, reporter


def wait_for_text(url: str, text: str, timeout: float = 3.0) -> httpx.Response:
    deadline = time.monotonic() + timeout
    while True:
        response = httpx.get(url)
        if text in response.text or time.monotonic() > deadline:
            return response
        time.sleep(0.05)


def test_live_page_copy_is_replaced_when_an_entry_is_posted_edited_and_deleted(
    live_event, start_server, token_for
):
    event, reporter = live_event
    server = start_server()
    page = f"{server.base_url}/{event.slug}/live/"
    api = httpx.Client(
        base_url=f"{server.base_url}/api/v1/events/{event.slug}",
        headers={"Authorization": f"Bearer {token_for(reporter)}"},
    )
    first, second = httpx.get(page), httpx.get(page)
    assert first.status_code == second.status_code == 200
    assert first.text == second.text
    # The internal marks never reach readers.
    assert "x-hubbub-stream-seq" not in second.headers
    assert second.headers["content-security-policy"]

    entry_id = api.post("/entries", json={"body": "Coffee is served"}).json()["id"]
    assert "Coffee is served" in wait_for_text(page, "Coffee is served").text

    api.patch(f"/entries/{entry_id}", json={"body": "Lunch is served"})
    assert "Lunch is served" in wait_for_text(page, "Lunch is served").text

    api.delete(f"/entries/{entry_id}")
    deadline = time.monotonic() + 3
    while "Lunch is served" in httpx.get(page).text and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "Lunch is served" not in httpx.get(page).text


def test_live_page_with_cookies_is_rendered_by_django_for_that_reader(
    live_event, start_server, token_for
):
    event, reporter = live_event
    server = start_server()
    page = f"{server.base_url}/{event.slug}/live/"
    httpx.get(page)  # a shared copy now exists
    signed_in = httpx.Client()
    login = signed_in.get(f"{server.base_url}/accounts/login/")
    signed_in.post(
        f"{server.base_url}/accounts/login/",
        data={
            "login": reporter.username,
            "password": "correct horse battery staple",
            "csrfmiddlewaretoken": login.cookies["csrftoken"],
        },
        headers={"Referer": f"{server.base_url}/accounts/login/"},
    )
    own = signed_in.get(page)
    assert own.status_code == 200
    assert f"Signed in as {reporter.username}" in own.text
    assert "Signed in as" not in httpx.get(page).text


def test_anonymous_reader_with_other_cookies_sees_each_new_entry(
    live_event, start_server, token_for
):
    event, reporter = live_event
    server = start_server()
    page = f"{server.base_url}/{event.slug}/live/"
    reader = httpx.Client(cookies={"hubbub_device": "abc"})
    before = reader.get(page)
    assert before.status_code == 200
    assert "x-hubbub-event-id" not in before.headers

    httpx.post(
        f"{server.base_url}/api/v1/events/{event.slug}/entries",
        json={"body": "Tea in the atrium"},
        headers={"Authorization": f"Bearer {token_for(reporter)}"},
    ).raise_for_status()

    assert "Tea in the atrium" in reader.get(page).text


def test_live_page_copy_is_kept_per_language(live_event, start_server):
    event, _reporter = live_event
    server = start_server()
    page = f"{server.base_url}/{event.slug}/live/"
    english = [httpx.get(page, headers={"Accept-Language": "en-GB,en;q=0.9"}) for _ in range(2)]
    welsh = [httpx.get(page, headers={"Accept-Language": "cy,en;q=0.5"}) for _ in range(2)]
    assert all('<html lang="en-GB">' in r.text for r in english)
    assert all('<html lang="cy">' in r.text and "Blog byw" in r.text for r in welsh)
    # A browser that names no language the site offers gets the English copy.
    assert '<html lang="en-GB">' in httpx.get(page, headers={"Accept-Language": "fr"}).text
