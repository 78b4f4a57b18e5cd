"""The audience page, its CSV and the API: for the event's team only."""

import csv
import datetime
import io

import pytest

from hubbub.live.services import do_create_entry
from hubbub.stats.models import DailyCount, DailyFigures
from tests.factories import UserFactory


@pytest.fixture
def figures(event, reporter):
    entry = do_create_entry(event=event, author=reporter, body='=HYPERLINK("x") opens')
    DailyFigures.objects.create(
        event=event, day=datetime.date(2026, 11, 28), unique_readers=120, peak_concurrent=40,
        page_views=300,
    )  # fmt: skip
    DailyFigures.objects.create(
        event=event, day=datetime.date(2026, 11, 29), unique_readers=80, peak_concurrent=55,
        page_views=150,
    )  # fmt: skip
    DailyCount.objects.create(
        event=event, day=datetime.date(2026, 11, 29), kind="entry", key=str(entry.pk), count=70
    )
    DailyCount.objects.create(
        event=event, day=datetime.date(2026, 11, 28), kind="embed", key="council.example.gov",
        count=12,
    )  # fmt: skip
    DailyCount.objects.create(
        event=event, day=datetime.date(2026, 11, 29), kind="embed", key="council.example.gov",
        count=3,
    )  # fmt: skip
    return entry


def test_audience_page_shows_charts_with_their_numbers(client, event, organiser, figures):
    client.force_login(organiser)
    response = client.get(f"/{event.slug}/manage/audience/")
    assert response.status_code == 200
    html = response.content.decode()
    # Days, peaks, entries and embeds; nothing yet for sessions and referring sites.
    assert html.count('<svg class="chart"') == 4
    assert html.count("Nothing counted yet.") == 2
    assert "<dd>200</dd>" in html and "<dd>55</dd>" in html
    assert "council.example.gov</th><td>15</td>" in html
    assert "style=" not in html and "<script>" not in html


def test_audience_page_is_linked_from_the_dashboard(client, event, organiser):
    client.force_login(organiser)
    html = client.get(f"/{event.slug}/manage/").content.decode()
    assert f'href="/{event.slug}/manage/audience/"' in html


def test_audience_page_and_csv_refuse_people_off_the_team(client, event, figures):
    client.force_login(UserFactory())
    assert client.get(f"/{event.slug}/manage/audience/").status_code == 403
    assert client.get(f"/{event.slug}/manage/audience/audience.csv").status_code == 403


def test_audience_csv_has_every_figure_and_no_formulas(client, event, reporter, figures):
    client.force_login(reporter)
    response = client.get(f"/{event.slug}/manage/audience/audience.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["figure", "day", "key", "label", "value"]
    assert ["unique_readers", "2026-11-28", "", "", "120"] in rows
    assert ["peak_concurrent", "2026-11-29", "", "", "55"] in rows
    assert ["embed", "", "council.example.gov", "council.example.gov", "15"] in rows
    entry_row = next(r for r in rows if r[0] == "entry")
    assert entry_row[3].startswith("'=HYPERLINK") and entry_row[4] == "70"


def test_stats_api_answers_the_team(client, event, reporter, figures, token_for):
    response = client.get(
        f"/api/v1/events/{event.slug}/stats", HTTP_AUTHORIZATION=f"Bearer {token_for(reporter)}"
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["unique_readers"], body["peak_concurrent"]) == (200, 55)
    assert body["by_day"][1] == {
        "day": "2026-11-29", "unique_readers": 80, "peak_concurrent": 55, "page_views": 150
    }  # fmt: skip


def test_stats_api_refuses_strangers_and_anonymous(client, event, figures, token_for):
    stranger = token_for(UserFactory())
    response = client.get(
        f"/api/v1/events/{event.slug}/stats", HTTP_AUTHORIZATION=f"Bearer {stranger}"
    )
    assert response.status_code == 403
    assert client.get(f"/api/v1/events/{event.slug}/stats").status_code == 401
    assert client.get("/api/v1/events/no-such-event/stats").status_code == 404


def test_stats_api_for_an_event_with_no_figures_yet(client, event, reporter, token_for):
    response = client.get(
        f"/api/v1/events/{event.slug}/stats", HTTP_AUTHORIZATION=f"Bearer {token_for(reporter)}"
    )
    assert response.json() == {
        "unique_readers": 0, "peak_concurrent": 0, "page_views": 0, "by_day": []
    }  # fmt: skip
