"""Live entries over the API: the contract in DESIGN.md, errors as JSON naming the field."""

import json

import pytest

from hubbub.core.models import ApiToken
from hubbub.core.permissions import Role
from hubbub.core.tokens import do_revoke_token
from hubbub.events.models import Event
from hubbub.live.models import MAX_BODY_LENGTH, LiveEntry, StreamMessage
from hubbub.live.services import do_create_entry, do_update_entry
from tests.factories import EventFactory, SessionFactory, UserFactory, grant

pytestmark = pytest.mark.django_db


def entries_url(event) -> str:
    slug = event if isinstance(event, str) else event.slug
    return f"/api/v1/events/{slug}/entries"


def entry_url(event, entry_id) -> str:
    return f"{entries_url(event)}/{entry_id}"


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def post_json(client, url, payload, token=None, raw: str | None = None):
    data = raw if raw is not None else json.dumps(payload)
    return client.post(
        url, data=data, content_type="application/json", headers=bearer(token) if token else {}
    )


def patch_json(client, url, payload, token=None, raw: str | None = None):
    data = raw if raw is not None else json.dumps(payload)
    return client.patch(
        url, data=data, content_type="application/json", headers=bearer(token) if token else {}
    )


def error_fields(response) -> list[str]:
    return [error["field"] for error in response.json().get("errors", [])]


def assert_json_error(response, status: int):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    return body


def counts(event) -> tuple[int, int]:
    return (
        LiveEntry.objects.filter(event=event).count(),
        StreamMessage.objects.filter(event=event).count(),
    )


# -- the happy path ------------------------------------------------------------------------------
def test_post_entry_answers_201_with_the_entry_json(client, event, reporter, token_for, published):
    with published.capture():
        response = post_json(
            client, entries_url(event), {"body": "Doors open at **9**"}, token_for(reporter)
        )

    assert response.status_code == 201, response.content
    data = response.json()
    entry = LiveEntry.objects.get(pk=data["id"])
    assert entry.event == event and entry.author == reporter
    assert data["body"] == "Doors open at **9**"
    assert "<strong>9</strong>" in data["body_html"]
    assert data["event"] == event.slug and data["kind"] == "update" and data["pinned"] is False
    assert data["author"] == {"username": reporter.username, "name": reporter.username}
    assert data["url"] == entry.get_absolute_url()
    [message] = published.messages
    assert message.type == "entry.created" and json.loads(message.data)["id"] == data["id"]


def test_post_entry_accepts_kind_and_session(client, event, editor, token_for):
    session = SessionFactory(event=event, title="Opening plenary")
    response = post_json(
        client,
        entries_url(event),
        {"body": "Welcome", "kind": "key_moment", "session_id": session.pk},
        token_for(editor),
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["kind"] == "key_moment"
    assert data["session"]["id"] == session.pk and data["session"]["title"] == "Opening plenary"


def test_get_entry_answers_the_same_json_as_the_post(client, event, reporter, token_for):
    created = post_json(client, entries_url(event), {"body": "Hello"}, token_for(reporter))
    response = client.get(entry_url(event, created.json()["id"]))  # anonymous readers too
    assert response.status_code == 200
    assert response.json() == created.json()


def test_patch_entry_changes_the_body(client, event, reporter, token_for, published):
    token = token_for(reporter)
    entry_id = post_json(client, entries_url(event), {"body": "Frist"}, token).json()["id"]
    with published.capture():
        response = patch_json(client, entry_url(event, entry_id), {"body": "First"}, token)

    assert response.status_code == 200, response.content
    assert response.json()["body"] == "First"
    assert response.json()["edited_at"] is not None
    assert client.get(entry_url(event, entry_id)).json()["body"] == "First"
    assert [m.type for m in published.messages] == ["entry.updated"]


def test_patch_entry_pins_it_for_an_editor(client, event, reporter, editor, token_for):
    entry_id = post_json(
        client, entries_url(event), {"body": "Fire exit"}, token_for(reporter)
    ).json()["id"]
    response = patch_json(client, entry_url(event, entry_id), {"pinned": True}, token_for(editor))
    assert response.status_code == 200, response.content
    assert response.json()["pinned"] is True


def test_delete_entry_answers_204_and_the_entry_is_gone(
    client, event, reporter, token_for, published
):
    token = token_for(reporter)
    entry_id = post_json(client, entries_url(event), {"body": "Oops"}, token).json()["id"]
    with published.capture():
        response = client.delete(entry_url(event, entry_id), headers=bearer(token))

    assert response.status_code == 204
    assert not LiveEntry.objects.filter(pk=entry_id).exists()
    assert_json_error(client.get(entry_url(event, entry_id)), 404)
    assert [(m.type, json.loads(m.data)) for m in published.messages] == [
        ("entry.deleted", {"id": entry_id, "event": event.slug})
    ]


# -- who may do what -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer hbb_not-a-real-token"},
        {"Authorization": "Bearer "},
        {"Authorization": "Basic dXNlcjpwYXNz"},
    ],
    ids=["missing", "unknown", "empty", "wrong-scheme"],
)
def test_post_entry_without_a_valid_token_answers_401(client, event, headers):
    response = client.post(
        entries_url(event), data={"body": "Hi"}, content_type="application/json", headers=headers
    )
    assert_json_error(response, 401)
    assert response["WWW-Authenticate"] == "Bearer"
    assert counts(event) == (0, 0)


def test_revoked_token_answers_401(client, event, reporter, token_for):
    token = token_for(reporter)
    assert post_json(client, entries_url(event), {"body": "Before"}, token).status_code == 201
    do_revoke_token(ApiToken.objects.get(user=reporter))

    response = post_json(client, entries_url(event), {"body": "After"}, token)
    assert_json_error(response, 401)
    assert LiveEntry.objects.filter(event=event).count() == 1


def test_inactive_users_token_answers_401(client, event, reporter, token_for):
    token = token_for(reporter)
    reporter.is_active = False
    reporter.save()
    assert_json_error(post_json(client, entries_url(event), {"body": "Hi"}, token), 401)


def test_moderator_posting_answers_403(client, event, moderator, token_for, published):
    with published.capture():
        response = post_json(client, entries_url(event), {"body": "Hi"}, token_for(moderator))
    assert_json_error(response, 403)
    assert counts(event) == (0, 0)
    assert published.messages == []


def test_reporter_of_another_event_posting_answers_403(client, event, token_for):
    outsider = UserFactory()
    grant(outsider, EventFactory(), Role.REPORTER)
    response = post_json(client, entries_url(event), {"body": "Hi"}, token_for(outsider))
    assert_json_error(response, 403)
    assert counts(event) == (0, 0)


def test_reporter_changing_another_reporters_entry_answers_403(
    client, event, reporter, token_for, published
):
    colleague = UserFactory()
    grant(colleague, event, Role.REPORTER)
    entry = do_create_entry(event=event, author=colleague, body="Theirs")
    token = token_for(reporter)
    with published.capture():
        patched = patch_json(client, entry_url(event, entry.pk), {"body": "Mine now"}, token)
        pinned = patch_json(client, entry_url(event, entry.pk), {"pinned": True}, token)
        deleted = client.delete(entry_url(event, entry.pk), headers=bearer(token))

    for response in (patched, pinned, deleted):
        assert_json_error(response, 403)
    entry.refresh_from_db()
    assert (entry.body, entry.pinned) == ("Theirs", False)
    assert published.messages == []


def test_reporter_posting_a_key_moment_answers_403(client, event, reporter, token_for):
    response = post_json(
        client, entries_url(event), {"body": "Big", "kind": "key_moment"}, token_for(reporter)
    )
    assert_json_error(response, 403)
    assert counts(event) == (0, 0)


# -- not found -----------------------------------------------------------------------------------
def test_unknown_event_answers_404_json(client, reporter, token_for):
    assert_json_error(client.get(entries_url("no-such-event")), 404)
    assert_json_error(client.get(entry_url("no-such-event", 1)), 404)
    response = post_json(client, entries_url("no-such-event"), {"body": "Hi"}, token_for(reporter))
    assert_json_error(response, 404)


def test_draft_event_answers_404_to_the_public_but_not_to_its_team(client, reporter, token_for):
    draft = EventFactory(status=Event.Status.DRAFT)
    grant(reporter, draft, Role.REPORTER)
    assert_json_error(client.get(entries_url(draft)), 404)
    assert client.get(entries_url(draft), headers=bearer(token_for(reporter))).status_code == 200


def test_unknown_entry_answers_404_json(client, event, other_event, editor, token_for):
    other_reporter = UserFactory()
    grant(other_reporter, other_event, Role.REPORTER)
    elsewhere = do_create_entry(event=other_event, author=other_reporter, body="Elsewhere")
    token = token_for(editor)
    for entry_id in (999_999, elsewhere.pk):
        assert_json_error(client.get(entry_url(event, entry_id)), 404)
        assert_json_error(patch_json(client, entry_url(event, entry_id), {"body": "x"}, token), 404)
        assert_json_error(client.delete(entry_url(event, entry_id), headers=bearer(token)), 404)
    assert LiveEntry.objects.get(pk=elsewhere.pk).body == "Elsewhere"


# -- bad input -----------------------------------------------------------------------------------
BAD_BODIES = {
    "no-content": "",
    "malformed-json": '{"body": "unterminated',
    "not-json": "body=hello",
    "missing-body": "{}",
    "null-body": '{"body": null}',
    "number-body": '{"body": 42}',
    "empty-body": '{"body": ""}',
    "blank-body": '{"body": "   \\n  "}',
    "too-long-body": json.dumps({"body": "x" * (MAX_BODY_LENGTH + 1)}),
}


@pytest.mark.parametrize("raw", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_post_entry_with_a_bad_body_is_refused_naming_the_field(
    client, event, reporter, token_for, published, raw
):
    with published.capture():
        response = post_json(client, entries_url(event), None, token_for(reporter), raw=raw)

    assert 400 <= response.status_code < 500
    body = assert_json_error(response, response.status_code)
    assert "body" in error_fields(response), body
    assert counts(event) == (0, 0)
    assert published.messages == []
    event.refresh_from_db()
    assert event.stream_seq == 0


def test_post_entry_with_a_malformed_json_body_answers_400(client, event, reporter, token_for):
    response = post_json(client, entries_url(event), None, token_for(reporter), raw="{nope")
    body = assert_json_error(response, 400)
    assert body["errors"][0]["field"] == "body"
    assert body["errors"][0]["message"]


def test_post_entry_with_a_body_at_the_limit_is_accepted(client, event, reporter, token_for):
    payload = {"body": "x" * MAX_BODY_LENGTH}
    response = post_json(client, entries_url(event), payload, token_for(reporter))
    assert response.status_code == 201, response.content[:300]


def test_post_entry_with_an_unknown_kind_names_the_kind_field(client, event, reporter, token_for):
    response = post_json(
        client, entries_url(event), {"body": "Hi", "kind": "gossip"}, token_for(reporter)
    )
    assert_json_error(response, 422)
    assert error_fields(response) == ["kind"]
    assert counts(event) == (0, 0)


def test_post_entry_with_a_session_of_another_event_names_the_session_field(
    client, event, other_event, reporter, token_for
):
    foreign = SessionFactory(event=other_event)
    response = post_json(
        client, entries_url(event), {"body": "Hi", "session_id": foreign.pk}, token_for(reporter)
    )
    assert_json_error(response, 422)
    assert error_fields(response) == ["session_id"]
    assert counts(event) == (0, 0)


@pytest.mark.parametrize(
    "raw",
    [
        BAD_BODIES["no-content"],
        BAD_BODIES["malformed-json"],
        BAD_BODIES["null-body"],
        BAD_BODIES["empty-body"],
        BAD_BODIES["blank-body"],
        BAD_BODIES["too-long-body"],
    ],
    ids=["no-content", "malformed-json", "null-body", "empty-body", "blank-body", "too-long-body"],
)
def test_patch_entry_with_a_bad_body_changes_nothing(
    client, event, reporter, token_for, published, raw
):
    entry = do_create_entry(event=event, author=reporter, body="Keep me")
    with published.capture():
        response = patch_json(
            client, entry_url(event, entry.pk), None, token_for(reporter), raw=raw
        )

    assert 400 <= response.status_code < 500
    assert_json_error(response, response.status_code)
    assert "body" in error_fields(response)
    entry.refresh_from_db()
    assert (entry.body, entry.edited_at) == ("Keep me", None)
    assert counts(event) == (1, 1)
    assert published.messages == []


# -- polling -------------------------------------------------------------------------------------
def test_list_entries_newest_first_and_since_id_oldest_first(client, event, reporter):
    entries = [do_create_entry(event=event, author=reporter, body=f"#{n}") for n in range(4)]
    ids = [e.pk for e in entries]

    listing = client.get(entries_url(event)).json()
    assert [e["id"] for e in listing["entries"]] == ids[::-1]
    assert listing["stream_seq"] == 4

    since = client.get(entries_url(event), {"since_id": ids[1]}).json()
    assert [e["id"] for e in since["entries"]] == ids[2:]
    assert since["next_since_id"] == ids[-1]

    caught_up = client.get(entries_url(event), {"since_id": ids[-1]}).json()
    assert caught_up["entries"] == [] and caught_up["next_since_id"] == ids[-1]


def test_list_entries_items_match_get_entry(client, event, reporter):
    entry = do_create_entry(event=event, author=reporter, body="Same everywhere")
    [item] = client.get(entries_url(event)).json()["entries"]
    assert item == client.get(entry_url(event, entry.pk)).json()


def test_list_entries_answers_304_until_something_changes(client, event, reporter):
    first = do_create_entry(event=event, author=reporter, body="One")
    response = client.get(entries_url(event), {"since_id": first.pk})
    assert response.status_code == 200
    etag = response["ETag"]
    assert etag

    unchanged = client.get(
        entries_url(event), {"since_id": first.pk}, headers={"If-None-Match": etag}
    )
    assert unchanged.status_code == 304
    assert unchanged.content == b""

    second = do_create_entry(event=event, author=reporter, body="Two")
    changed = client.get(
        entries_url(event), {"since_id": first.pk}, headers={"If-None-Match": etag}
    )
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert [e["id"] for e in changed.json()["entries"]] == [second.pk]


def test_list_entries_etag_changes_after_an_edit(client, event, reporter):
    entry = do_create_entry(event=event, author=reporter, body="Draft")
    etag = client.get(entries_url(event))["ETag"]
    do_update_entry(entry, actor=reporter, body="Final")
    response = client.get(entries_url(event), headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response.json()["entries"][0]["body"] == "Final"


@pytest.mark.parametrize("limit", [0, 201, -1])
def test_list_entries_refuses_a_limit_out_of_range(client, event, limit):
    assert_json_error(client.get(entries_url(event), {"limit": limit}), 422)


# -- description ---------------------------------------------------------------------------------
def test_openapi_lists_the_entry_paths(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    collection = paths["/api/v1/events/{event}/entries"]
    item = paths["/api/v1/events/{event}/entries/{entry_id}"]
    assert {"get", "post"} <= set(collection)
    assert {"get", "patch", "delete"} <= set(item)
