"""Applications to join the team close when the event ends, and in an archive."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from hubbub.events.models import Event
from hubbub.team import services
from hubbub.team.models import Application

pytestmark = pytest.mark.django_db


def join_url(event):
    return reverse("team:join", kwargs={"event": event.slug})


@pytest.fixture
def recruiting(event):
    found = services.team_settings(event)
    found.recruitment_open = True
    found.save()
    return event


@pytest.mark.parametrize(
    ("status", "says"),
    [
        (Event.Status.ENDED, "Applications to join the team have closed"),
        (Event.Status.ARCHIVED, "Applications are closed: this is an archive of the event."),
    ],
)
def test_the_join_page_says_applications_have_closed_and_takes_none(
    client, recruiting, status, says
):
    assert 'name="email"' in client.get(join_url(recruiting)).content.decode()
    recruiting.status = status
    recruiting.save()
    html = client.get(join_url(recruiting)).content.decode()
    assert says in html and 'name="email"' not in html
    client.post(join_url(recruiting), {"name": "A", "email": "a@example.org"})
    assert not Application.objects.exists()


def test_the_service_refuses_an_application_after_the_end(recruiting):
    recruiting.status = Event.Status.ENDED
    recruiting.save()
    with pytest.raises(ValidationError, match="ended"):
        services.do_submit_application(recruiting, name="A", email="a@example.org")
    assert not Application.objects.exists()
