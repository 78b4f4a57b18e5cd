"""A records manager opens the static copy of an event from disk, with no server at all."""

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.archive.conftest import SLUG, full_event  # noqa: F401  (fixture)

pytestmark = pytest.mark.e2e


@pytest.mark.usefixtures("full_event")
def test_static_copy_opens_from_file_with_styles_and_no_other_request(page, tmp_path):
    out = tmp_path / "copy"
    call_command("archive", SLUG, "--out", str(out), stdout=io.StringIO())
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto((out / SLUG / "index.html").as_uri())
    expect(page.get_by_text("This is an archive taken on")).to_be_visible()
    header = page.locator(".site-header")
    assert header.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(11, 12, 12)"
    page.get_by_role("link", name="Blog", exact=True).click()
    page.get_by_role("link", name="What we heard about shared services").first.click()
    expect(page.get_by_text("Thanks for writing this up.")).to_be_visible()
    page.get_by_role("link", name="Live blog", exact=True).click()
    expect(page.get_by_role("heading", name="All Change 2011: live", level=1)).to_be_visible()
    page.get_by_role("link", name="Slides", exact=True).click()
    page.get_by_role("link", name="Leading when everything changes").first.click()
    images = page.locator("img")
    assert images.count() >= 3
    assert all(
        images.nth(i).evaluate("img => img.complete && img.naturalWidth > 0")
        for i in range(images.count())
    )
    assert requests and all(url.startswith("file://") for url in requests), requests


@pytest.mark.usefixtures("full_event")
def test_static_copy_pages_have_no_axe_violations(page, tmp_path):
    from .axe import problems_on_pages

    out = tmp_path / "copy"
    call_command("archive", SLUG, "--out", str(out), stdout=io.StringIO())
    pages = [
        f"/{SLUG}/index.html",
        f"/{SLUG}/live/index.html",
        f"/{SLUG}/blog/what-we-heard-about-shared-services/index.html",
        f"/{SLUG}/programme/index.html",
    ]
    assert not problems_on_pages(page, out.as_uri(), pages)


@pytest.mark.usefixtures("full_event")
def test_static_copy_works_from_a_static_host_in_a_sub_path(page, tmp_path):
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    out = tmp_path / "site" / "records" / "2011"
    call_command("archive", SLUG, "--out", str(out), stdout=io.StringIO())

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(tmp_path / "site"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/records/2011/"
    failed, requests = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    try:
        page.goto(base)  # the copy's own index.html sends the reader to the event home
        expect(page.get_by_text("This is an archive taken on")).to_be_visible()
        page.get_by_role("link", name="Programme", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        header = page.locator(".site-header")
        assert header.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(11, 12, 12)"
    finally:
        server.shutdown()
    assert failed == []
    assert all(url.startswith(base) for url in requests), requests
