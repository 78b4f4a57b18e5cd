"""Posts: the write service, scheduling, archives, neighbours and the site search."""

from datetime import UTC, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from hubbub.blog import services
from hubbub.blog.models import Post
from hubbub.events.models import Event
from hubbub.live.services import do_create_entry

from ..factories import EventFactory, UserFactory
from .helpers import make_post

pytestmark = pytest.mark.django_db


def save(event, author, **fields):
    values = {"title": "Day one", "body": "We *began*.", "status": Post.Status.PUBLISHED}
    values.update(fields)
    return services.do_save_post(event=event, author=author, **values)


def test_editor_writes_a_post_with_categories_and_tags(event, editor):
    post = save(event, editor, categories="Keynotes, Digital", tags="ai, housing")
    assert post.slug == "day-one" and post.body_html == "<p>We <em>began</em>.</p>\n"
    assert sorted(c.name for c in post.categories.all()) == ["Digital", "Keynotes"]
    assert post in services.visible_posts(event)


def test_reporters_and_strangers_cannot_write(event, reporter):
    with pytest.raises(PermissionDenied):
        save(event, reporter)
    with pytest.raises(PermissionDenied):
        save(None, UserFactory())
    assert save(None, UserFactory(is_staff=True)).event is None


def test_markup_that_could_run_is_removed(event, editor):
    post = save(event, editor, body="<script>alert(1)</script> [x](javascript:alert(1))")
    assert "<script>" not in post.body_html and 'href="javascript' not in post.body_html


def test_bad_post_names_fields(event, editor):
    with pytest.raises(ValidationError) as caught:
        save(event, editor, title="", body="")
    assert set(caught.value.message_dict) == {"title", "body"}
    save(event, editor)
    with pytest.raises(ValidationError) as caught:
        save(event, editor, title="Day one")
    assert "slug" in caught.value.message_dict


def test_reserved_slug_is_moved_aside(event, editor):
    assert save(event, editor, title="Write").slug == "write-post"


def test_scheduled_post_appears_once_its_time_comes(event, editor):
    later = timezone.now() + timedelta(hours=2)
    post = save(event, editor, publish_at=later)
    assert post.status == Post.Status.SCHEDULED
    assert post not in services.visible_posts(event)
    assert Post.objects.visible(now=later + timedelta(seconds=1)).filter(pk=post.pk).exists()


def test_drafts_are_hidden(event, editor):
    post = save(event, editor, status=Post.Status.DRAFT)
    assert not services.visible_posts(event).exists()
    assert services.get_post(event, post.slug, editor) == post
    with pytest.raises(Http404):
        services.get_post(event, post.slug, None)


def test_previous_and_next(event):
    now = timezone.now()
    a = make_post(event, title="A", publish_at=now - timedelta(days=3))
    b = make_post(event, title="B", publish_at=now - timedelta(days=2))
    c = make_post(event, title="C", publish_at=now - timedelta(days=1))
    make_post(event, title="Draft", status=Post.Status.DRAFT, publish_at=now - timedelta(hours=30))
    make_post(None, title="Elsewhere", publish_at=now - timedelta(hours=36))
    assert services.neighbours(b) == (a, c)
    assert services.neighbours(a) == (None, b)


def test_archive_months_in_the_event_zone(event):
    make_post(event, title="A", publish_at=timezone.datetime(2025, 5, 31, 23, 30, tzinfo=UTC))
    make_post(event, title="B", publish_at=timezone.datetime(2025, 4, 2, 12, tzinfo=UTC))
    months = services.archive_months(event)
    # 23:30 UTC on 31 May is June in London.
    assert [(m["year"], m["month"]) for m in months] == [(2025, 6), (2025, 4)]


def test_search_finds_posts_and_live_entries(event, reporter):
    make_post(event, title="Housing strategy", body="Councils and **housing** targets")
    make_post(event, title="Secret draft", body="housing", status=Post.Status.DRAFT)
    do_create_entry(event=event, author=reporter, body="The housing minister takes questions")
    do_create_entry(event=event, author=reporter, body="Coffee break")
    hits = services.search("housing")
    assert sorted(h.kind for h in hits) == ["entry", "post"]
    assert hits[0].kind == "post"  # a title match ranks first
    assert services.search("housing", event=EventFactory()) == []


def test_search_hides_draft_events_and_survives_odd_input(event, reporter):
    hidden = EventFactory(status=Event.Status.DRAFT)
    make_post(hidden, title="Budget", body="budget")
    assert services.search("budget") == []
    for query in ['"', "AND (", "NEAR(", "*", "housing OR", "ü", ""]:
        services.search(query)


def test_search_follows_edits_and_deletes(event, editor):
    post = save(event, editor, title="Parking", body="car parks")
    assert services.search("parking")
    save(event, editor, title="Cycling", body="bike lanes", post=post)
    assert not services.search("parking") and services.search("cycling")
    post.delete()
    assert not services.search("cycling")


def _png(name="cover.png"):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "#1d70b8").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_cover_image_is_cleaned_and_stored(event, editor):
    post = save(event, editor, cover=_png(), cover_alt="A blue square")
    assert post.cover and post.cover_alt == "A blue square"


def test_a_cover_that_is_not_an_image_names_the_field(event, editor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationError) as caught:
        save(event, editor, cover=SimpleUploadedFile("x.png", b"not an image"))
    assert "cover" in caught.value.message_dict
    assert not Post.objects.exists()


def test_site_wide_comments_are_moderated_by_staff(client):
    from hubbub.comments.models import Comment

    from .helpers import make_comment

    post = make_post(None, title="Welcome")
    held = make_comment(post, status=Comment.Status.PENDING)
    client.force_login(UserFactory())
    assert client.get("/blog/comments/moderate/").status_code == 403
    client.force_login(UserFactory(is_staff=True))
    assert "Good point." in client.get("/blog/comments/moderate/").content.decode()
    client.post("/blog/comments/moderate/", {"do": f"approve:{held.pk}"})
    held.refresh_from_db()
    assert held.status == Comment.Status.APPROVED
