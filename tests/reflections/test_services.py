"""Writing, checking, confirming and moderating reflections."""

import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hubbub.comments.models import Comment
from hubbub.core.audit import describe_entries
from hubbub.core.models import AuditEntry
from hubbub.events.lifecycle import EventClosed
from hubbub.events.models import Event
from hubbub.reflections import services
from hubbub.reflections.models import Reflection, ReflectionItem

from ..factories import EventFactory, SessionFactory, UserFactory
from .helpers import publish, write

pytestmark = pytest.mark.django_db


def errors_of(call) -> dict:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


def test_reflection_empty_is_refused_and_nothing_stored(event):
    found = errors_of(lambda: write(event, items=[{"text": "  "}, {}]))
    assert "empty" in found["items"][0]
    assert not Reflection.objects.exists()


def test_reflection_action_yes_without_text_names_the_item(event):
    items = [{"text": "Fine"}, {"text": "Good", "action_answer": "yes", "action": " "}]
    found = errors_of(lambda: write(event, items=items))
    assert list(found) == ["items.1.action"]


def test_reflection_due_before_the_event_is_refused(event):
    items = [{"text": "x", "action": "Do it", "due": event.starts_on - timedelta(days=1)}]
    assert "items.0.due" in errors_of(lambda: write(event, items=items))
    items[0]["due"] = "not a date"
    assert "items.0.due" in errors_of(lambda: write(event, items=items))


def test_reflection_session_of_another_event_or_unknown_is_refused(event, other_event):
    elsewhere = SessionFactory(event=other_event)
    for session_id in (elsewhere.pk, 999999, "abc"):
        items = [{"text": "x", "session_id": session_id}]
        assert "items.0.session_id" in errors_of(lambda items=items: write(event, items=items))


def test_reflection_session_of_this_event_is_kept(event):
    session = SessionFactory(event=event)
    reflection = write(event, items=[{"text": "Good", "session_id": str(session.pk)}])
    assert reflection.items.get().session == session


def test_reflection_script_is_rendered_harmless_and_kept(event):
    text = "<script>alert(1)</script> **bold** [x](javascript:alert(1))"
    reflection = write(event, items=[{"text": text}], closing="<img src=x onerror=alert(1)>")
    item = reflection.items.get()
    assert item.text == text  # nothing lost
    assert "<script" not in item.text_html and 'href="javascript' not in item.text_html
    assert "<strong>bold</strong>" in item.text_html
    assert "<img" not in reflection.closing_html


def test_reflection_nul_character_is_refused(event):
    assert "items.0.text" in errors_of(lambda: write(event, items=[{"text": "a\x00b"}]))


def test_reflection_answer_other_than_yes_drops_the_action(event):
    reflection = write(event, items=[{"text": "x", "action_answer": "no", "action": "stray"}])
    item = reflection.items.get()
    assert item.action == "" and not item.is_pledge


def test_reflection_first_time_writer_is_held_then_trusted(event):
    user = UserFactory()
    first = write(event, user)
    assert first.status == Reflection.Status.PENDING
    publish(first)
    second = write(event, user)
    assert second.status == Reflection.Status.PUBLISHED


def test_reflection_writer_with_an_approved_comment_is_trusted(event):
    user = UserFactory()
    Comment.objects.create(
        event=event, content_type_id=1, object_id=1, user=user, author_name="A",
        author_email="a@example.org", body="hi", status=Comment.Status.APPROVED,
    )  # fmt: skip
    assert write(event, user).status == Reflection.Status.PUBLISHED


def test_reflection_moderator_goes_straight_up(event, moderator):
    assert write(event, moderator).status == Reflection.Status.PUBLISHED


def test_reflection_draft_keeps_an_empty_list_and_publishes_nothing(event):
    user = UserFactory()
    draft = write(event, user, items=[], submit=False)
    assert draft.status == Reflection.Status.DRAFT
    assert services.draft_for(event, user) == draft
    done = write(event, user, reflection=draft)
    assert done.pk == draft.pk and done.status == Reflection.Status.PENDING


def test_reflection_draft_of_someone_else_cannot_be_changed(event):
    draft = write(event, UserFactory(), submit=False)
    found = errors_of(lambda: write(event, UserFactory(), reflection=draft))
    assert "not yours" in found[None][0]


def test_reflection_guest_needs_name_and_email(event):
    found = errors_of(lambda: write(event, name="", email="nope"))
    assert set(found) >= {"name", "email"}


def test_reflection_guest_is_hidden_until_confirmed_then_moderated(
    event, moderator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reflection = write(event, name="Guest", email="Guest@Example.org")
    assert reflection.status == Reflection.Status.PENDING
    assert not services.moderation_queue(event).exists()  # unconfirmed: not even queued
    assert mail.outbox[0].to == ["guest@example.org"]
    token = re.search(r"/reflections/confirm/([^/]+)/", mail.outbox[0].body).group(1)
    with pytest.raises(ValidationError):
        services.do_confirm_email(event, token + "x")
    services.do_confirm_email(event, token)
    assert list(services.moderation_queue(event)) == [reflection]
    services.do_moderate(reflection, actor=moderator, approve=True)
    reflection.refresh_from_db()
    assert reflection.is_published
    entry = describe_entries(AuditEntry.objects.filter(action="hubbub.reflection.approved"))[0]
    assert "approved the reflection by Guest" in entry.description.text


def test_reflection_unconfirmed_guest_is_deleted_after_the_set_time(event, settings):
    settings.HUBBUB_REFLECTIONS_CONFIRM_HOURS = 2
    reflection = write(event, name="Guest", email="g@example.org")
    kept = write(event, UserFactory())
    assert services.delete_unconfirmed(timezone.now() + timedelta(hours=1)) == 0
    assert services.delete_unconfirmed(timezone.now() + timedelta(hours=3)) == 1
    assert not Reflection.objects.filter(pk=reflection.pk).exists()
    assert Reflection.objects.filter(pk=kept.pk).exists()
    assert not ReflectionItem.objects.filter(reflection_id=reflection.pk).exists()


def test_reflection_moderation_needs_the_right(event):
    reflection = write(event, UserFactory())
    with pytest.raises(PermissionDenied):
        services.do_moderate(reflection, actor=UserFactory(), approve=True)


def test_reflection_reject_hides_it_and_is_audited(event, moderator):
    reflection = write(event, UserFactory())
    services.do_moderate(reflection, actor=moderator, approve=False)
    assert not services.published(event).exists()
    assert AuditEntry.objects.filter(action="hubbub.reflection.rejected").count() == 1


def test_reflection_archive_takes_none(event):
    event.status = Event.Status.ARCHIVED
    event.save()
    with pytest.raises(EventClosed):
        write(event)


def test_reflection_rate_limited_per_writer(event, settings):
    from hubbub.core.ratelimit import RateLimited

    settings.HUBBUB_RATE_LIMITS = {**settings.HUBBUB_RATE_LIMITS, "reflection.visitor": (1, 600)}
    user = UserFactory()
    write(event, user)
    with pytest.raises(RateLimited):
        write(event, user)


def test_reflection_too_many_items_is_refused(event):
    items = [{"text": f"item {i}"} for i in range(21)]
    assert "items" in errors_of(lambda: write(event, items=items))


def test_session_mentions_counts_published_reflections_once(event):
    session = SessionFactory(event=event)
    items = [{"text": "a", "session_id": session.pk}, {"text": "b", "session_id": session.pk}]
    publish(write(event, items=items))
    write(event, items=items)  # held: not counted
    assert services.session_mentions(session) == 1


def test_due_date_on_the_first_day_is_fine():
    event = EventFactory(starts_on=date(2030, 6, 10))
    write(event, items=[{"text": "x", "action": "y", "due": "2030-06-10"}])
