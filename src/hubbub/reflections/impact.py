"""What an event changed: the figures for the organiser's report, the public page and the API.

Everything counts published reflections only. A pledge is an item answered "yes" with an
action. The done/started/not yet/dropped totals take each pledge's latest answer (the last
round it was answered in); the per-round figures say how things stood at 7 and at 30 days.
"""

import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from hubbub.core.charts import ChartRow, bar_chart_svg
from hubbub.events.models import Session

from .followups import followup_days
from .models import ActionAnswer, FollowUp, Reflection, ReflectionItem

PROGRESS = [value for value, _label in ActionAnswer.Progress.choices]


@dataclass
class Impact:
    reflections: int = 0
    pledges: int = 0
    followups_sent: int = 0
    answered: int = 0
    progress: dict = field(default_factory=dict)
    rounds: list = field(default_factory=list)
    by_session: list = field(default_factory=list)
    by_kind: list = field(default_factory=list)
    quotes: list = field(default_factory=list)

    @property
    def response_rate(self) -> int:
        """Percentage of followed-up pledges with an answer."""
        asked = self.asked_pledges
        return round(100 * self.answered / asked) if asked else 0

    asked_pledges: int = 0

    def as_json(self) -> dict:
        return {
            "reflections": self.reflections,
            "pledges": self.pledges,
            "followups_sent": self.followups_sent,
            "answered": self.answered,
            **{key: self.progress.get(key, 0) for key in PROGRESS},
            "by_session": self.by_session,
            "rounds": self.rounds,
        }


def impact(event, *, quotes: int = 5) -> Impact:
    reflections = Reflection.objects.filter(event=event, status=Reflection.Status.PUBLISHED)
    items = list(
        ReflectionItem.objects.filter(reflection__in=reflections).select_related(
            "session", "reflection"
        )
    )
    pledges = [item for item in items if item.is_pledge]
    pledge_ids = {item.pk for item in pledges}
    answers = list(ActionAnswer.objects.filter(item_id__in=pledge_ids).order_by("round"))
    latest = {}
    for answer in answers:
        latest[answer.item_id] = answer.progress  # ordered by round: the last one stands
    sent = Counter(
        FollowUp.objects.filter(reflection__in=reflections).values_list("round", flat=True)
    )
    asked = set(
        FollowUp.objects.filter(reflection__in=reflections).values_list("reflection_id", flat=True)
    )
    result = Impact(
        reflections=reflections.count(),
        pledges=len(pledges),
        followups_sent=sum(sent.values()),
        answered=len(latest),
        progress={key: Counter(latest.values()).get(key, 0) for key in PROGRESS},
        asked_pledges=sum(1 for item in pledges if item.reflection_id in asked),
    )
    for round_, days in enumerate(followup_days(event), start=1):
        in_round = Counter(a.progress for a in answers if a.round == round_)
        result.rounds.append(
            {"round": round_, "days": days, "sent": sent.get(round_, 0),
             "answered": sum(in_round.values()), **{k: in_round.get(k, 0) for k in PROGRESS}}
        )  # fmt: skip
    per_session: dict[int, dict] = {}
    for item in items:
        if item.session_id is None:
            continue
        row = per_session.setdefault(
            item.session_id,
            {"session_id": item.session_id, "title": item.session.title,
             "kind": item.session.kind, "reflections": set(), "pledges": 0, "done": 0},
        )  # fmt: skip
        row["reflections"].add(item.reflection_id)
        if item.is_pledge:
            row["pledges"] += 1
            if latest.get(item.pk) == ActionAnswer.Progress.DONE:
                row["done"] += 1
    rows = [{**row, "reflections": len(row["reflections"])} for row in per_session.values()]
    rows.sort(key=lambda r: (-r["pledges"], -r["reflections"], r["title"]))
    result.by_session = rows
    kinds: dict[str, int] = defaultdict(int)
    labels = dict(Session.Kind.choices)
    for item in pledges:
        kind = item.session.kind if item.session_id else ""
        kinds[kind] += 1
    result.by_kind = sorted(
        ({"kind": k, "label": str(labels.get(k, _("No session"))), "pledges": n}
         for k, n in kinds.items()),
        key=lambda r: -r["pledges"],
    )  # fmt: skip
    public = [item for item in pledges if item.reflection.public_actions][:quotes]
    result.quotes = [
        {"action": item.action, "session": item.session.title if item.session_id else "",
         "url": item.reflection.get_absolute_url()}
        for item in public
    ]  # fmt: skip
    return result


def impact_csv(event) -> str:
    """The report's figures as CSV: one table of totals, then one row per session."""
    found = impact(event)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["figure", "value"])
    for key, value in found.as_json().items():
        if key not in ("by_session", "rounds"):
            writer.writerow([key, value])
    writer.writerow([])
    writer.writerow(["round", "days", "sent", "answered", *PROGRESS])
    for row in found.rounds:
        writer.writerow([row["round"], row["days"], row["sent"], row["answered"],
                         *[row[k] for k in PROGRESS]])  # fmt: skip
    writer.writerow([])
    writer.writerow(["session_id", "session", "kind", "reflections", "pledges", "done"])
    for row in found.by_session:
        writer.writerow([row["session_id"], _safe_cell(row["title"]), row["kind"],
                         row["reflections"], row["pledges"], row["done"]])  # fmt: skip
    return out.getvalue()


def _safe_cell(text: str) -> str:
    # A title starting with = + - @ would run as a formula in a spreadsheet.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def public_summary(event, *, chart_id: str) -> dict:
    """Totals only, for the public pages: no quotes, nothing about any one writer."""
    found = impact(event, quotes=0)
    labels = dict(ActionAnswer.Progress.choices)
    rows = [ChartRow(str(labels[key]), found.progress.get(key, 0)) for key in PROGRESS]
    return {
        "summary": found,
        "rows": rows,
        "chart": bar_chart_svg(
            _("Pledged actions by their latest answer"), rows, chart_id=chart_id
        ),
    }
