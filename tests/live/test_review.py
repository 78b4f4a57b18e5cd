"""The approval queue: moderated reporters' entries wait for an editor, unseen by readers."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from hubbub.core.models import AuditEntry
from hubbub.core.permissions import Role
from hubbub.live.models import LiveEntry, StreamMessage
from hubbub.live.services import (
    ENTRY_CREATED,
    do_approve_entry,
    do_create_entry,
    do_pin_entry,
    do_return_entry,
    do_update_entry,
)
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderated(event):
    user = UserFactory(username="mo")
    grant(user, event, Role.MODERATED_REPORTER)
    return user


@pytest.fixture
def pending(event, moderated):
    return do_create_entry(event=event, author=moderated, body="Room 3 is **full**")


def test_moderated_reporter_entry_waits_and_publishes_nothing(event, moderated, published):
    with published.capture():
        entry = do_create_entry(event=event, author=moderated, body="Waiting for review")
    assert entry.status == LiveEntry.Status.PENDING
    assert published.messages == []
    assert not StreamMessage.objects.filter(event=event).exists()
    assert AuditEntry.objects.filter(action="hubbub.entry.submitted", event=event).exists()


def test_pending_entry_is_invisible_to_readers_everywhere(client, event, pending, token_for):
    page = client.get(reverse("live:page", kwargs={"event": event.slug}))
    assert "Room 3 is" not in page.content.decode()
    embed = client.get(reverse("live:embed", kwargs={"event": event.slug}))
    assert "Room 3 is" not in embed.content.decode()
    detail = client.get(pending.get_absolute_url())
    assert detail.status_code == 404
    listing = client.get(f"/api/v1/events/{event.slug}/entries")
    assert listing.json()["entries"] == []
    assert client.get(f"/api/v1/events/{event.slug}/entries/{pending.pk}").status_code == 404
    # Another reporter's token sees no more than the public does.
    other = UserFactory()
    grant(other, event, Role.REPORTER)
    headers = {"Authorization": f"Bearer {token_for(other)}"}
    got = client.get(f"/api/v1/events/{event.slug}/entries/{pending.pk}", headers=headers)
    assert got.status_code == 404


def test_author_sees_their_pending_entry_over_the_api(client, event, moderated, token_for):
    headers = {"Authorization": f"Bearer {token_for(moderated)}"}
    created = client.post(
        f"/api/v1/events/{event.slug}/entries",
        {"body": "From the API"},
        content_type="application/json",
        headers=headers,
    )
    assert created.status_code == 201
    assert created.json()["status"] == "pending"
    entry_id = created.json()["id"]
    got = client.get(f"/api/v1/events/{event.slug}/entries/{entry_id}", headers=headers)
    assert got.status_code == 200 and got.json()["status"] == "pending"


def test_approving_publishes_entry_created_once(event, editor, pending, published):
    with published.capture():
        do_approve_entry(pending, actor=editor)
    assert [m.type for m in published.messages] == [ENTRY_CREATED]
    pending.refresh_from_db()
    assert pending.status == LiveEntry.Status.PUBLISHED
    assert AuditEntry.objects.filter(action="hubbub.entry.approved", actor=editor).exists()
    with pytest.raises(ValidationError):
        do_approve_entry(pending, actor=editor)


def test_editing_a_pending_entry_publishes_nothing(event, editor, pending, published):
    with published.capture():
        do_update_entry(pending, actor=editor, body="Room 3 is full; try room 4")
    assert published.messages == []


def test_reporters_cannot_approve_or_pin_pending(event, reporter, moderated, editor, pending):
    with pytest.raises(PermissionDenied):
        do_approve_entry(pending, actor=reporter)
    with pytest.raises(PermissionDenied):
        do_approve_entry(pending, actor=moderated)
    with pytest.raises(ValidationError):
        do_pin_entry(pending, actor=editor)


def test_editor_of_another_event_cannot_approve(event, other_event, pending):
    outsider = UserFactory()
    grant(outsider, other_event, Role.EDITOR)
    with pytest.raises(PermissionDenied):
        do_approve_entry(pending, actor=outsider)


def test_return_needs_a_note_and_publishes_nothing(event, editor, pending, published):
    with pytest.raises(ValidationError) as exc:
        do_return_entry(pending, actor=editor, note="  ")
    assert "review_note" in exc.value.message_dict
    with published.capture():
        do_return_entry(pending, actor=editor, note="Which room? Add the session.")
    assert published.messages == []
    pending.refresh_from_db()
    assert pending.status == LiveEntry.Status.RETURNED
    assert AuditEntry.objects.filter(action="hubbub.entry.returned").exists()


def test_returned_entry_shows_the_note_in_the_reporters_console(
    client, event, editor, moderated, pending
):
    do_return_entry(pending, actor=editor, note="Which room? Add the session.")
    client.force_login(moderated)
    page = client.get(reverse("live:console", kwargs={"event": event.slug})).content.decode()
    assert "Which room? Add the session." in page
    assert "Returned to the reporter" in page
    # Editing it sends it back to the queue.
    do_update_entry(pending, actor=moderated, body="Room 3 (Session A) is full")
    pending.refresh_from_db()
    assert pending.status == LiveEntry.Status.PENDING


def test_moderated_reporter_cannot_change_a_published_entry(event, editor, moderated, pending):
    do_approve_entry(pending, actor=editor)
    with pytest.raises(PermissionDenied):
        do_update_entry(pending, actor=moderated, body="Sneaky change")


def test_review_queue_page_approves_and_returns(client, event, editor, moderated, pending):
    second = do_create_entry(event=event, author=moderated, body="Coffee is served")
    url = reverse("live:review", kwargs={"event": event.slug})
    client.force_login(editor)
    page = client.get(url)
    assert page.status_code == 200
    assert "Room 3 is" in page.content.decode() and "Coffee is served" in page.content.decode()
    bad = client.post(url, {"entry": second.pk, "decision": "return", "review_note": ""})
    assert bad.status_code == 422
    assert "Say what the reporter should change." in bad.content.decode()
    client.post(url, {"entry": pending.pk, "decision": "approve"})
    client.post(url, {"entry": second.pk, "decision": "return", "review_note": "Not news"})
    pending.refresh_from_db()
    second.refresh_from_db()
    assert (pending.status, second.status) == ("published", "returned")
    reader = client.get(reverse("live:page", kwargs={"event": event.slug})).content.decode()
    assert "Room 3 is" in reader and "Coffee is served" not in reader


def test_review_queue_is_refused_to_reporters(client, event, reporter):
    client.force_login(reporter)
    assert client.get(reverse("live:review", kwargs={"event": event.slug})).status_code == 403


def test_console_post_by_moderated_reporter_answers_pending_json(client, event, moderated):
    client.force_login(moderated)
    answer = client.post(
        reverse("live:console", kwargs={"event": event.slug}),
        {"body": "From my phone", "kind": "update"},
        headers={"Accept": "application/json"},
    )
    assert answer.status_code == 201
    assert answer.json()["entry"]["status"] == "pending"
    assert "Waiting for an editor" in answer.json()["html"]
