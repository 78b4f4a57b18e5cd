"""Likes wanting JSON are done in batches in front of Django, through a real ``hubbub serve``:
the same answers as the like views, every like counted, no stream position moved."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing

import httpx
import pytest
from django.db import connection

from hubbub.comments.models import Like
from hubbub.events.models import Event
from tests.factories import UserFactory

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]

JSON = {"Accept": "application/json"}


def api_like(site, entry_id, token, liked=True, **kwargs):
    return site.http.post(
        f"/api/v1/events/{site.event.slug}/likes/entry/{entry_id}",
        json={"liked": liked},
        headers={"Authorization": f"Bearer {token}"},
        **kwargs,
    )


def page_like_url(site, entry_id) -> str:
    return f"/{site.event.slug}/comments/entry/{entry_id}/like/"


def returning_reader(site, entry_id) -> httpx.Client:
    """A reader's client that has its visitor cookie (from a first like, which only asks to
    confirm)."""
    reader = httpx.Client(base_url=site.server.base_url, timeout=10)
    first = reader.post(page_like_url(site, entry_id), data={"liked": "1"}, headers=JSON)
    assert first.status_code == 200 and first.json()["confirm"] is True, first.text
    return reader


def test_like_and_unlike_over_the_api_answer_the_count(site, token_for):
    entry = site.post("The keynote has begun")
    alice, bob = token_for(UserFactory()), token_for(UserFactory())
    assert api_like(site, entry["id"], alice).json() == {
        "target": f"entry-{entry['id']}", "count": 1, "liked": True}  # fmt: skip
    assert api_like(site, entry["id"], bob).json()["count"] == 2
    assert api_like(site, entry["id"], bob).json()["count"] == 2  # a repeat changes nothing
    response = api_like(site, entry["id"], alice, liked=False)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    assert response.json() == {"target": f"entry-{entry['id']}", "count": 1, "liked": False}
    assert Like.objects.filter(object_id=entry["id"]).count() == 1


def test_a_new_reader_confirms_once_then_likes_and_unlikes_on_the_page(site):
    entry = site.post("Questions from the floor")
    url = page_like_url(site, entry["id"])
    with httpx.Client(base_url=site.server.base_url, timeout=10) as reader:
        first = reader.post(url, data={"liked": "1"}, headers=JSON)
        assert first.status_code == 200
        assert first.json()["confirm"] is True and first.json()["count"] == 0
        assert first.json()["detail"].startswith("Press Like once more")
        assert "hubbub_reader" in first.cookies
        assert not Like.objects.exists()
        # A form with JavaScript sends multipart FormData; the answer is the same.
        liked = reader.post(url, files={"liked": (None, "1")}, headers=JSON)
        assert liked.json() == {"target": f"entry-{entry['id']}", "count": 1, "liked": True}
        assert "set-cookie" not in liked.headers
        assert "Cookie" in liked.headers["vary"]
        unliked = reader.post(url, data={"liked": "0"}, headers=JSON)
        assert unliked.json() == {"target": f"entry-{entry['id']}", "count": 0, "liked": False}
    assert not Like.objects.exists()


def test_without_javascript_the_form_still_returns_to_its_page(site):
    entry = site.post("A no-script reader")
    with closing(returning_reader(site, entry["id"])) as reader:
        response = reader.post(
            page_like_url(site, entry["id"]),
            data={"next": f"/{site.event.slug}/live/"},
            headers={"Accept": "text/html"},
        )
    assert response.status_code == 302
    assert response.headers["location"] == f"/{site.event.slug}/live/"
    assert Like.objects.filter(object_id=entry["id"]).count() == 1


def test_a_signed_in_reader_likes_as_their_account(site, client):
    entry = site.post("Signed-in readers")
    user = UserFactory()
    client.force_login(user)
    session = client.cookies["sessionid"].value
    response = site.http.post(
        page_like_url(site, entry["id"]), headers={**JSON, "Cookie": f"sessionid={session}"}
    )
    assert response.json() == {"target": f"entry-{entry['id']}", "count": 1, "liked": True}
    assert Like.objects.get().user == user


def test_many_readers_liking_at_once_are_all_counted(site):
    entry = site.post("Everyone likes this")
    readers = [returning_reader(site, entry["id"]) for _n in range(40)]
    url = page_like_url(site, entry["id"])
    start = threading.Barrier(len(readers))

    def like(reader):
        start.wait(timeout=10)
        return reader.post(url, data={"liked": "1"}, headers=JSON)

    with ThreadPoolExecutor(len(readers)) as pool:
        answers = list(pool.map(like, readers))
    for reader in readers:
        reader.close()
    assert [a.status_code for a in answers] == [200] * len(readers)
    assert all(a.json()["liked"] is True for a in answers)
    assert max(a.json()["count"] for a in answers) == len(readers)
    assert Like.objects.filter(object_id=entry["id"]).count() == len(readers)


def test_unknown_targets_are_404_as_before(site, token_for):
    token = token_for(UserFactory())
    missing = api_like(site, 999999, token)
    assert missing.status_code == 404
    assert missing.json() == {"detail": "Nothing to comment on here."}
    response = site.http.post(
        "/api/v1/events/no-such-event/likes/entry/1",
        json={"liked": True},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert (response.status_code, response.json()) == (404, {"detail": "No event at this address."})
    assert site.http.post(page_like_url(site, 999999), headers=JSON).status_code == 404


def test_a_missing_or_wrong_token_is_401(site):
    entry = site.post("Tokens")
    for headers in ({}, {"Authorization": "Bearer hbb_not-a-token"}, {"Authorization": "Basic x"}):
        response = site.http.post(
            f"/api/v1/events/{site.event.slug}/likes/entry/{entry['id']}",
            json={"liked": True},
            headers=headers,
        )
        assert response.status_code == 401, headers
        assert response.headers["www-authenticate"] == "Bearer"
    assert not Like.objects.exists()


@pytest.mark.parametrize(
    "body, status",
    [(b"not json", 400), (b'{"liked": "perhaps"}', 422), (b"[true]", 422), (b"", 422)],
)
def test_a_bad_body_is_refused_and_stores_nothing(site, token_for, body, status):
    entry = site.post("Bodies")
    response = site.http.post(
        f"/api/v1/events/{site.event.slug}/likes/entry/{entry['id']}",
        content=body,
        headers={"Authorization": f"Bearer {token_for(UserFactory())}"},
    )
    assert response.status_code == status, response.text
    assert response.json()["detail"]
    assert not Like.objects.exists()


def test_a_body_over_the_limit_is_413(site_factory, token_for):
    site = site_factory(HUBBUB_MAX_REQUEST_BYTES=1000)
    entry = site.post("Big bodies")
    response = site.http.post(
        f"/api/v1/events/{site.event.slug}/likes/entry/{entry['id']}",
        content=b'{"liked": true, "padding": "' + b"x" * 2000 + b'"}',
        headers={"Authorization": f"Bearer {token_for(UserFactory())}"},
    )
    assert response.status_code == 413
    assert not Like.objects.exists()


def test_likes_over_the_limit_get_429_with_retry_after(site_factory, token_for):
    site = site_factory(HUBBUB_RATE_LIMITS="like.visitor=3/60")
    entry = site.post("Slow down")
    token = token_for(UserFactory())
    answers = [api_like(site, entry["id"], token, liked=n % 2 == 0) for n in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert int(answers[-1].headers["retry-after"]) > 0
    assert "try again" in answers[-1].json()["detail"]
    with closing(returning_reader(site, entry["id"])) as reader:
        url = page_like_url(site, entry["id"])
        statuses = [reader.post(url, headers=JSON).status_code for _n in range(3)]
        assert statuses == [200, 200, 429]
        refused = reader.post(url, headers=JSON)
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
        assert refused.json()["detail"].startswith("You are liking things very fast.")


def test_likes_move_neither_the_stream_nor_the_page_copy(site, token_for):
    entry = site.post("Cached page")
    seq = Event.objects.get(pk=site.event.pk).stream_seq
    live = f"/{site.event.slug}/live/"
    before = site.http.get(live)
    assert before.status_code == 200
    for _n in range(3):
        assert api_like(site, entry["id"], token_for(UserFactory())).status_code == 200
    after = site.http.get(live)
    # The same copy (its version did not move); the page corrects its counts when it loads.
    assert after.headers["etag"] == before.headers["etag"]
    assert Event.objects.get(pk=site.event.pk).stream_seq == seq


def test_a_stream_reader_gets_like_updated_without_an_id(site, token_for):
    entry = site.post("Streamed likes")
    with site.stream() as stream:
        stream.wait_connected()
        for _n in range(3):
            assert api_like(site, entry["id"], token_for(UserFactory())).status_code == 200
        message = stream.next_event(timeout=5)
    assert (message.event, message.id) == ("like.updated", None)
    assert message.json() == {"target": f"entry-{entry['id']}", "count": 3}


def test_a_full_queue_answers_503_with_retry_after(site_factory, token_for):
    # One like may wait, and each batch waits half a second for company.
    site = site_factory(HUBBUB_LIKE_QUEUE_MAX=1, HUBBUB_LIKE_BATCH_WAIT_MS=500)
    entry = site.post("Queue")
    first_token, second_token = token_for(UserFactory()), token_for(UserFactory())
    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(api_like, site, entry["id"], first_token)
        time.sleep(0.2)
        second = api_like(site, entry["id"], second_token)
        assert second.status_code == 503
        assert second.headers["retry-after"] == "1"
        assert second.json()["detail"]
        assert first.result().status_code == 200
    assert Like.objects.filter(object_id=entry["id"]).count() == 1


def test_a_like_waiting_at_shutdown_is_still_done(site_factory, token_for):
    site = site_factory(HUBBUB_LIKE_BATCH_WAIT_MS=1500)
    entry = site.post("Closing time")
    with ThreadPoolExecutor(1) as pool:
        waiting = pool.submit(api_like, site, entry["id"], token_for(UserFactory()))
        time.sleep(0.3)
        site.server.stop()
        assert waiting.result().status_code == 200
    assert Like.objects.filter(object_id=entry["id"]).count() == 1


def test_the_batch_thread_gives_its_connection_back_to_the_pool(site_factory, token_for):
    if connection.vendor != "postgresql":
        pytest.skip("the connection pool is PostgreSQL's")
    # One connection for the whole process: pages and likes take turns with it.
    site = site_factory(
        HUBBUB_DB_POOL_SIZE=1, HUBBUB_DB_POOL_MIN=1, HUBBUB_DB_POOL_TIMEOUT=5,
        HUBBUB_EMBEDDED_WORKER=0,
    )  # fmt: skip
    entry = site.post("One connection")
    token = token_for(UserFactory())
    for liked in (True, False, True):
        assert api_like(site, entry["id"], token, liked=liked).status_code == 200
        # A Django request needs the same connection: the gate hands it back when idle.
        assert site.get(entry["id"])["id"] == entry["id"]
    assert Like.objects.filter(object_id=entry["id"]).count() == 1
