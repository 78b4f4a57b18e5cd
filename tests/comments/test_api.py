"""Comments and likes over the API answer 4xx JSON naming the field, and store nothing."""

import pytest

from hubbub.comments.models import Comment, Like

from ..blog.helpers import make_comment, make_post
from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def test_guest_comment_over_api_is_held(client, event):
    post = make_post(event)
    url = f"/api/v1/events/{event.slug}/comments/post/{post.pk}"
    response = client.post(url, {"name": "Grace", "email": "grace@example.org", "body": "Hi"},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 201 and response.json()["status"] == "pending"
    assert client.get(url).json() == []


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"name": "G", "email": "bad", "body": "Hi"}, "email"),
        ({"name": "G", "email": "g@example.org", "body": ""}, "body"),
        ({"name": "G", "email": "g@example.org", "body": "x" * 5001}, "body"),
        ({"name": "G", "email": "g@example.org", "body": "Hi", "parent_id": 999999}, "parent"),
    ],
)
def test_bad_comment_over_api_names_the_field(client, event, payload, field):
    post = make_post(event)
    response = client.post(f"/api/v1/events/{event.slug}/comments/post/{post.pk}", payload,
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]
    assert not Comment.objects.exists()


def test_closed_post_over_api(client, event):
    post = make_post(event, comments_open=False)
    response = client.post(f"/api/v1/events/{event.slug}/comments/post/{post.pk}",
                           {"name": "G", "email": "g@example.org", "body": "Hi"},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 422 and "closed" in response.json()["errors"][0]["message"]


def test_flood_over_api_is_429(client, event, settings):
    settings.HUBBUB_RATE_LIMITS = {**settings.HUBBUB_RATE_LIMITS, "comment.email": (5, 60)}
    post = make_post(event)
    url = f"/api/v1/events/{event.slug}/comments/post/{post.pk}"
    payload = {"name": "G", "email": "g@example.org", "body": "Hi"}
    codes = [client.post(url, payload, content_type="application/json").status_code
             for _ in range(6)]  # fmt: skip
    assert codes == [201] * 5 + [429] and Comment.objects.count() == 5


def test_like_over_api_and_like_a_comment(client, event, token_for):
    post = make_post(event)
    comment = make_comment(post)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(UserFactory())}"}
    for kind, pk in (("post", post.pk), ("comment", comment.pk)):
        url = f"/api/v1/events/{event.slug}/likes/{kind}/{pk}"
        for _ in range(2):
            response = client.post(url, {}, content_type="application/json", **headers)
            assert response.json()["count"] == 1
    assert Like.objects.count() == 2
    assert client.post(url, {}, content_type="application/json").status_code == 401


def test_comment_like_from_the_page(client, event):
    post = make_post(event)
    comment = make_comment(post)
    client.get(post.get_absolute_url())  # the page gives the browser its visitor cookie
    client.post(f"/{event.slug}/comments/comment/{comment.pk}/like/")
    assert "1 person likes this" in client.get(post.get_absolute_url()).content.decode()
    held = make_comment(post, status="pending")
    assert client.post(f"/{event.slug}/comments/comment/{held.pk}/like/").status_code == 404


def test_admin_pages(client, event):
    make_comment(make_post(event))
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    for path in ["blog/post", "blog/category", "comments/comment", "comments/disallowedword",
                 "comments/eventcommentsettings"]:  # fmt: skip
        assert client.get(f"/admin/{path}/").status_code == 200
