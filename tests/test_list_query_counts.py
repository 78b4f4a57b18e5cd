"""Every list page costs the same number of queries for one item as for three.

Each test fills a list with one item, counts the queries of the page, adds two more items
(each with its own likes, comments or author where the page shows them), and counts again.
"""

import pytest

from hubbub.comments.models import Comment
from hubbub.comments.services import do_like
from hubbub.comments.targets import load
from hubbub.core.permissions import Role
from hubbub.live.models import LiveEntry
from hubbub.live.services import do_create_entry

from .blog.helpers import make_comment, make_post
from .factories import UserFactory, grant

pytestmark = pytest.mark.django_db


def _entry(event, n, status=LiveEntry.Status.PUBLISHED):
    author = UserFactory()
    grant(
        author,
        event,
        Role.REPORTER if status == LiveEntry.Status.PUBLISHED else "moderated_reporter",
    )
    entry = do_create_entry(event=event, author=author, body=f"Update number {n}")
    if entry.status == LiveEntry.Status.PUBLISHED:
        do_like(load("entry", entry.pk, event), reader_key=f"reader-{n}")
        make_comment(entry, name=f"Reader {n}")
    return entry


def _same_for_one_and_three(page_queries, client, url, add_item, **headers):
    add_item(0)
    one = page_queries(client, url, **headers)
    add_item(1)
    add_item(2)
    three = page_queries(client, url, **headers)
    assert three == one, f"{url}: {one} queries for one item, {three} for three"


def test_live_reader_page(client, event, page_queries):
    _same_for_one_and_three(
        page_queries, client, f"/{event.slug}/live/", lambda n: _entry(event, n)
    )


def test_reporter_console(client, event, editor, page_queries):
    client.force_login(editor)
    _same_for_one_and_three(
        page_queries, client, f"/{event.slug}/live/write", lambda n: _entry(event, n)
    )


def test_review_queue(client, event, editor, page_queries):
    client.force_login(editor)
    _same_for_one_and_three(
        page_queries,
        client,
        f"/{event.slug}/live/review",
        lambda n: _entry(event, n, status=LiveEntry.Status.PENDING),
    )


def test_comment_moderation_queue(client, event, moderator, page_queries):
    post = make_post(event, title="Commented post")
    client.force_login(moderator)
    _same_for_one_and_three(
        page_queries,
        client,
        f"/{event.slug}/comments/moderate/",
        lambda n: make_comment(post, name=f"Reader {n}", status=Comment.Status.PENDING),
    )


def test_blog_list(client, event, page_queries):
    def add(n):
        post = make_post(event, title=f"Post {n}", author=UserFactory())
        make_comment(post, name=f"Reader {n}")

    _same_for_one_and_three(page_queries, client, f"/{event.slug}/blog/", add)


def test_api_entries_list(client, event, page_queries):
    _same_for_one_and_three(
        page_queries, client, f"/api/v1/events/{event.slug}/entries", lambda n: _entry(event, n)
    )


def test_api_comments_list(client, event, page_queries):
    post = make_post(event, title="Commented post")
    _same_for_one_and_three(
        page_queries,
        client,
        f"/api/v1/events/{event.slug}/comments/post/{post.pk}",
        lambda n: make_comment(post, name=f"Reader {n}"),
    )
