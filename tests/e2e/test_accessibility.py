"""axe-core finds no WCAG 2.2 AA problems on the public event pages."""

import io

import pytest
from django.core.management import call_command

from hubbub.events.models import Session

pytestmark = pytest.mark.e2e

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


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


def readable(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {' '.join(node['target'])}: {node['failureSummary']}")
    return "\n".join(lines)


@pytest.mark.parametrize("viewport", [(1280, 800), (390, 844)], ids=["desktop", "phone"])
def test_event_pages_have_no_axe_violations(demo_server, browser, viewport):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    width, height = viewport
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    problems = {}
    try:
        for path in demo_pages():
            page.goto(demo_server.base_url + path)
            results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
            violations = results.response["violations"]
            if violations:
                problems[path] = readable(violations)
    finally:
        context.close()
    assert not problems, "\n\n".join(f"{path}\n{report}" for path, report in problems.items())
