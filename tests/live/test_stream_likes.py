"""Like counts over a real stream: outside the resumable sequence, coalesced, never replayed."""

import pytest

from tests.factories import UserFactory

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]


def test_likes_reach_readers_as_one_count_without_an_id(site, token_for):
    entry = site.post("The keynote has begun")
    with site.stream(last_event_id="0") as stream:
        stream.wait_connected()
        assert stream.next_event().event == "entry.created"
        for _n in range(3):
            response = site.http.post(
                f"/api/v1/events/{site.event.slug}/likes/entry/{entry['id']}",
                json={"liked": True},
                headers={"Authorization": f"Bearer {token_for(UserFactory())}"},
            )
            assert response.status_code == 200, response.text
        message = stream.next_event(timeout=5)
        assert (message.event, message.id) == ("like.updated", None)
        assert message.json() == {"target": f"entry-{entry['id']}", "count": 3}
        # The next entry carries the very next id: the likes took no place in the sequence.
        marker = site.post("marker")
        following = stream.next_event()
        assert (following.event, following.json()["id"]) == ("entry.created", marker["id"])
        assert int(following.id) == 2
    with site.stream(last_event_id="0") as replay:
        replay.wait_connected()
        assert [m.event for m in replay.next_events(2)] == ["entry.created", "entry.created"]
