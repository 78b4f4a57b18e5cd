"""Browser journey through the unconference: a delegate pitches and marks topics on a phone, the
facilitator places them from the console, and the board updates live without a reload."""

import re

import pytest
from playwright.sync_api import expect

from tests.unconf.factories import make_unconference

from .axe import axe_problems

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def unconference(transactional_db):
    built = make_unconference(
        rooms=(("Council Chamber", 40), ("Committee Room", 12)),
        event_fields={"status": "live"},
        organiser_fields={"username": "olu"},
    )
    return built.u


def test_delegate_pitches_on_a_phone_and_sees_the_board_update_live(
    unconference, start_server, browser
):
    event = unconference.event
    server = start_server()
    base = f"{server.base_url}/{event.slug}/unconference/"
    phone = browser.new_context(**PHONE, locale="en-GB").new_page()

    phone.goto(base + "pitch")
    assert not axe_problems(phone), axe_problems(phone)
    phone.get_by_label("Topic", exact=True).fill("Digital inclusion")
    phone.get_by_label("One-line description").fill("Who gets left out when services go online?")
    phone.get_by_label("Your name").fill("Asha Patel")
    phone.get_by_role("button", name="Send my pitch").click()
    expect(phone.get_by_text("“Digital inclusion” is number 1 in the pitch queue")).to_be_visible()

    phone.get_by_role("link", name="Mark the topics you want to join").click()
    phone.get_by_label("Digital inclusion").check()
    phone.get_by_role("button", name="Save my marks").click()
    expect(phone.get_by_text("Saved: you marked 1 topic.")).to_be_visible()
    expect(phone.get_by_label("Digital inclusion")).to_be_checked()
    assert not axe_problems(phone), axe_problems(phone)

    phone.goto(base + "board")
    expect(phone.get_by_role("status")).to_contain_text("Live", timeout=5000)
    board = phone.get_by_role("table", name="Unconference topics by slot and room")
    expect(board.get_by_role("link", name="Digital inclusion")).to_have_count(0)
    expect(phone.get_by_role("heading", name="Not on the board")).to_be_visible()
    assert not axe_problems(phone), axe_problems(phone)
    phone.evaluate("window.stillTheSamePage = true")

    # The facilitator places the topics from the console on a laptop.
    laptop = browser.new_context(locale="en-GB").new_page()
    laptop.goto(base + "console/")
    laptop.get_by_label("Username or email").fill("olu")
    laptop.get_by_label("Password").fill("correct horse battery staple")
    laptop.get_by_role("button", name="Sign In").click()
    laptop.get_by_role("button", name="Place topics").click()
    expect(laptop.get_by_text("This is the best possible plan.")).to_be_visible()

    # The phone's board shows it without a reload: the big room, the first round.
    cell = board.get_by_role("cell", name=re.compile("Digital inclusion"))
    expect(cell).to_be_visible(timeout=3000)
    expect(board.get_by_role("row", name=re.compile("Round 1"))).to_contain_text(
        "Digital inclusion"
    )
    expect(phone.get_by_role("status")).to_contain_text("Board updated")
    assert phone.evaluate("window.stillTheSamePage") is True
    assert not axe_problems(phone), axe_problems(phone)

    # Following it leads to the topic's page, which links to its place in the programme.
    cell.get_by_role("link", name="Digital inclusion").click()
    expect(phone.get_by_role("heading", name="Digital inclusion", level=1)).to_be_visible()
    phone.get_by_role("link", name="In the programme").click()
    expect(phone.get_by_text("Council Chamber")).to_be_visible()


def test_pitching_screen_counts_down_and_follows_the_queue(unconference, start_server, browser):
    event = unconference.event
    server = start_server()
    base = f"{server.base_url}/{event.slug}/unconference/"
    screen = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    screen.goto(base + "projector")
    expect(screen.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    expect(screen.get_by_role("status")).to_contain_text("Live", timeout=5000)

    phone = browser.new_context(**PHONE).new_page()
    phone.goto(base + "pitch")
    phone.get_by_label("Topic", exact=True).fill("Parks and open spaces")
    phone.get_by_label("Your name").fill("Ben Ward")
    phone.get_by_role("button", name="Send my pitch").click()
    up_next = screen.get_by_role("region", name=re.compile("Up next"))
    expect(up_next).to_contain_text("Parks and open spaces", timeout=3000)

    laptop = browser.new_context().new_page()
    laptop.goto(base + "console/")
    laptop.get_by_label("Username or email").fill("olu")
    laptop.get_by_label("Password").fill("correct horse battery staple")
    laptop.get_by_role("button", name="Sign In").click()
    laptop.get_by_role("button", name="Call up the first pitch").click()

    expect(screen.get_by_role("heading", name="Now pitching")).to_be_visible(timeout=3000)
    expect(screen.get_by_text(re.compile(r"^[01]:\d\d left$"))).to_be_visible()
    assert not axe_problems(screen), axe_problems(screen)
