"""Every page on a phone and a desktop: nothing scrolls sideways, axe finds nothing, the event's
sections fold behind a Menu button, and a failed submit puts focus on the error summary.

Screenshots of the main pages at 320 and 1280 px are kept in var/screenshots/ for a person to
look at; they are not compared.
"""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from hubbub.core.permissions import Role
from hubbub.events.models import Event
from hubbub.live.services import do_create_entry
from hubbub.media.services import galleries, slideshows

from ..blog.helpers import make_post
from ..factories import SessionFactory, SpeakerFactory, UserFactory, grant
from ..media.pdfs import make_pdf
from ..unconf.factories import make_unconference
from .axe import axe_problems

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
WIDTHS = (320, 390, 1280)


def _photo(name: str, colour: str) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (900, 600), colour).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def site(transactional_db, start_server):
    # Uploads go to the test settings' MEDIA_ROOT, which the server shares.
    built = make_unconference(
        rooms=(("Council Chamber", 40), ("Committee Room", 12)),
        event_fields={
            "status": Event.Status.LIVE,
            "title": "Digital Westbrook: Services Everyone Can Use",
            "slug": "digital-westbrook",
            "brand_colour": "#ffdd00",
            "starts_on": timezone.localdate() - timedelta(days=1),
            "ends_on": timezone.localdate() + timedelta(days=1),
            "venue": "Westbrook Town Hall",
        },
        organiser_fields={"username": "olu"},
    )
    event, organiser = built.event, built.organiser
    logo = io.BytesIO()
    Image.new("RGB", (320, 120), "#1d70b8").save(logo, "PNG")
    event.organisation.name = "Westbrook Council"
    event.organisation.logo.save("westbrook.png", ContentFile(logo.getvalue()), save=True)
    speaker = SpeakerFactory(event=event, name="Asha Patel", organisation="Westbrook Council")
    session = SessionFactory(
        event=event,
        title="Opening keynote: designing with residents",
        starts_at=timezone.now() - timedelta(minutes=30),
        ends_at=timezone.now() + timedelta(minutes=30),
    )
    session.speakers.add(speaker)
    reporter = UserFactory(username="rita")
    grant(reporter, event, Role.REPORTER)
    for body in ("Doors are open and the hall is filling up.", "> Start with the people."):
        do_create_entry(event=event, author=organiser, body=body)
    post = make_post(event, author=organiser, title="What we heard on day one")
    deck = slideshows.do_create_slideshow(
        event=event,
        actor=organiser,
        title="Designing with residents",
        upload=SimpleUploadedFile("deck.pdf", make_pdf(["Welcome", "Start with the people"])),
    )
    gallery = galleries.do_create_gallery(
        event=event,
        actor=organiser,
        title="Day one",
        files=[_photo("hall.jpg", "teal"), _photo("stage.jpg", "navy")],
    )
    server = start_server()
    slug = event.slug
    public = {
        "index": "/",
        "event-home": f"/{slug}/",
        "live": f"/{slug}/live/",
        "programme": f"/{slug}/programme/",
        "session": session.get_absolute_url(),
        "speaker": speaker.get_absolute_url(),
        "blog": f"/{slug}/blog/",
        "post": post.get_absolute_url(),
        "slides": f"/{slug}/slides/",
        "slideshow": deck.get_absolute_url(),
        "gallery": gallery.get_absolute_url(),
        "unconference": f"/{slug}/unconference/",
        "search": "/search/?q=people",
        "sign-in": "/accounts/login/",
        "sign-up": "/accounts/signup/",
        "password-reset": "/accounts/password/reset/",
        "not-found": "/no-such-event/",
    }
    team = {
        "console": f"/{slug}/live/write",
        "manage": "/manage/",
        "event-manage": f"/{slug}/manage/",
        "event-settings": f"/{slug}/manage/settings",
        "programme-editor": f"/{slug}/manage/programme/",
        "unconference-console": f"/{slug}/unconference/console/",
    }
    return {
        "server": server,
        "event": event,
        "organiser": organiser,
        "reporter": reporter,
        "public": public,
        "team": team,
    }


def _signed_in(browser, server, user, **options):
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London", **options)
    client = Client()
    client.force_login(user)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": server.base_url}]
    )
    return context


def _overflow(page) -> int:
    """How far the document is wider than the viewport, in CSS pixels (0 when it fits)."""
    return page.evaluate("Math.max(0, document.documentElement.scrollWidth - window.innerWidth)")


def _visit_all(page, base, paths: dict, width: int, problems: list, shots: set):
    for name, path in paths.items():
        response = page.goto(base + path)
        assert response is not None and response.status < 500, f"{path}: {response.status}"
        wider = _overflow(page)
        if wider:
            culprits = page.evaluate(
                """() => [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                    .slice(0, 4)
                    .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))"""
            )
            problems.append(f"{width}px {path}: {wider}px too wide ({', '.join(culprits)})")
        if width in (320, 1280) and name in shots:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)


MAIN_PAGES = {
    "index",
    "event-home",
    "live",
    "programme",
    "session",
    "blog",
    "post",
    "slides",
    "gallery",
    "unconference",
    "sign-in",
    "not-found",
    "console",
    "event-manage",
}


def test_no_page_scrolls_sideways_at_phone_or_desktop_widths(site, browser):
    server = site["server"]
    problems: list[str] = []
    reader = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    team = _signed_in(browser, server, site["organiser"])
    try:
        reader_page, team_page = reader.new_page(), team.new_page()
        for width in WIDTHS:
            for page in (reader_page, team_page):
                page.set_viewport_size({"width": width, "height": 800})
            _visit_all(reader_page, server.base_url, site["public"], width, problems, MAIN_PAGES)
            _visit_all(team_page, server.base_url, site["team"], width, problems, MAIN_PAGES)
    finally:
        reader.close()
        team.close()
    assert not problems, "\n".join(problems)


def test_pages_have_no_axe_violations_at_320_and_1280(site, browser):
    server = site["server"]
    reports: list[str] = []
    reader = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    team = _signed_in(browser, server, site["organiser"])
    reporter = _signed_in(browser, server, site["reporter"])
    try:
        pages = [
            (reader.new_page(), site["public"]),
            (team.new_page(), site["team"]),
            (reporter.new_page(), {"forbidden": f"/{site['event'].slug}/manage/"}),
        ]
        for width in (320, 1280):
            for page, paths in pages:
                page.set_viewport_size({"width": width, "height": 800})
                for path in paths.values():
                    page.goto(server.base_url + path)
                    report = axe_problems(page)
                    if report:
                        reports.append(f"{width}px {path}\n{report}")
            # Pages with form errors: sign-in and the event's settings.
            page = pages[0][0]
            page.goto(server.base_url + site["public"]["sign-in"])
            page.get_by_role("button", name="Sign In").click()
            expect(page.locator("[data-error-summary]")).to_be_visible()
            report = axe_problems(page)
            if report:
                reports.append(f"{width}px sign-in with errors\n{report}")
    finally:
        for context in (reader, team, reporter):
            context.close()
    assert not reports, "\n\n".join(reports)


def _refused_page_is_styled(browser, site):
    context = _signed_in(browser, site["server"], site["reporter"])
    try:
        page = context.new_page()
        response = page.goto(f"{site['server'].base_url}/{site['event'].slug}/manage/")
        assert response.status == 403
        expect(page.get_by_role("heading", name="You cannot do that here")).to_be_visible()
        expect(page.get_by_role("link", name="See all events")).to_be_visible()
    finally:
        context.close()


def _focus_moves_to_the_error_summary(browser, site):
    context = _signed_in(browser, site["server"], site["organiser"])
    try:
        page = context.new_page()
        page.goto(f"{site['server'].base_url}/{site['event'].slug}/manage/settings")
        page.get_by_label("Brand colour").fill("#777777")
        page.get_by_role("button", name="Save").first.click()
        summary = page.get_by_role("alert").filter(has_text="There is a problem")
        expect(summary).to_be_visible()
        expect(summary).to_be_focused()
        expect(summary).to_contain_text("4.5:1")
        summary.get_by_role("link").first.click()
        expect(page.get_by_label("Brand colour")).to_be_focused()
    finally:
        context.close()


def _sections_fold_behind_a_menu_button(browser, site, javascript: bool):
    context = browser.new_context(
        locale="en-GB", viewport={"width": 320, "height": 700}, java_script_enabled=javascript
    )
    try:
        page = context.new_page()
        page.goto(f"{site['server'].base_url}/{site['event'].slug}/live/")
        sections = page.get_by_role("navigation", name="sections")
        unconference = sections.get_by_role("link", name="Unconference")
        expect(unconference).to_be_hidden()
        page.get_by_text("Menu", exact=True).click()
        expect(unconference).to_be_visible()
        unconference.click()
        expect(page).to_have_url(f"{site['server'].base_url}/{site['event'].slug}/unconference/")

        # On a wide screen the sections show without a Menu button.
        page.set_viewport_size({"width": 1280, "height": 800})
        page.reload()
        expect(page.get_by_text("Menu", exact=True)).to_be_hidden()
        expect(sections.get_by_role("link", name="Programme")).to_be_visible()
    finally:
        context.close()


def _focused_header_link_is_dark_on_yellow(browser, site):
    context = browser.new_context(locale="en-GB")
    try:
        page = context.new_page()
        page.goto(f"{site['server'].base_url}/")
        page.keyboard.press("Tab")  # skip link
        page.keyboard.press("Tab")  # the site's name
        colours = page.evaluate(
            """() => { const s = getComputedStyle(document.activeElement);
                       return [s.color, s.backgroundColor]; }"""
        )
        # Near-black on yellow: 14:1, against white on yellow (1.35:1) before.
        assert colours == ["rgb(11, 12, 12)", "rgb(255, 221, 0)"]
    finally:
        context.close()


def test_menu_focus_and_refusals_behave_for_keyboard_and_phone_users(site, browser):
    _sections_fold_behind_a_menu_button(browser, site, javascript=True)
    _sections_fold_behind_a_menu_button(browser, site, javascript=False)
    _focused_header_link_is_dark_on_yellow(browser, site)
    _focus_moves_to_the_error_summary(browser, site)
    _refused_page_is_styled(browser, site)
