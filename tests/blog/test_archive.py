"""An archived event's blog stays readable, and nobody can write or edit its posts."""

import pytest

from hubbub.blog import services
from hubbub.blog.models import Post
from hubbub.events.lifecycle import EventClosed
from hubbub.events.models import Event

from .helpers import make_post

pytestmark = pytest.mark.django_db

FORM = {"title": "Late news", "body": "Written after", "status": "published", "comments_open": "on"}


@pytest.fixture
def archived_post(event, editor):
    post = make_post(event=event, author=editor, title="Day one", body="As it was")
    event.status = Event.Status.ARCHIVED
    event.save()
    return post


@pytest.mark.parametrize("editing", [False, True])
def test_writing_or_editing_a_post_of_an_archive_is_refused(event, editor, archived_post, editing):
    with pytest.raises(EventClosed, match="archive"):
        services.do_save_post(
            event=event,
            author=editor,
            post=archived_post if editing else None,
            title="Late news",
            body="Written after",
            status=Post.Status.PUBLISHED,
        )
    archived_post.refresh_from_db()
    assert archived_post.title == "Day one" and Post.objects.count() == 1


def test_the_blog_of_an_archive_reads_but_offers_no_writing(client, event, editor, archived_post):
    client.force_login(editor)
    listing = client.get(f"/{event.slug}/blog/").content.decode()
    assert "This is an archive of the event." in listing
    assert "Day one" in listing and "Write a post" not in listing
    page = client.get(f"/{event.slug}/blog/{archived_post.slug}/")
    assert page.status_code == 200
    assert "As it was" in page.content.decode() and "Edit this post" not in page.content.decode()


@pytest.mark.parametrize("path", ["write/", "day-one/edit/"])
def test_the_writing_page_of_an_archive_says_why_and_saves_nothing(
    client, event, editor, archived_post, path
):
    client.force_login(editor)
    response = client.post(f"/{event.slug}/blog/{path}", FORM, follow=True)
    assert response.redirect_chain[-1][0] == f"/{event.slug}/blog/"
    assert "it can no longer be changed" in response.content.decode()
    archived_post.refresh_from_db()
    assert archived_post.title == "Day one" and Post.objects.count() == 1
    page = client.get(f"/{event.slug}/blog/{path}", follow=True)
    assert "it can no longer be changed" in page.content.decode()
