"""axe-core checks for the browser journeys: WCAG 2.2 AA rules, reported readably."""

from axe_playwright_python.sync_playwright import Axe

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def readable(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {' '.join(node['target'])}: {node['failureSummary']}")
    return "\n".join(lines)


def axe_problems(page) -> str:
    """The WCAG 2.2 AA violations on the page as it is now, readably; empty when none."""
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return readable(results.response["violations"])


def problems_on_pages(page, base_url: str, paths) -> str:
    """Visit each path and gather its violations; empty when every page passes."""
    problems = {}
    for path in paths:
        page.goto(base_url + path)
        report = axe_problems(page)
        if report:
            problems[path] = report
    return "\n\n".join(f"{path}\n{report}" for path, report in problems.items())
