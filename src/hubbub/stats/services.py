"""Reading the audience figures of an event: totals, by day, and the top things by readers.

Days are days in the site's zone (TIME_ZONE, Europe/London by default). A reader's hash
changes with the day, so a reader who came back on a second day counts once on each: the
event's ``unique_readers`` is the sum of its days' figures.
"""

import csv
import io
from dataclasses import dataclass, field

from django.db.models import Max, Sum
from django.utils.translation import gettext as _

from hubbub.core.permissions import Action
from hubbub.events.models import Session
from hubbub.live.models import LiveEntry

from .models import DailyCount, DailyFigures

TOP = 20
# The team reads the figures; the desk right is what every role on the event has.
SEE_AUDIENCE = Action.USE_TEAM_DESK


@dataclass
class Row:
    label: str
    value: int
    key: str = ""


@dataclass
class AudienceFigures:
    unique_readers: int
    peak_concurrent: int
    page_views: int
    by_day: list[dict]
    top: dict[str, list[Row]] = field(default_factory=dict)


def audience_figures(event) -> AudienceFigures:
    """Everything the dashboard, the CSV and the API show, in a fixed number of queries."""
    days = list(
        DailyFigures.objects.filter(event=event)
        .order_by("day")
        .values("day", "unique_readers", "peak_concurrent", "page_views")
    )
    top = {kind: _top(event, kind) for kind in DailyCount.Kind.values}
    _label_entries(event, top[DailyCount.Kind.ENTRY])
    _label_sessions(event, top[DailyCount.Kind.SESSION])
    return AudienceFigures(
        unique_readers=sum(d["unique_readers"] for d in days),
        peak_concurrent=max((d["peak_concurrent"] for d in days), default=0),
        page_views=sum(d["page_views"] for d in days),
        by_day=days,
        top=top,
    )


def _top(event, kind: str) -> list[Row]:
    rows = (
        DailyCount.objects.filter(event=event, kind=kind)
        .values("key")
        .annotate(total=Sum("count"), last=Max("day"))
        .order_by("-total", "key")[:TOP]
    )
    return [Row(label=r["key"], value=r["total"], key=r["key"]) for r in rows]


def _label_entries(event, rows: list[Row]) -> None:
    ids = [int(r.key) for r in rows if r.key.isdigit()]
    bodies = dict(LiveEntry.objects.filter(event=event, pk__in=ids).values_list("pk", "body"))
    for row in rows:
        body = bodies.get(int(row.key)) if row.key.isdigit() else None
        row.label = _excerpt(body) if body else _("Update %(id)s (deleted)") % {"id": row.key}


def _label_sessions(event, rows: list[Row]) -> None:
    ids = [int(r.key) for r in rows if r.key.isdigit()]
    titles = dict(Session.objects.filter(event=event, pk__in=ids).values_list("pk", "title"))
    for row in rows:
        title = titles.get(int(row.key)) if row.key.isdigit() else None
        row.label = title or _("Session %(id)s (removed)") % {"id": row.key}


def _excerpt(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _cell(value) -> str:
    # A spreadsheet runs a cell that starts with one of these as a formula.
    text = str(value)
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


def audience_csv(figures: AudienceFigures) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["figure", "day", "key", "label", "value"])
    for day in figures.by_day:
        for name in ("unique_readers", "peak_concurrent", "page_views"):
            writer.writerow([name, day["day"].isoformat(), "", "", day[name]])
    for kind, rows in figures.top.items():
        for row in rows:
            writer.writerow([kind, "", _cell(row.key), _cell(row.label), row.value])
    return out.getvalue()
