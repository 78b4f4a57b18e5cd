"""axe-core finds no WCAG 2.2 AA problems on the public event pages."""

import io

import pytest
from django.core.management import call_command

from hubbub.events.models import Session

from .axe import problems_on_pages

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo_server(start_server):
    call_command("demo", stdout=io.StringIO())
    return start_server()


def demo_pages() -> list[str]:
    session = (
        Session.objects.filter(event__slug="all-change-2011", speakers__isnull=False)
        .order_by("starts_at")
        .first()
    )
    return [
        "/",
        "/all-change-2011/",
        "/lg-innovation-2008/",
        "/all-change-2011/programme/",
        "/lg-innovation-2008/programme/",
        session.get_absolute_url(),
        session.speakers.first().get_absolute_url(),
        "/no-such-event/",
    ]


@pytest.mark.parametrize("viewport", [(1280, 800), (390, 844)], ids=["desktop", "phone"])
def test_event_pages_have_no_axe_violations(demo_server, browser, viewport):
    width, height = viewport
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        report = problems_on_pages(context.new_page(), demo_server.base_url, demo_pages())
    finally:
        context.close()
    assert not report, report
