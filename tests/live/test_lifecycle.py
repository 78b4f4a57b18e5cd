"""When an event ends or becomes an archive: posting over the API and in the console, the
wrap-up, the reader page, and moving back to live."""

import json

import pytest

from hubbub.core.models import AuditEntry
from hubbub.core.permissions import Role
from hubbub.events import setup
from hubbub.events.lifecycle import do_set_wrapup_posting
from hubbub.events.models import Event
from hubbub.live.models import LiveEntry
from hubbub.live.services import do_create_entry
from hubbub.team.organisations import do_grant_organisation_admin
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db


def post_entry(client, event, token, body="From the hall"):
    return client.post(
        f"/api/v1/events/{event.slug}/entries",
        data=json.dumps({"body": body}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


def set_status(client, event, token, **fields):
    return client.patch(
        f"/api/v1/events/{event.slug}",
        data=json.dumps(fields),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )


@pytest.fixture
def live_event(event):
    event.status = Event.Status.LIVE
    event.save()
    return event


def test_posting_to_an_ended_event_over_the_api_is_409_and_says_it_ended(
    client, live_event, organiser, reporter, token_for
):
    token = token_for(reporter)
    assert post_entry(client, live_event, token).status_code == 201
    response = set_status(client, live_event, token_for(organiser), status="ended")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "ended"
    response = post_entry(client, live_event, token, body="Too late")
    assert response.status_code == 409
    assert "ended" in response.json()["detail"]
    assert not LiveEntry.objects.filter(body="Too late").exists()


def test_someone_off_the_team_still_gets_403_on_an_ended_event(client, live_event, token_for):
    live_event.status = Event.Status.ENDED
    live_event.save()
    assert post_entry(client, live_event, token_for(UserFactory())).status_code == 403


def test_moving_back_from_ended_to_live_reopens_posting(
    client, live_event, organiser, reporter, token_for
):
    token = token_for(organiser)
    set_status(client, live_event, token, status="ended")
    assert post_entry(client, live_event, token_for(reporter)).status_code == 409
    response = set_status(client, live_event, token, status="live")
    assert response.json()["status"] == "live"
    assert post_entry(client, live_event, token_for(reporter)).status_code == 201


def test_the_console_of_an_ended_event_says_posting_has_closed_instead_of_the_form(
    client, live_event, reporter
):
    client.force_login(reporter)
    page = client.get(f"/{live_event.slug}/live/write")
    assert 'id="compose"' in page.content.decode()
    live_event.status = Event.Status.ENDED
    live_event.save()
    page = client.get(f"/{live_event.slug}/live/write")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Posting has closed" in html and 'id="compose"' not in html
    response = client.post(f"/{live_event.slug}/live/write", {"body": "Late", "kind": "update"})
    assert response.status_code == 302
    follow = client.get(response["Location"]).content.decode()
    assert "posting has closed" in follow
    assert not LiveEntry.objects.filter(body="Late").exists()


def test_the_console_answers_409_to_its_script_after_the_end(client, live_event, reporter):
    live_event.status = Event.Status.ENDED
    live_event.save()
    client.force_login(reporter)
    response = client.post(
        f"/{live_event.slug}/live/write",
        {"body": "Late", "kind": "update"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 409 and "ended" in response.json()["detail"]


def test_editors_reopen_posting_for_a_wrap_up_and_post_but_reporters_still_cannot(
    client, live_event, editor, reporter, token_for
):
    live_event.status = Event.Status.ENDED
    live_event.save()
    assert post_entry(client, live_event, token_for(editor)).status_code == 409
    client.force_login(editor)
    page = client.get(f"/{live_event.slug}/live/write").content.decode()
    assert "Reopen posting for a wrap-up" in page
    client.post(f"/{live_event.slug}/live/write/wrap-up", {"open": "1"})
    live_event.refresh_from_db()
    assert live_event.wrapup_posting is True
    assert AuditEntry.objects.filter(
        event=live_event, action="hubbub.event.wrapup_reopened", actor=editor
    ).exists()
    assert post_entry(client, live_event, token_for(editor), "Wrap-up").status_code == 201
    assert post_entry(client, live_event, token_for(reporter)).status_code == 409


def test_reporters_cannot_reopen_posting(client, live_event, reporter):
    live_event.status = Event.Status.ENDED
    live_event.save()
    client.force_login(reporter)
    response = client.post(f"/{live_event.slug}/live/write/wrap-up", {"open": "1"})
    assert response.status_code == 403
    live_event.refresh_from_db()
    assert live_event.wrapup_posting is False


def test_going_live_again_closes_the_wrap_up(live_event, organiser, editor):
    setup.do_set_status(live_event, actor=organiser, status="ended")
    live_event.refresh_from_db()
    do_set_wrapup_posting(live_event, actor=editor, open=True)
    event = setup.do_set_status(live_event, actor=organiser, status="live")
    assert event.wrapup_posting is False


def test_the_live_page_says_the_event_has_ended(client, live_event):
    html = client.get(f"/{live_event.slug}/live/").content.decode()
    assert 'id="event-ended" hidden' in html
    live_event.status = Event.Status.ENDED
    live_event.save()
    html = client.get(f"/{live_event.slug}/live/").content.decode()
    assert 'id="event-ended" hidden' not in html
    assert "This event has ended: no more updates are expected." in html
    assert "New updates appear" not in html


@pytest.mark.parametrize("role", [Role.ORGANISER, Role.EDITOR, Role.REPORTER])
def test_nobody_posts_or_edits_entries_in_an_archive(client, live_event, role, token_for):
    user = UserFactory()
    grant(user, live_event, role)
    entry = do_create_entry(event=live_event, author=user, body="Before")
    live_event.status = Event.Status.ARCHIVED
    live_event.save()
    token = token_for(user)
    response = post_entry(client, live_event, token)
    assert response.status_code == 409 and "archive" in response.json()["detail"]
    response = client.patch(
        f"/api/v1/events/{live_event.slug}/entries/{entry.pk}",
        data=json.dumps({"body": "After"}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 409
    entry.refresh_from_db()
    assert entry.body == "Before"


def test_every_event_page_of_an_archive_says_so(client, live_event):
    for path in ("", "live/", "programme/"):
        assert (
            "This is an archive of the event."
            not in client.get(f"/{live_event.slug}/{path}").content.decode()
        )
    live_event.status = Event.Status.ARCHIVED
    live_event.save()
    for path in ("", "live/", "programme/", "team/join/"):
        html = client.get(f"/{live_event.slug}/{path}").content.decode()
        assert "This is an archive of the event." in html, path


def test_organisers_edit_an_archive_over_the_api_only_after_taking_it_out(
    client, live_event, organiser, token_for
):
    token = token_for(organiser)
    set_status(client, live_event, token, status="archived")
    response = set_status(client, live_event, token, title="Renamed")
    assert response.status_code == 409 and "archive" in response.json()["detail"]
    response = set_status(client, live_event, token, status="ended", title="Renamed")
    assert response.status_code == 200 and response.json()["title"] == "Renamed"


@pytest.mark.parametrize(
    ("who", "expected"),
    [("organisation_admin", 200), ("organiser", 200), ("editor", 403), ("reporter", 403)],
)
def test_who_may_end_an_event_over_the_api(client, live_event, token_for, who, expected):
    user = UserFactory(is_staff=False)
    if who == "organisation_admin":
        do_grant_organisation_admin(user=user, organisation=live_event.organisation)
    else:
        grant(user, live_event, who)
    response = set_status(client, live_event, token_for(user), status="ended")
    assert response.status_code == expected
    live_event.refresh_from_db()
    assert live_event.status == ("ended" if expected == 200 else "live")


def test_the_api_switches_following_the_dates(client, live_event, organiser, token_for):
    response = set_status(client, live_event, token_for(organiser), status_by_dates=True)
    body = response.json()
    assert body["status_by_dates"] is True
    # The factory's event is in 2030: by its dates it has not started.
    assert body["status"] == body["phase"] == "published"


def test_a_null_field_in_an_event_patch_is_a_422_naming_it(
    client, live_event, organiser, token_for
):
    response = set_status(client, live_event, token_for(organiser), venue_address=None)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["venue_address"]
