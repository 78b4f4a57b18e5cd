"""The impact figures from a known set of answers, on the page, in CSV and for the team only."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.utils import timezone

from hubbub.reflections.impact import impact
from hubbub.reflections.models import ActionAnswer, FollowUp

from ..factories import SessionFactory, UserFactory
from .helpers import publish, write

pytestmark = pytest.mark.django_db


def answer(item, round_, progress):
    ActionAnswer.objects.create(item=item, round=round_, progress=progress,
                                answered_at=timezone.now())  # fmt: skip


@pytest.fixture
def known(event):
    keynote = SessionFactory(event=event, title="Keynote", kind="keynote")
    workshop = SessionFactory(event=event, title="Workshop", kind="workshop", hour=12)
    pledge = {"action_answer": "yes", "action": "Call the council next door"}
    one = publish(write(event, items=[
        {"text": "a", "session_id": keynote.pk, **pledge},
        {"text": "b", "session_id": workshop.pk, **pledge},
    ]))  # fmt: skip
    two = publish(write(event, items=[
        {"text": "c", "session_id": keynote.pk, **pledge},
        {"text": "d", "session_id": keynote.pk, "action_answer": "no"},
    ]), )  # fmt: skip
    two.public_actions = False
    two.save()
    write(event, items=[{"text": "held", **pledge}])  # not published: not counted
    a, b = one.items.all()
    for reflection in (one, two):
        FollowUp.objects.create(reflection=reflection, round=1, sent_at=datetime.now(UTC))
    FollowUp.objects.create(reflection=one, round=2, sent_at=datetime.now(UTC))
    answer(a, 1, "started")
    answer(a, 2, "done")
    answer(b, 1, "dropped")
    return keynote, workshop


def test_impact_figures_from_known_answers(event, known):
    keynote, _workshop = known
    found = impact(event)
    assert found.as_json() | {"by_session": None, "rounds": None} == {
        "reflections": 2, "pledges": 3, "followups_sent": 3, "answered": 2,
        "done": 1, "started": 0, "not_yet": 0, "dropped": 1,
        "by_session": None, "rounds": None,
    }  # fmt: skip
    assert found.by_session[0] == {"session_id": keynote.pk, "title": "Keynote",
                                   "kind": "keynote", "reflections": 2, "pledges": 2,
                                   "done": 1}  # fmt: skip
    assert found.rounds[0]["days"] == 7 and found.rounds[0]["started"] == 1
    assert found.rounds[1]["done"] == 1 and found.rounds[1]["sent"] == 1
    assert found.response_rate == 67  # 2 of the 3 pledges asked about were answered
    # Private actions never appear as quotes.
    assert len(found.quotes) == 2


def test_impact_page_and_csv_for_the_team_only(client, event, known, organiser):
    url = f"/{event.slug}/reflections/impact/"
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    assert client.get(f"/{event.slug}/reflections/impact.csv").status_code == 403
    client.force_login(organiser)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "Keynote" in html and "<table>" in html
    export = client.get(f"/{event.slug}/reflections/impact.csv")
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert ["pledges", "3"] in rows and ["done", "1"] in rows
    assert any(row[:2] == [str(known[0].pk), "Keynote"] for row in rows)
