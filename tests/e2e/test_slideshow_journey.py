"""A reporter uploads slides from the browser; a reader goes through them by keyboard."""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from hubbub.core.permissions import Role
from hubbub.media.models import Slideshow

from ..factories import EventFactory, UserFactory, grant
from ..media.pdfs import make_pdf
from ..media.test_views import gps_photo

pytestmark = pytest.mark.e2e

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
TEXTS = ["Welcome to the talk", "Budgets for 2031", "Thank you for listening"]


def sign_in(context, server, user):
    client = Client()
    client.force_login(user)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": server.base_url}]
    )


def axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return [
        f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes'][:3]]}"
        for v in results.response["violations"]
    ]


@pytest.fixture
def setting(start_server, tmp_path):
    event = EventFactory(slug="media-day", title="Media Day")
    reporter = UserFactory()
    grant(reporter, event, Role.REPORTER)
    pdf = tmp_path / "talk.pdf"
    pdf.write_bytes(make_pdf(TEXTS))
    return start_server(), event, reporter, pdf


def test_reporter_uploads_and_a_reader_pages_through_by_keyboard(setting, browser):
    server, event, reporter, pdf = setting
    team = browser.new_context(locale="en-GB")
    sign_in(team, server, reporter)
    page = team.new_page()
    page.goto(f"{server.base_url}/{event.slug}/slides/")
    page.get_by_role("link", name="Upload slides").click()
    page.get_by_label("Title").fill("Budgets in a cold climate")
    page.get_by_label("File with the slides").set_input_files(str(pdf))
    page.get_by_label("Readers may download the original file").check()
    page.get_by_role("button", name="Upload slides").click()
    # Tests run jobs at once; in production the status says "Waiting" first.
    expect(page.get_by_role("status").filter(has_text="Status:")).to_contain_text("Ready")
    assert Slideshow.objects.get().status == Slideshow.Status.READY
    team.close()

    reader = browser.new_context(locale="en-GB")
    page = reader.new_page()
    page.goto(f"{server.base_url}/{event.slug}/")
    page.get_by_role("link", name="Slides", exact=True).click()
    page.get_by_role("link", name="Budgets in a cold climate").click()
    expect(page.get_by_role("heading", name="Budgets in a cold climate", level=1)).to_be_visible()
    position = page.locator("[data-position]")
    expect(position).to_have_text("Slide 1 of 3")
    expect(page.get_by_role("img", name=TEXTS[0])).to_be_visible()
    expect(page.get_by_role("img", name=TEXTS[1])).to_be_hidden()

    page.keyboard.press("ArrowRight")
    expect(position).to_have_text("Slide 2 of 3")
    expect(page.get_by_role("img", name=TEXTS[1])).to_be_visible()
    expect(page).to_have_url(re.compile(r"#slide-2$"))
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("img", name=TEXTS[2])).to_be_visible()
    expect(page.get_by_role("button", name="Next slide")).to_be_disabled()
    page.keyboard.press("ArrowLeft")
    expect(position).to_have_text("Slide 2 of 3")
    page.get_by_role("button", name="Previous slide").click()
    expect(position).to_have_text("Slide 1 of 3")
    expect(page.get_by_role("button", name="Full screen")).to_be_visible()

    # The text of the deck, for people who cannot see the slides.
    page.get_by_text("Show the text of every slide").click()
    expect(page.get_by_text("Budgets for 2031", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Download the original (PDF)")).to_be_visible()

    # A link to one slide opens on that slide.
    page.goto(f"{page.url.split('#')[0]}#slide-3")
    page.reload()
    expect(position).to_have_text("Slide 3 of 3")
    assert axe_violations(page) == []
    reader.close()


def test_without_javascript_every_slide_is_listed(setting, browser):
    server, event, reporter, pdf = setting
    from django.core.files.uploadedfile import SimpleUploadedFile

    from hubbub.media.services import slideshows

    deck = slideshows.do_create_slideshow(
        event=event,
        actor=reporter,
        title="Plain deck",
        upload=SimpleUploadedFile("a.pdf", pdf.read_bytes()),
    )
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server.base_url + deck.get_absolute_url())
    for text in TEXTS:
        expect(page.get_by_role("img", name=text)).to_be_visible()
    expect(page.get_by_role("button", name="Next slide")).to_be_hidden()
    context.close()


@pytest.mark.parametrize("viewport", [(1280, 800), (390, 844)], ids=["desktop", "phone"])
def test_media_pages_have_no_axe_violations(setting, browser, viewport):
    server, event, reporter, pdf = setting
    from django.core.files.uploadedfile import SimpleUploadedFile

    from hubbub.media.services import galleries, slideshows

    deck = slideshows.do_create_slideshow(
        event=event,
        actor=reporter,
        title="Deck",
        upload=SimpleUploadedFile("a.pdf", pdf.read_bytes()),
    )
    gallery = galleries.do_create_gallery(event=event, actor=reporter, title="Photos")
    galleries.do_add_photos(gallery, actor=reporter, files=[gps_photo()], caption="Opening")
    width, height = viewport
    context = browser.new_context(viewport={"width": width, "height": height})
    sign_in(context, server, reporter)
    page = context.new_page()
    problems = {}
    for path in (
        deck.get_absolute_url(),
        f"/{event.slug}/slides/",
        gallery.get_absolute_url(),
        f"/{event.slug}/slides/upload/",
        f"/{event.slug}/slides/{deck.pk}/manage/",
        f"/{event.slug}/photos/new/",
    ):
        page.goto(server.base_url + path)
        violations = axe_violations(page)
        if violations:
            problems[path] = violations
    context.close()
    assert not problems, problems
