"""Moderation rules, spam heuristics, likes and the edit window."""

from datetime import timedelta

import pytest
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hubbub.comments import services
from hubbub.comments.models import Comment, DisallowedWord, EventCommentSettings, Like
from hubbub.comments.targets import describe
from hubbub.live.models import StreamMessage
from hubbub.live.services import do_create_entry

from ..blog.helpers import make_comment, make_post
from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def post_comment(target, **fields):
    values = {"name": "Grace", "email": "grace@example.org", "body": "Thanks for this."}
    values.update(fields)
    return services.do_post_comment(target=describe(target), **values)


def test_guest_first_comment_is_held_and_later_ones_from_approved_email_go_up(event):
    # Trust follows the browser (its visitor cookie), not a typed-in email address.
    post = make_post(event)
    first = post_comment(post, device_key="grace-browser")
    assert first.status == Comment.Status.PENDING and first.held_reason == "first comment"
    second = post_comment(post, body="Another thought.", device_key="grace-browser")
    assert second.status == Comment.Status.PENDING
    services.do_moderate([first], actor=UserFactory(is_superuser=True), action="approve",
                         event=event)  # fmt: skip
    third = post_comment(post, email="GRACE@example.org", body="And one more.",
                         device_key="grace-browser")  # fmt: skip
    assert third.status == Comment.Status.APPROVED


def test_moderator_comment_is_approved_at_once(event, moderator):
    post = make_post(event)
    assert post_comment(post, user=moderator).status == Comment.Status.APPROVED


def test_comment_with_many_links_is_held_even_from_known_email(event):
    post = make_post(event)
    make_comment(post, email="grace@example.org", device_key="grace-browser")
    body = "See https://a.example http://b.example and www.c.example"
    comment = post_comment(post, body=body, device_key="grace-browser")
    assert comment.status == Comment.Status.PENDING and comment.held_reason == "many links"
    two_links = post_comment(post, body="Two: https://a.example https://b.example",
                             device_key="grace-browser")  # fmt: skip
    assert two_links.status == "approved"


def test_disallowed_word_marks_spam(event, settings):
    DisallowedWord.objects.create(word="cheap pills")
    post = make_post(event)
    assert post_comment(post, body="Buy CHEAP pills now").status == Comment.Status.SPAM


@pytest.mark.parametrize(
    "fields, field",
    [
        ({"body": ""}, "body"),
        ({"body": "   "}, "body"),
        ({"body": "x" * 5001}, "body"),
        ({"name": ""}, "name"),
        ({"email": "not-an-email"}, "email"),
        ({"email": ""}, "email"),
        ({"url": "javascript:alert(1)"}, "url"),
    ],
)
def test_bad_comment_names_the_field_and_stores_nothing(event, fields, field):
    post = make_post(event)
    with pytest.raises(ValidationError) as caught:
        post_comment(post, **fields)
    assert field in caught.value.message_dict
    assert not Comment.objects.exists()


def test_comment_of_exactly_5000_characters_is_accepted(event):
    assert post_comment(make_post(event), body="x" * 5000).pk


def test_reply_to_comment_on_another_post_is_refused(event):
    post, other = make_post(event), make_post(event, title="Other")
    elsewhere = make_comment(other)
    with pytest.raises(ValidationError) as caught:
        post_comment(post, parent_id=elsewhere.pk)
    assert "parent" in caught.value.message_dict
    assert Comment.objects.count() == 1


def test_replies_nest_three_deep_at_most(event):
    post = make_post(event)
    top = make_comment(post)
    reply = make_comment(post, parent=top)
    deepest = make_comment(post, parent=reply)
    assert deepest.depth == 2
    with pytest.raises(ValidationError):
        post_comment(post, parent_id=deepest.pk)
    assert post_comment(post, parent_id=reply.pk).depth == 2


def test_closed_post_takes_no_comments(event):
    post = make_post(event, comments_open=False)
    with pytest.raises(ValidationError):
        post_comment(post)
    assert not Comment.objects.exists()


def test_comments_close_days_after_the_event(event, settings):
    event.starts_on = event.ends_on = timezone.localdate() - timedelta(days=20)
    event.save()
    post = make_post(event)
    assert describe(post).comments_open is False
    EventCommentSettings.objects.create(event=event, close_after_days=30)
    assert describe(post).comments_open is True
    EventCommentSettings.objects.all().delete()
    settings.HUBBUB_COMMENTS_CLOSE_AFTER_DAYS = 21
    assert describe(post).comments_open is True


def test_site_wide_post_comments_follow_the_post_switch(db):
    assert describe(make_post(None)).comments_open is True


def test_honeypot_and_fill_time(event):
    with pytest.raises(ValidationError):
        services.check_not_a_robot(honeypot="http://spam", timestamp=services.form_timestamp())
    with pytest.raises(ValidationError):
        services.check_not_a_robot(honeypot="", timestamp=services.form_timestamp())
    with pytest.raises(ValidationError):
        services.check_not_a_robot(honeypot="", timestamp="forged")
    earlier = signing.dumps(timezone.now().timestamp() - 10, salt="hubbub.comments.form-time")
    services.check_not_a_robot(honeypot="", timestamp=earlier)


def test_flooding_is_rate_limited_per_email_and_address(event, settings):
    settings.HUBBUB_RATE_LIMITS = {**settings.HUBBUB_RATE_LIMITS, "comment.email": (5, 60),
                                   "comment.address": (5, 60)}  # fmt: skip
    post = make_post(event)
    for n in range(5):
        post_comment(post, body=f"Comment {n}", ip_address="192.0.2.1")
    with pytest.raises(services.RateLimited):
        post_comment(post, body="One too many", ip_address="198.51.100.7")
    with pytest.raises(services.RateLimited):
        post_comment(post, body="One too many", email="other@example.org", ip_address="192.0.2.1")
    assert Comment.objects.count() == 5


def test_likes_are_one_per_person_and_idempotent(event):
    post = make_post(event)
    target = describe(post)
    user = UserFactory()
    assert services.do_like(target, user=user) == 1
    assert services.do_like(target, user=user) == 1
    assert services.do_like(target, reader_key="reader-a") == 2
    assert services.do_like(target, reader_key="reader-a") == 2
    assert services.do_like(target, reader_key="reader-b") == 3
    assert services.do_like(target, user=user, liked=False) == 2
    assert services.do_like(target, user=user, liked=False) == 2
    assert Like.objects.count() == 2


def test_anonymous_like_needs_a_reader_key(event):
    with pytest.raises(ValidationError):
        services.do_like(describe(make_post(event)), reader_key="")


def test_approval_on_a_live_entry_is_published_and_a_like_is_not_logged(event, reporter, moderator):
    entry = do_create_entry(event=event, author=reporter, body="Keynote starts")
    services.do_like(describe(entry), reader_key="r1")
    comment = post_comment(entry)
    services.do_moderate([comment], actor=moderator, action="approve", event=event)
    types = list(StreamMessage.objects.filter(event=event).values_list("type", flat=True))
    assert types == ["entry.created", "comment.approved"]
    approved = StreamMessage.objects.get(type="comment.approved")
    assert f'"target":"entry-{entry.pk}"' in approved.data and "Thanks for this." in approved.data


def test_only_moderators_moderate(event, reporter):
    comment = post_comment(make_post(event))
    with pytest.raises(PermissionDenied):
        services.do_moderate([comment], actor=reporter, action="approve", event=event)


def test_moderation_ignores_comments_of_other_events(event, other_event, moderator):
    comment = post_comment(make_post(other_event))
    assert services.do_moderate([comment], actor=moderator, action="approve", event=event) == 0


def test_edit_window_for_own_comment(event):
    post = make_post(event)
    comment = post_comment(post, device_key="device-1")
    assert services.can_edit(comment, None, "device-1")
    assert not services.can_edit(comment, None, "device-2")
    services.do_edit_comment(comment, user=None, device_key="device-1", body="Changed")
    comment.refresh_from_db()
    assert comment.body == "Changed" and comment.edited_at
    later = timezone.now() + timedelta(minutes=11)
    assert not services.can_edit(comment, None, "device-1", now=later)
    user = UserFactory()
    mine = post_comment(post, user=user)
    assert services.can_edit(mine, user, "")
    assert not services.can_edit(mine, UserFactory(), "")


def test_thread_is_built_in_python(event):
    post = make_post(event)
    top = make_comment(post)
    make_comment(post, parent=top, name="Bea")
    make_comment(post, status=Comment.Status.PENDING, name="Held")
    roots, count = services.comment_thread(describe(post))
    assert count == 2 and [c.children[0].author_name for c in roots] == ["Bea"]


def test_deleting_a_post_deletes_its_comments_and_likes(event):
    post = make_post(event)
    make_comment(post)
    services.do_like(describe(post), reader_key="r")
    post.delete()
    assert not Comment.objects.exists() and not Like.objects.exists()


def test_approving_a_comment_whose_entry_has_gone(event, reporter, moderator):
    entry = do_create_entry(event=event, author=reporter, body="Soon gone")
    comment = post_comment(entry)
    entry.delete()
    comment = Comment.objects.get(pk=comment.pk)
    assert services.do_moderate([comment], actor=moderator, action="approve", event=event) == 1
