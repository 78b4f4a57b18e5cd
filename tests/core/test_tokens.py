"""API tokens: stored only as a hash, revocable, and acting with their user's roles."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from hubbub.core.models import ApiToken
from hubbub.core.tokens import TOKEN_PREFIX, do_create_token, do_revoke_token, user_for_token
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def bearer(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_token_create_stores_only_the_hash(reporter):
    token, key = do_create_token(reporter, "phone")
    assert key.startswith(TOKEN_PREFIX)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM core_apitoken WHERE id = %s", [token.pk])
        row = cursor.fetchone()
    assert not any(key == value or (isinstance(value, str) and key in value) for value in row)
    assert token.key_hash == ApiToken.hash_key(key) and len(token.key_hash) == 64


def test_token_finds_its_user(reporter):
    _token, key = do_create_token(reporter)
    assert user_for_token(key) == reporter


def test_token_revoked_finds_no_user(reporter):
    token, key = do_create_token(reporter)
    do_revoke_token(token)
    assert user_for_token(key) is None


@pytest.mark.parametrize("key", ["", "nonsense", TOKEN_PREFIX + "x" * 43, TOKEN_PREFIX + "y" * 200])
def test_token_unknown_or_malformed_finds_no_user(db, key):
    assert user_for_token(key) is None


def test_token_of_an_inactive_user_finds_no_user(reporter):
    _token, key = do_create_token(reporter)
    reporter.is_active = False
    reporter.save()
    assert user_for_token(key) is None


def test_token_api_read_with_a_good_token(client, event, reporter, token_for):
    response = client.get(f"/api/v1/events/{event.slug}", **bearer(token_for(reporter)))
    assert response.status_code == 200
    assert response.json()["slug"] == event.slug


def test_token_api_draft_event_visible_only_with_a_team_token(client, event, reporter, token_for):
    event.status = "draft"
    event.save()
    assert client.get(f"/api/v1/events/{event.slug}").status_code == 404
    response = client.get(f"/api/v1/events/{event.slug}", **bearer(token_for(reporter)))
    assert response.status_code == 200


def test_token_api_post_with_a_revoked_token_is_401(client, event, reporter):
    token, key = do_create_token(reporter)
    do_revoke_token(token)
    response = client.post(
        f"/api/v1/events/{event.slug}/entries",
        {"body": "Should not appear"},
        content_type="application/json",
        **bearer(key),
    )
    assert response.status_code == 401
    assert "token" in response.json()["detail"]


def test_token_api_reporter_token_on_another_event_is_403(client, reporter, token_for):
    elsewhere = EventFactory()
    response = client.post(
        f"/api/v1/events/{elsewhere.slug}/entries",
        {"body": "Wrong event"},
        content_type="application/json",
        **bearer(token_for(reporter)),
    )
    assert response.status_code == 403


def test_token_api_reporter_token_on_own_event_posts(client, event, reporter, token_for):
    response = client.post(
        f"/api/v1/events/{event.slug}/entries",
        {"body": "The keynote has started"},
        content_type="application/json",
        **bearer(token_for(reporter)),
    )
    assert response.status_code == 201
    assert "id" in response.json()


def test_token_create_command_prints_the_token_last(reporter):
    out = io.StringIO()
    call_command("token", "create", reporter.username, stdout=out, stderr=io.StringIO())
    key = out.getvalue().strip().splitlines()[-1]
    assert key.startswith(TOKEN_PREFIX)
    assert user_for_token(key) == reporter


def test_token_revoke_command_stops_the_token(reporter):
    token, key = do_create_token(reporter)
    call_command("token", "revoke", token.prefix, stdout=io.StringIO())
    assert user_for_token(key) is None
