"""The demo's past event carries reflections with follow-up answers in."""

import pytest

from hubbub.events.demo import load_demo
from hubbub.events.models import Event
from hubbub.reflections.impact import impact
from hubbub.reflections.models import Reflection

pytestmark = pytest.mark.django_db


def test_demo_reflections_fill_the_impact_report_once(client):
    load_demo()
    load_demo()
    event = Event.objects.get(slug="all-change-2011")
    assert Reflection.objects.filter(event=event).count() == 4
    assert all("demo data" in r.closing for r in Reflection.objects.all())
    found = impact(event)
    assert found.pledges == 4 and found.answered == 4
    assert found.progress["done"] == 2 and found.followups_sent > 0
    page = client.get("/all-change-2011/reflections/")
    assert page.status_code == 200 and "Nadia Brook (demo)" in page.content.decode()
