"""The organiser's audience page: charts with their numbers beside them, and a CSV."""

from django.http import HttpResponse
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hubbub.core.charts import ChartRow, bar_chart_svg
from hubbub.core.eventviews import event_view, render_event
from hubbub.core.permissions import policy
from hubbub.events.extensions import DashboardLink

from .models import DailyCount
from .services import SEE_AUDIENCE, audience_csv, audience_figures

SECTIONS = [
    (DailyCount.Kind.ENTRY, gettext_lazy("Readers per live update"), gettext_lazy("Update")),
    (DailyCount.Kind.SESSION, gettext_lazy("Readers per session page"), gettext_lazy("Session")),
    (DailyCount.Kind.EMBED, gettext_lazy("Embeds by site"), gettext_lazy("Site")),
    (DailyCount.Kind.REFERRER, gettext_lazy("Where readers came from"), gettext_lazy("Site")),
]


def dashboard_links(event, user) -> list[DashboardLink]:
    if not policy.can(user, SEE_AUDIENCE, event):
        return []
    return [
        DashboardLink(
            label=_("Audience figures"),
            url=reverse("stats:audience", kwargs={"event": event.slug}),
            hint=_("Readers, peak live readers, embeds and where readers came from"),
        )
    ]


@event_view(SEE_AUDIENCE)
def audience(request, event):
    figures = audience_figures(event)
    by_day = [(date_format(d["day"], "j M"), d) for d in figures.by_day]
    charts = [
        {
            "id": "chart-readers",
            "title": _("Unique readers by day"),
            "column": _("Day"),
            "svg": bar_chart_svg(
                _("Unique readers by day"),
                [ChartRow(label, d["unique_readers"]) for label, d in by_day],
                chart_id="chart-readers",
            ),
            "rows": [(label, d["unique_readers"]) for label, d in by_day],
        },
        {
            "id": "chart-peak",
            "title": _("Peak live readers at once, by day"),
            "column": _("Day"),
            "svg": bar_chart_svg(
                _("Peak live readers at once, by day"),
                [ChartRow(label, d["peak_concurrent"]) for label, d in by_day],
                chart_id="chart-peak",
            ),
            "rows": [(label, d["peak_concurrent"]) for label, d in by_day],
        },
    ]
    for kind, title, column in SECTIONS:
        rows = figures.top[kind]
        charts.append(
            {
                "id": f"chart-{kind}",
                "title": title,
                "column": column,
                "svg": bar_chart_svg(
                    str(title), [ChartRow(r.label, r.value) for r in rows], chart_id=f"chart-{kind}"
                ),
                "rows": [(r.label, r.value) for r in rows],
            }
        )
    return render_event(
        request, event, "stats/audience.html", {"figures": figures, "charts": charts}
    )


@event_view(SEE_AUDIENCE)
def audience_download(request, event):
    response = HttpResponse(
        audience_csv(audience_figures(event)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{event.slug}-audience.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
