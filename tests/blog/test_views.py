"""Public blog pages, the writing page, archives and query counts."""

from datetime import UTC

import pytest

from hubbub.blog.models import Category, Post, Tag

from ..factories import UserFactory
from .helpers import make_comment, make_post

pytestmark = pytest.mark.django_db


def test_post_page_says_who_posted_where_and_when(client, event):
    author = UserFactory(first_name="Ada", last_name="Lovelace")
    post = make_post(event, author=author)
    post.categories.add(Category.objects.create(name="Keynotes", slug="keynotes"))
    post.tags.add(Tag.objects.create(name="AI", slug="ai"))
    html = client.get(post.get_absolute_url()).content.decode()
    assert "Posted by" in html and "Ada Lovelace" in html and "Keynotes" in html
    assert "Leave a Reply" in html and 'id="comment-' not in html


@pytest.mark.parametrize("path", ["", "2025/6/", "category/keynotes/", "tag/ai/", "author/{u}/"])
def test_archives(client, event, path):
    from datetime import datetime

    author = UserFactory()
    post = make_post(event, author=author, publish_at=datetime(2025, 6, 11, 10, tzinfo=UTC))
    post.categories.add(Category.objects.create(name="Keynotes", slug="keynotes"))
    post.tags.add(Tag.objects.create(name="AI", slug="ai"))
    make_post(event, title="Hidden", status=Post.Status.DRAFT)
    response = client.get(f"/{event.slug}/blog/{path.format(u=author.username)}")
    html = response.content.decode()
    assert response.status_code == 200 and "Opening keynote" in html and "Hidden" not in html


def test_site_wide_blog(client):
    post = make_post(None, title="Welcome")
    assert post.get_absolute_url() == "/blog/welcome/"
    assert "Welcome" in client.get("/blog/").content.decode()
    assert client.get("/blog/welcome/").status_code == 200


def test_editor_previews_then_publishes_from_the_site(client, event, editor):
    client.force_login(editor)
    url = f"/{event.slug}/blog/write/"
    assert client.get(url).status_code == 200
    data = {"title": "Day two", "body": "**Bold** start", "status": "published",
            "categories": "News", "tags": "", "comments_open": "on"}  # fmt: skip
    preview = client.post(url, {**data, "preview": "1"})
    assert "<strong>Bold</strong>" in preview.content.decode() and not Post.objects.exists()
    response = client.post(url, data)
    assert response.status_code == 302 and response.url == f"/{event.slug}/blog/day-two/"
    edit = client.post(
        f"/{event.slug}/blog/day-two/edit/", {**data, "title": "Day 2", "slug": "day-two"}
    )
    assert edit.status_code == 302 and Post.objects.get().title == "Day 2"


def test_writing_page_is_for_the_events_editors(client, event, reporter):
    client.force_login(reporter)
    assert client.get(f"/{event.slug}/blog/write/").status_code == 403


def test_search_page(client, event):
    make_post(event, title="Housing strategy")
    html = client.get("/search/", {"q": "housing"}).content.decode()
    assert "Housing strategy" in html and "1 result" in html


def test_post_page_queries_do_not_grow_with_comments(client, event, page_queries):
    small, large = make_post(event, title="Small"), make_post(event, title="Large")
    for post, n in ((small, 20), (large, 200)):
        parent = None
        for i in range(n):
            comment = make_comment(post, name=f"Reader {i}", parent=parent if i % 3 else None)
            parent = comment if comment.depth < 2 else None
    client.get(small.get_absolute_url())  # warm the content type cache
    assert page_queries(client, small.get_absolute_url()) == page_queries(
        client, large.get_absolute_url()
    )
    assert "200 comments" in client.get(large.get_absolute_url()).content.decode()


def test_publish_at_is_read_in_the_events_time_zone(client, event, editor):
    client.force_login(editor)
    client.post(
        f"/{event.slug}/blog/write/",
        {"title": "Later", "body": "Soon", "status": "published", "publish_at": "2030-06-10T09:00"},
    )
    post = Post.objects.get()
    assert post.status == Post.Status.SCHEDULED
    assert post.publish_at.isoformat() == "2030-06-10T08:00:00+00:00"  # 09:00 BST
    assert client.logout() is None
    assert client.get(f"/{event.slug}/blog/later/").status_code == 404


def test_moderators_find_the_queue_from_the_blog(client, event, moderator):
    client.force_login(moderator)
    html = client.get(f"/{event.slug}/blog/").content.decode()
    assert f"/{event.slug}/comments/moderate/" in html and "Write a post" not in html
