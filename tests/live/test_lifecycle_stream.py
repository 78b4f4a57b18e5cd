"""``event.ended`` on a real ``hubbub serve`` stream: sent when the event ends, once."""

import httpx
import pytest

from hubbub.events.lifecycle import do_set_wrapup_posting
from hubbub.events.models import Event
from hubbub.live.schemas import MESSAGE_SCHEMAS

from .helpers import SSEStream

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]


def test_ending_the_event_sends_event_ended_once_on_the_stream(
    start_server, event, organiser, editor, token_for
):
    Event.objects.filter(pk=event.pk).update(status=Event.Status.LIVE)
    server = start_server(HUBBUB_STREAM_HEARTBEAT="0.5,1")
    organiser_auth = {"Authorization": f"Bearer {token_for(organiser)}"}
    editor_auth = {"Authorization": f"Bearer {token_for(editor)}"}
    with httpx.Client(base_url=server.base_url, timeout=10) as http:
        stream = SSEStream(f"{server.base_url}/{event.slug}/live/stream")
        with stream:
            stream.wait_connected()
            for _ in range(2):  # ending twice ends it once
                response = http.patch(
                    f"/api/v1/events/{event.slug}", json={"status": "ended"}, headers=organiser_auth
                )
                assert response.status_code == 200, response.text
            message = stream.next_event()
            assert message.event == "event.ended"
            body = MESSAGE_SCHEMAS["event.ended"].model_validate(message.json())
            assert (body.event, body.status) == (event.slug, "ended")

            # The next message is the wrap-up entry, not a second event.ended.
            do_set_wrapup_posting(Event.objects.get(pk=event.pk), actor=editor, open=True)
            response = http.post(
                f"/api/v1/events/{event.slug}/entries",
                json={"body": "Wrap-up"},
                headers=editor_auth,
            )
            assert response.status_code == 201, response.text
            following = stream.next_event()
            assert following.event == "entry.created"
            assert following.json()["body"] == "Wrap-up"
