"""What the API refuses: session writes without CSRF, bodies that are not one JSON object,
NUL characters, oversized bodies; and every router keeps to those rules."""

import json

import httpx
import pytest
from django.test import Client

from hubbub.api.auth import OptionalTokenAuth, TokenAuth
from hubbub.api.urls import api
from hubbub.comments.models import Comment
from hubbub.core.permissions import Role
from hubbub.live.models import LiveEntry, StreamMessage
from hubbub.live.services import do_create_entry
from tests.factories import EventFactory, SessionFactory, UserFactory, grant

from ..blog.helpers import make_post

pytestmark = pytest.mark.django_db
CSRF_SECRET = "a" * 32


def comments_url(event, post) -> str:
    return f"/api/v1/events/{event.slug}/comments/post/{post.pk}"


def test_cross_site_session_write_is_refused(event, editor):
    post = make_post(event)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(editor)
    response = browser.post(
        comments_url(event, post), data='{"body": "Approved by a forged request"}',
        content_type="text/plain", headers={"Origin": "https://evil.example"},
    )  # fmt: skip
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
    response = browser.post(comments_url(event, post), {"body": "No token"},
                            content_type="application/json")  # fmt: skip
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_session_write_with_the_csrf_token_from_the_site_works(event, editor):
    post = make_post(event)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(editor)
    browser.cookies["csrftoken"] = CSRF_SECRET
    response = browser.post(comments_url(event, post), {"body": "From the page"},
                            content_type="application/json",
                            headers={"X-CSRFToken": CSRF_SECRET})  # fmt: skip
    assert response.status_code == 201 and response.json()["status"] == "approved"


def test_bearer_token_writes_need_no_csrf_token(event, editor, token_for):
    post = make_post(event)
    response = Client(enforce_csrf_checks=True).post(
        comments_url(event, post), {"body": "By script"}, content_type="application/json",
        headers={"Authorization": f"Bearer {token_for(editor)}", "Origin": "https://x.example"},
    )  # fmt: skip
    assert response.status_code == 201


def test_every_api_write_is_bearer_only_or_csrf_checked():
    unsafe = []
    for _prefix, router in api._routers:
        for path, view in router.path_operations.items():
            for operation in view.operations:
                if set(operation.methods) - {"GET", "HEAD", "OPTIONS"}:
                    unsafe.append(path)
                    assert operation.auth_callbacks, path
                    for auth in operation.auth_callbacks:
                        assert isinstance(auth, (TokenAuth, OptionalTokenAuth)), path
    assert len(unsafe) >= 6


@pytest.mark.parametrize("raw", ["0.5", "[]", '"x"', "null", '[{"body": "x"}]'])
def test_patch_body_that_is_not_a_json_object_is_422_and_changes_nothing(
    client, event, editor, token_for, raw
):
    entry = do_create_entry(event=event, author=editor, body="As written")
    before = StreamMessage.objects.count()
    response = client.patch(
        f"/api/v1/events/{event.slug}/entries/{entry.pk}", data=raw,
        content_type="application/json", headers={"Authorization": f"Bearer {token_for(editor)}"},
    )  # fmt: skip
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body"
    entry.refresh_from_db()
    assert entry.body == "As written" and entry.edited_at is None
    assert StreamMessage.objects.count() == before


def test_nul_character_in_an_api_write_names_the_field(client, event, editor, token_for):
    headers = {"Authorization": f"Bearer {token_for(editor)}"}
    url = f"/api/v1/events/{event.slug}/entries"
    response = client.post(url, {"body": "Keynote\x00starts"}, content_type="application/json",
                           headers=headers)  # fmt: skip
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["body"]
    assert not LiveEntry.objects.exists()


def test_oversized_json_body_gets_the_api_json_error(client, event, editor, token_for):
    body = json.dumps({"body": "x" * 3_000_000})
    response = client.post(f"/api/v1/events/{event.slug}/entries", data=body,
                           content_type="application/json",
                           headers={"Authorization": f"Bearer {token_for(editor)}"})  # fmt: skip
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert "larger than" in response.json()["detail"]
    assert not LiveEntry.objects.exists()


@pytest.mark.server
def test_oversized_json_body_over_a_real_server(transactional_db, start_server, token_for):
    event = EventFactory(status="live")
    reporter = UserFactory()
    grant(reporter, event, Role.REPORTER)
    server = start_server()
    response = httpx.post(
        f"{server.base_url}/api/v1/events/{event.slug}/entries",
        content=json.dumps({"body": "x" * 3_000_000}),
        headers={"Authorization": f"Bearer {token_for(reporter)}",
                 "Content-Type": "application/json"},
        timeout=30,
    )  # fmt: skip
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/json")
    assert "larger than" in response.json()["detail"]
    assert not LiveEntry.objects.exists()


def test_openapi_says_which_reads_are_public_and_which_errors_each_operation_answers(client):
    document = client.get("/api/v1/openapi.json").json()
    public_gets = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = set(operation["responses"])
            assert "401" in responses, (method, path)
            if "{event}" in path:
                assert "404" in responses, (method, path)
            if method == "get":
                assert operation["security"][0] == {}, (method, path)
                public_gets.append(path)
            else:
                assert (
                    operation["security"] == [{"TokenAuth": []}] or operation["security"][0] == {}
                ), (method, path)
                assert "422" in responses, (method, path)
    assert len(public_gets) >= 7
    assert set(document["components"]["securitySchemes"]) == {"TokenAuth"}


@pytest.mark.parametrize(
    "path", ["a%00b", "a%00b/entries", "a%00b/sessions", "{slug}/comments/po%00st/1"]
)
def test_nul_in_the_path_is_a_clear_error_not_a_database_error(client, event, path):
    response = client.get(f"/api/v1/events/{path.format(slug=event.slug)}")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] in {"event", "kind"}


def test_ids_too_large_for_the_database_are_refused_without_a_crash(event, token_for, client):
    organiser = UserFactory()
    grant(organiser, event, Role.ORGANISER)
    auth = {"Authorization": f"Bearer {token_for(organiser)}"}
    huge = 2**70
    entry = client.get(f"/api/v1/events/{event.slug}/entries/{huge}", headers=auth)
    existing = SessionFactory(event=event)
    speakers = client.patch(
        f"/api/v1/events/{event.slug}/sessions/{existing.pk}", {"speaker_ids": [huge]},
        content_type="application/json", headers=auth,
    )  # fmt: skip
    assert entry.status_code == 404
    assert speakers.status_code in (404, 422), speakers.content
