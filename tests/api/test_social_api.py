"""The social wall's API: sources, the queue, decisions and the wall."""

import json

import pytest

from hubbub.live.models import StreamMessage
from hubbub.social.models import SocialPost, Source

from ..social.helpers import make_post

pytestmark = pytest.mark.django_db


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_editor_adds_sources_of_each_kind(client, event, editor, token_for):
    token = token_for(editor)
    base = f"/api/v1/events/{event.slug}/social/sources"
    bodies = [
        {"kind": "mastodon", "server": "https://mastodon.example", "hashtag": "AllChange"},
        {"kind": "bluesky", "server": "https://public.api.bsky.app", "query": "#AllChange"},
        {"kind": "feed", "url": "https://example.org/feed.xml"},
    ]
    for body in bodies:
        response = client.post(
            base, json.dumps(body), content_type="application/json", headers=bearer(token)
        )
        assert response.status_code == 201, response.json()
        assert response.json()["state"] == "active"
    listed = client.get(base, headers=bearer(token)).json()["sources"]
    assert [(s["kind"], s["query"]) for s in listed] == [
        ("mastodon", "#AllChange"),
        ("bluesky", "#AllChange"),
        ("feed", ""),
    ]


def test_bad_source_is_422_naming_the_field(client, event, editor, token_for):
    response = client.post(
        f"/api/v1/events/{event.slug}/social/sources",
        json.dumps({"kind": "mastodon", "server": "gopher://x", "hashtag": "a"}),
        content_type="application/json",
        headers=bearer(token_for(editor)),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "server"
    assert not Source.objects.exists()


def test_moderator_may_not_add_sources(client, event, moderator, token_for):
    response = client.post(
        f"/api/v1/events/{event.slug}/social/sources",
        json.dumps({"kind": "feed", "url": "https://example.org/feed"}),
        content_type="application/json",
        headers=bearer(token_for(moderator)),
    )
    assert response.status_code == 403


def test_queue_approve_and_reject(client, event, moderator, token_for):
    token = token_for(moderator)
    first, second = make_post(event, image=True), make_post(event)
    queue = client.get(f"/api/v1/events/{event.slug}/social/queue", headers=bearer(token))
    assert {p["id"] for p in queue.json()["posts"]} == {first.pk, second.pk}
    assert queue.json()["posts"][-1]["images"][0]["url"].startswith("http://testserver/media/")

    approved = client.post(
        f"/api/v1/events/{event.slug}/social/posts/{first.pk}/approve", headers=bearer(token)
    )
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    rejected = client.post(
        f"/api/v1/events/{event.slug}/social/posts/{second.pk}/reject", headers=bearer(token)
    )
    assert rejected.json()["status"] == "rejected"
    assert StreamMessage.objects.filter(type="social.approved").count() == 1

    wall = client.get(f"/api/v1/events/{event.slug}/social/posts").json()
    assert [p["id"] for p in wall["posts"]] == [first.pk]


def test_queue_is_not_public(client, event):
    response = client.get(f"/api/v1/events/{event.slug}/social/queue")
    assert response.status_code == 401


def test_reporter_cannot_approve(client, event, reporter, token_for):
    post = make_post(event)
    response = client.post(
        f"/api/v1/events/{event.slug}/social/posts/{post.pk}/approve",
        headers=bearer(token_for(reporter)),
    )
    assert response.status_code == 403
    assert SocialPost.objects.get().status == "queued"


def test_wall_pages_through_posts(client, event):
    posts = [make_post(event, status="approved") for _ in range(55)]
    first = client.get(f"/api/v1/events/{event.slug}/social/posts").json()
    assert len(first["posts"]) == 50 and first["next_before"] == posts[5].pk
    rest = client.get(
        f"/api/v1/events/{event.slug}/social/posts?before={first['next_before']}"
    ).json()
    assert [p["id"] for p in rest["posts"]] == [p.pk for p in reversed(posts[:5])]
    assert rest["next_before"] is None


def test_approving_another_events_post_is_404(client, event, other_event, editor, token_for):
    post = make_post(other_event)
    response = client.post(
        f"/api/v1/events/{event.slug}/social/posts/{post.pk}/approve",
        headers=bearer(token_for(editor)),
    )
    assert response.status_code == 404


def test_archive_refuses_approval_with_409(client, event, editor, token_for):
    post = make_post(event)
    event.status = "archived"
    event.save()
    response = client.post(
        f"/api/v1/events/{event.slug}/social/posts/{post.pk}/approve",
        headers=bearer(token_for(editor)),
    )
    assert response.status_code == 409
    assert SocialPost.objects.get().status == "queued"
