"""The team desk stream against a real server: team members get desk messages, the public
stream never does, and pending entries reach readers only once approved."""

import re
import subprocess
import sys

import httpx
import pytest
from django.test import Client

from hubbub.core.permissions import Role
from tests.factories import UserFactory, grant
from tests.live.helpers import SSEStream

FAST_HEARTBEAT = {"HUBBUB_STREAM_HEARTBEAT": "0.3,0.5"}


def session_cookies(user) -> dict:
    client = Client()
    client.force_login(user)
    return {"sessionid": client.cookies["sessionid"].value}


def desk_stream(server, event, user=None, last_id=None) -> SSEStream:
    headers = {}
    if user is not None:
        headers["Cookie"] = f"sessionid={session_cookies(user)['sessionid']}"
    if last_id is not None:
        headers["Last-Event-ID"] = str(last_id)
    return SSEStream(f"{server.base_url}/{event.slug}/team/desk/stream", headers=headers)


def post_to_desk(server, event, user, body: str) -> None:
    with httpx.Client(base_url=server.base_url, cookies=session_cookies(user), timeout=10) as web:
        page = web.get(f"/{event.slug}/team/desk/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
        sent = web.post(
            f"/{event.slug}/team/desk/", data={"csrfmiddlewaretoken": token, "body": body}
        )
        assert sent.status_code == 302, sent.text


@pytest.fixture
def team(transactional_db, event):
    reporter, organiser = UserFactory(), UserFactory()
    grant(reporter, event, Role.REPORTER)
    grant(organiser, event, Role.ORGANISER)
    return reporter, organiser


def test_desk_messages_reach_the_team_and_never_the_public_stream(
    start_server, event, team, token_for
):
    reporter, organiser = team
    server = start_server(**FAST_HEARTBEAT)
    with (
        desk_stream(server, event, organiser) as desk,
        SSEStream(f"{server.base_url}/{event.slug}/live/stream") as public,
    ):
        desk.wait_connected()
        public.wait_connected()
        assert "access-control-allow-origin" not in desk.headers
        post_to_desk(server, event, reporter, "Who is covering room 3?")
        message = desk.next_event()
        assert message.event == "desk.message"
        assert message.json()["body"] == "Who is covering room 3?"
        # A public entry after it: the very next thing readers get, with nothing before it.
        created = httpx.post(
            f"{server.base_url}/api/v1/events/{event.slug}/entries",
            json={"body": "Public news"},
            headers={"Authorization": f"Bearer {token_for(reporter)}"},
        )
        assert created.status_code == 201
        first = public.next_event()
        assert (first.event, first.id) == ("entry.created", "1")
        assert "room 3" not in first.data
        assert all("room 3" not in text for _t, text in public.comments)


def test_desk_stream_refuses_people_off_the_team(start_server, event, other_event, team):
    server = start_server(**FAST_HEARTBEAT)
    outsider = UserFactory()
    grant(outsider, other_event, Role.ORGANISER)
    with desk_stream(server, event) as anonymous:
        assert anonymous.status_code == 403
    with desk_stream(server, event, outsider) as foreign:
        assert foreign.status_code == 403
    forged = SSEStream(
        f"{server.base_url}/{event.slug}/team/desk/stream",
        headers={"Cookie": "sessionid=not-a-session"},
    )
    with forged:
        assert forged.status_code == 403


def test_desk_stream_resumes_from_the_last_message_seen(start_server, event, team):
    reporter, organiser = team
    server = start_server(**FAST_HEARTBEAT)
    post_to_desk(server, event, reporter, "First note")
    post_to_desk(server, event, reporter, "Second note")
    from hubbub.team.models import TeamMessage

    first_id = TeamMessage.objects.order_by("id").first().pk
    with desk_stream(server, event, organiser, last_id=first_id) as desk:
        desk.wait_connected()
        missed = desk.next_event()
        assert missed.json()["body"] == "Second note"


def test_pending_entry_reaches_the_stream_only_when_approved(start_server, event, team, token_for):
    _reporter, organiser = team
    moderated = UserFactory()
    grant(moderated, event, Role.MODERATED_REPORTER)
    server = start_server(**FAST_HEARTBEAT)
    api = f"{server.base_url}/api/v1/events/{event.slug}/entries"
    with SSEStream(f"{server.base_url}/{event.slug}/live/stream") as public:
        public.wait_connected()
        pending = httpx.post(
            api,
            json={"body": "Waiting for an editor"},
            headers={"Authorization": f"Bearer {token_for(moderated)}"},
        )
        assert pending.status_code == 201 and pending.json()["status"] == "pending"
        assert httpx.get(api).json()["entries"] == []
        with httpx.Client(
            base_url=server.base_url, cookies=session_cookies(organiser), timeout=10
        ) as web:
            page = web.get(f"/{event.slug}/live/review")
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
            web.post(
                f"/{event.slug}/live/review",
                data={
                    "csrfmiddlewaretoken": token,
                    "entry": pending.json()["id"],
                    "decision": "approve",
                },
            )
        # Heartbeats may have gone by; the first event is the approval itself.
        created = public.next_event()
        assert created.event == "entry.created"
        assert created.json()["body"] == "Waiting for an editor"


def test_desk_stream_from_an_empty_page_replays_everything_since(start_server, event, team):
    reporter, organiser = team
    server = start_server(**FAST_HEARTBEAT)
    post_to_desk(server, event, reporter, "Posted after the page loaded")
    with desk_stream(server, event, organiser, last_id=0) as desk:
        desk.wait_connected()
        assert desk.next_event().json()["body"] == "Posted after the page loaded"


def test_public_hubs_never_see_desk_messages(settings):
    from hubbub.live.broker import StreamMessageData
    from hubbub.live.stream import Reader, StreamServer

    server = StreamServer(broker=object())
    hub = server.hub(1)
    hub.last_seq = 5
    reader = Reader(heartbeat_due=0, max_behind=10, abort=lambda: None)
    hub.readers.add(reader)
    server.on_message(StreamMessageData(event_id=1, seq=6, type="desk.message", data="{}"))
    assert reader.pending == [] and hub.last_seq == 5 and hub.log == []
    server.on_message(StreamMessageData(event_id=1, seq=6, type="entry.created", data="{}"))
    assert [seq for seq, _frame in reader.pending] == [6]


# -- taken off the team --------------------------------------------------------------------------
def revoke_in_the_admin(server, event, user, role) -> None:
    """Remove a role the way an organiser does: the admin's delete page on the running server."""
    from hubbub.team.models import EventRole

    admin = UserFactory(is_staff=True, is_superuser=True)
    grant_id = EventRole.objects.get(user=user, event=event, role=role).pk
    with httpx.Client(base_url=server.base_url, cookies=session_cookies(admin), timeout=10) as web:
        url = f"/admin/team/eventrole/{grant_id}/delete/"
        page = web.get(url)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)[1]
        done = web.post(url, data={"csrfmiddlewaretoken": token, "post": "yes"})
        assert done.status_code == 302, done.text


def test_revoking_a_role_closes_that_persons_open_desk_stream(start_server, event, team):
    reporter, organiser = team
    server = start_server(**FAST_HEARTBEAT)
    with (
        desk_stream(server, event, reporter) as removed,
        desk_stream(server, event, organiser) as kept,
    ):
        removed.wait_connected()
        kept.wait_connected()
        revoke_in_the_admin(server, event, reporter, Role.REPORTER)
        removed.wait_ended()
        post_to_desk(server, event, organiser, "Still here")
        assert kept.next_event().json()["body"] == "Still here"
    with desk_stream(server, event, reporter) as again:
        assert again.status_code == 403


@pytest.mark.redis
def test_revoking_a_role_from_another_process_closes_the_desk_stream(
    start_server, redis_url, event, team
):
    reporter, _organiser = team
    server = start_server(broker=redis_url, **FAST_HEARTBEAT)
    with desk_stream(server, event, reporter) as removed:
        removed.wait_connected()
        # The command line is another process: the close reaches the server through Redis.
        revoked = subprocess.run(
            [sys.executable, "-m", "hubbub.cli", "role", "revoke", reporter.username,
             event.slug, Role.REPORTER.value],
            env=server.env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert revoked.returncode == 0, revoked.stderr
        removed.wait_ended()
