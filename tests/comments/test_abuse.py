"""What a spammer or impostor tries: trust by proof only, single-use form tokens, limits a
script hits and a delegate does not, likes that cost more than a dropped cookie."""

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from hubbub.comments.models import Comment, Like
from hubbub.core.permissions import Role

from ..blog.helpers import make_comment, make_post
from ..factories import UserFactory, grant

pytestmark = pytest.mark.django_db


def form_data(**extra):
    data = {
        "name": "Grace Hopper",
        "email": "grace@example.org",
        "body": "A thought.",
        "ts": signing.dumps(timezone.now().timestamp() - 10, salt="hubbub.comments.form-time"),
        "homepage": "",
    }
    data.update(extra)
    return data


def test_known_email_without_proof_is_held(client, event):
    post = make_post(event)
    make_comment(post, name="Editor", email="editor@example.org")  # approved earlier
    url = f"/api/v1/events/{event.slug}/comments/post/{post.pk}"
    payload = {"name": "Event Editor (official)", "email": "editor@example.org", "body": "Hi"}
    response = client.post(url, payload, content_type="application/json")
    assert response.status_code == 201 and response.json()["status"] == "pending"
    client.post(post.get_absolute_url(), form_data(name="Ed", email="editor@example.org"))
    assert Comment.objects.get(author_name="Ed").status == Comment.Status.PENDING


def test_browser_whose_comment_was_approved_is_trusted_with_any_email(client, event):
    post = make_post(event)
    client.get(post.get_absolute_url())
    client.post(post.get_absolute_url(), form_data(body="First"))
    Comment.objects.filter(body="First").update(status=Comment.Status.APPROVED)
    client.post(post.get_absolute_url(), form_data(body="Second", email="g@example.net"))
    assert Comment.objects.get(body="Second").status == Comment.Status.APPROVED
    stranger = Client()
    stranger.post(post.get_absolute_url(), form_data(body="Third"))
    assert Comment.objects.get(body="Third").status == Comment.Status.PENDING


@pytest.mark.parametrize("name", ["jo  BLOGGS", "Jo Bloggs (organiser)", "Official Team"])
def test_a_name_posing_as_the_team_is_held_even_from_a_trusted_browser(client, event, name):
    grant(UserFactory(first_name="Jo", last_name="Bloggs"), event, Role.EDITOR)
    post = make_post(event)
    client.post(post.get_absolute_url(), form_data(body="First"))
    Comment.objects.filter(body="First").update(status=Comment.Status.APPROVED)
    client.post(post.get_absolute_url(), form_data(name=name, body="Posing"))
    comment = Comment.objects.get(body="Posing")
    assert comment.status == Comment.Status.PENDING and comment.held_reason == "name of the team"


def test_form_timing_token_is_single_use(client, event):
    post = make_post(event)
    data = form_data()
    statuses = [client.post(post.get_absolute_url(), data).status_code for _ in range(3)]
    assert statuses == [302, 400, 400]
    again = client.post(post.get_absolute_url(), data)
    assert "This form was already sent" in again.content.decode()
    assert Comment.objects.count() == 1


def test_a_refused_comment_can_be_corrected_and_sent_with_the_same_form(client, event):
    post = make_post(event)
    data = form_data(email="nope")
    assert client.post(post.get_absolute_url(), data).status_code == 400
    assert (
        client.post(post.get_absolute_url(), {**data, "email": "g@example.org"}).status_code == 302
    )


def test_a_browser_is_limited_and_a_shared_network_is_not(event):
    post = make_post(event)
    delegate = Client(REMOTE_ADDR="192.0.2.50")
    statuses = [
        delegate.post(post.get_absolute_url(), form_data(body=f"Note {n}")).status_code
        for n in range(4)
    ]
    assert statuses == [302, 302, 302, 429]
    # Twenty other people on the venue's Wi-Fi (one address) comment in the same minute.
    for n in range(20):
        person = Client(REMOTE_ADDR="192.0.2.50")
        response = person.post(
            post.get_absolute_url(), form_data(email=f"person{n}@example.org", body=f"Hi {n}")
        )
        assert response.status_code == 302
    assert Comment.objects.count() == 23


def test_likes_with_a_fresh_cookie_each_time_count_nothing(event):
    post = make_post(event)
    url = f"/{event.slug}/comments/post/{post.pk}/like/"
    for _ in range(40):
        Client().post(url, HTTP_ACCEPT="application/json")
    assert Like.objects.count() == 0
    # A browser that keeps its cookie likes once, on its second press at most.
    person = Client()
    first = person.post(url, HTTP_ACCEPT="application/json").json()
    assert first["confirm"] is True and first["count"] == 0
    assert person.post(url, HTTP_ACCEPT="application/json").json()["count"] == 1


def test_nul_character_in_the_form_is_a_field_error_and_stores_nothing(client, event):
    post = make_post(event)
    for field in ("body", "name"):
        response = client.post(post.get_absolute_url(), form_data(**{field: "a\x00b"}))
        assert response.status_code == 400
        assert "Null characters are not allowed" in response.content.decode()
    assert not Comment.objects.exists()


def test_nul_character_over_the_api_names_the_field(client, event):
    post = make_post(event)
    url = f"/api/v1/events/{event.slug}/comments/post/{post.pk}"
    payload = {"name": "G\x00", "email": "g@example.org", "body": "Hi"}
    response = client.post(url, payload, content_type="application/json")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["name"]
    assert not Comment.objects.exists()
