"""Charts as server-rendered SVG, always shown with the same numbers in a table beside them.

No JavaScript and no inline styles (the CSP forbids them): bars use the classes `chart-bar`
and `chart-label` that the site stylesheet colours. The SVG is an image with a text
alternative; the table next to it (rendered by the caller's template from the same
`ChartRow`s) is what screen readers and CSV exports use.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BAR_HEIGHT = 22
BAR_GAP = 8
LABEL_WIDTH = 180
VALUE_WIDTH = 60
CHART_WIDTH = 640


@dataclass(frozen=True)
class ChartRow:
    label: str
    value: int | float


def _shorten(label: str, limit: int = 28) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _format(value: int | float) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def bar_chart_svg(title: str, rows: list[ChartRow], *, chart_id: str) -> SafeString:
    """A horizontal bar chart. `title` is the text alternative; `chart_id` must be unique on
    the page (it names the <title> element the SVG is labelled by)."""
    rows = list(rows)
    height = max(1, len(rows)) * (BAR_HEIGHT + BAR_GAP) + BAR_GAP
    largest = max((row.value for row in rows), default=0) or 1
    bar_space = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    title_id = f"{escape(chart_id)}-title"
    parts = [
        f'<svg class="chart" role="img" aria-labelledby="{title_id}" '
        f'viewBox="0 0 {CHART_WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{title_id}">{escape(title)}</title>',
    ]
    if not rows:
        parts.append(f'<text class="chart-label" x="0" y="{BAR_HEIGHT}">No data yet</text>')
    for index, row in enumerate(rows):
        top = BAR_GAP + index * (BAR_HEIGHT + BAR_GAP)
        middle = top + BAR_HEIGHT * 0.7
        width = 0 if row.value <= 0 else max(2, round(bar_space * row.value / largest))
        parts.append(
            f'<text class="chart-label" x="0" y="{middle:.0f}">{escape(_shorten(row.label))}</text>'
            f'<rect class="chart-bar" x="{LABEL_WIDTH}" y="{top}" width="{width}" '
            f'height="{BAR_HEIGHT}"></rect>'
            f'<text class="chart-label" x="{LABEL_WIDTH + width + 6}" y="{middle:.0f}">'
            f"{escape(_format(row.value))}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every value above is escaped
