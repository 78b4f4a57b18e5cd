"""The organiser's comment policy per event, and archives taking no comments or likes."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hubbub.comments import services
from hubbub.comments.models import Comment, EventCommentSettings, Like
from hubbub.comments.targets import describe
from hubbub.core.models import AuditEntry
from hubbub.events.models import Event

from ..blog.helpers import make_comment, make_post
from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def post_comment(target, **fields):
    values = {"name": "Grace", "email": "grace@example.org", "body": "Thanks for this."}
    values.update(fields)
    return services.do_post_comment(target=describe(target), **values)


def set_policy(event, policy, days=14):
    EventCommentSettings.objects.update_or_create(
        event=event, defaults={"policy": policy, "close_after_days": days}
    )


@pytest.fixture
def past_event(event):
    event.starts_on = event.ends_on = timezone.localdate() - timedelta(days=60)
    event.save()
    return event


def test_without_a_policy_comments_close_after_the_sites_default(past_event, settings):
    post = make_post(past_event)
    settings.HUBBUB_COMMENTS_CLOSE_AFTER_DAYS = 90
    assert describe(post).comments_open is True
    settings.HUBBUB_COMMENTS_CLOSE_AFTER_DAYS = 14
    assert describe(post).comments_open is False


def test_open_keeps_comments_open_long_after_the_event(past_event):
    set_policy(past_event, "open", days=0)
    post = make_post(past_event)
    assert describe(post).comments_open is True
    assert post_comment(post, device_key="b").pk


def test_closed_takes_no_comments_even_before_the_event(event):
    event.starts_on = event.ends_on = date.today() + timedelta(days=30)
    event.save()
    set_policy(event, "closed")
    post = make_post(event)
    assert describe(post).comments_open is False
    with pytest.raises(ValidationError, match="closed"):
        post_comment(post, device_key="b")
    assert not Comment.objects.exists()


def test_close_after_n_days_counts_from_the_last_day(past_event):
    post = make_post(past_event)
    set_policy(past_event, "close_after", days=59)
    assert describe(post).comments_open is False
    set_policy(past_event, "close_after", days=61)
    assert describe(post).comments_open is True


def test_approval_holds_every_comment_even_from_trusted_people(event):
    post = make_post(event)
    make_comment(post, email="grace@example.org", device_key="grace-browser")
    assert post_comment(post, device_key="grace-browser").status == Comment.Status.APPROVED
    set_policy(event, "approval")
    held = post_comment(post, body="Again", device_key="grace-browser")
    assert held.status == Comment.Status.PENDING and held.held_reason == "approval required"


def test_an_archive_takes_no_comments_likes_or_edits(event):
    post = make_post(event)
    set_policy(event, "open")
    event.status = Event.Status.ARCHIVED
    event.save()
    with pytest.raises(ValidationError, match="archive"):
        post_comment(post, device_key="b")
    with pytest.raises(PermissionDenied, match="archive"):
        services.do_like(describe(post), user=UserFactory())
    assert not Comment.objects.exists() and not Like.objects.exists()


def test_only_organisers_set_the_policy_and_it_is_audited(event, organiser, editor):
    with pytest.raises(PermissionDenied):
        services.do_set_comment_policy(event, actor=editor, policy_name="open", close_after_days=1)
    services.do_set_comment_policy(event, actor=organiser, policy_name="open", close_after_days=1)
    assert services.current_comment_policy(event).policy == "open"
    assert AuditEntry.objects.filter(event=event, action="hubbub.comments.policy_changed").exists()


def test_a_bad_policy_is_refused_and_changes_nothing(event, organiser):
    with pytest.raises(ValidationError) as caught:
        services.do_set_comment_policy(
            event, actor=organiser, policy_name="whenever", close_after_days=-3
        )
    assert set(caught.value.message_dict) == {"policy", "close_after_days"}
    assert not EventCommentSettings.objects.exists()


def test_the_settings_page_shows_and_saves_the_comment_policy(client, event, organiser):
    client.force_login(organiser)
    page = client.get(f"/{event.slug}/manage/settings").content.decode()
    assert "Save comment policy" in page and 'value="approval"' in page
    response = client.post(
        f"/{event.slug}/manage/comments", {"policy": "approval", "close_after_days": "5"}
    )
    assert response.status_code == 302
    assert services.current_comment_policy(event).policy == "approval"
    response = client.post(
        f"/{event.slug}/manage/comments", {"policy": "approval", "close_after_days": "x"}
    )
    assert response.status_code == 422
    assert services.current_comment_policy(event).close_after_days == 5


def test_demo_events_take_comments(db):
    from hubbub.events.demo import load_demo

    load_demo()
    for slug in ("all-change-2011", "lg-innovation-2008"):
        assert services.current_comment_policy(Event.objects.get(slug=slug)).policy == "open"
