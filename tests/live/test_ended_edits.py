"""After the end a reporter's updates are part of the record: only organisers and editors
change or delete them, during a wrap-up; in an archive nobody does."""

import json

import pytest

from hubbub.events.lifecycle import EventClosed, do_set_wrapup_posting
from hubbub.events.models import Event
from hubbub.live.models import LiveEntry
from hubbub.live.services import (
    do_approve_entry,
    do_create_entry,
    do_delete_entry,
    do_pin_entry,
    do_return_entry,
    do_update_entry,
)
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def ended_entry(event, reporter):
    event.status = Event.Status.LIVE
    event.save()
    entry = do_create_entry(event=event, author=reporter, body="As it happened")
    event.status = Event.Status.ENDED
    event.save()
    entry.event = event
    return entry


def test_a_reporter_can_no_longer_edit_or_delete_their_own_update_after_the_end(
    reporter, ended_entry
):
    with pytest.raises(EventClosed, match="ended"):
        do_update_entry(ended_entry, actor=reporter, body="Rewritten")
    with pytest.raises(EventClosed, match="ended"):
        do_delete_entry(ended_entry, actor=reporter)
    ended_entry.refresh_from_db()
    assert ended_entry.body == "As it happened" and ended_entry.edited_at is None


def test_even_during_a_wrap_up_the_reporter_cannot_change_it(event, editor, reporter, ended_entry):
    do_set_wrapup_posting(event, actor=editor, open=True)
    event.refresh_from_db()
    ended_entry.event = event
    with pytest.raises(EventClosed):
        do_update_entry(ended_entry, actor=reporter, body="Rewritten")


def test_editors_change_and_delete_updates_during_a_wrap_up_only(event, editor, ended_entry):
    with pytest.raises(EventClosed, match="wrap-up"):
        do_update_entry(ended_entry, actor=editor, body="Corrected")
    do_set_wrapup_posting(event, actor=editor, open=True)
    event.refresh_from_db()
    ended_entry.event = event
    assert do_update_entry(ended_entry, actor=editor, body="Corrected").body == "Corrected"
    do_delete_entry(ended_entry, actor=editor)
    assert not LiveEntry.objects.exists()


def test_nobody_deletes_an_update_of_an_archive(event, organiser, editor, ended_entry):
    do_set_wrapup_posting(event, actor=editor, open=True)
    event.refresh_from_db()
    event.status = Event.Status.ARCHIVED
    event.save()
    ended_entry.event = event
    for person in (organiser, editor):
        with pytest.raises(EventClosed, match="archive"):
            do_delete_entry(ended_entry, actor=person)
    assert LiveEntry.objects.filter(pk=ended_entry.pk).exists()


def test_the_api_answers_409_to_a_reporter_editing_after_the_end(
    client, event, reporter, ended_entry, token_for
):
    url = f"/api/v1/events/{event.slug}/entries/{ended_entry.pk}"
    auth = {"Authorization": f"Bearer {token_for(reporter)}"}
    response = client.patch(
        url, data=json.dumps({"body": "Rewritten"}), content_type="application/json", headers=auth
    )
    assert response.status_code == 409 and "ended" in response.json()["detail"]
    response = client.delete(url, headers=auth)
    assert response.status_code == 409 and "ended" in response.json()["detail"]
    ended_entry.refresh_from_db()
    assert ended_entry.body == "As it happened"
    assert client.get(url).json()["body"] == "As it happened"


def test_after_the_end_the_console_offers_the_reporter_no_edit_or_delete(
    client, reporter, ended_entry
):
    event = ended_entry.event
    client.force_login(reporter)
    html = client.get(f"/{event.slug}/live/write").content.decode()
    assert "As it happened" in html
    assert f"/live/write/{ended_entry.pk}/edit" not in html
    assert f"/live/write/{ended_entry.pk}/delete" not in html
    response = client.get(f"/{event.slug}/live/write/{ended_entry.pk}/edit", follow=True)
    assert response.redirect_chain[-1][0] == f"/{event.slug}/live/write"
    assert "can no longer be changed" in response.content.decode()
    response = client.post(f"/{event.slug}/live/write/{ended_entry.pk}/delete", follow=True)
    assert "can no longer be changed" in response.content.decode()
    assert LiveEntry.objects.filter(pk=ended_entry.pk).exists()


def test_an_archive_refuses_approving_returning_and_pinning(event, editor, moderated_entry):
    event.status = Event.Status.ARCHIVED
    event.save()
    moderated_entry.event = event
    with pytest.raises(EventClosed):
        do_approve_entry(moderated_entry, actor=editor)
    with pytest.raises(EventClosed):
        do_return_entry(moderated_entry, actor=editor, note="Check the name")
    with pytest.raises(EventClosed):
        do_pin_entry(moderated_entry, actor=editor)
    moderated_entry.refresh_from_db()
    assert moderated_entry.status == LiveEntry.Status.PENDING and not moderated_entry.pinned


@pytest.fixture
def moderated_entry(event):
    event.status = Event.Status.LIVE
    event.save()
    writer = UserFactory()
    grant(writer, event, "moderated_reporter")
    return do_create_entry(event=event, author=writer, body="Waiting for an editor")
