"""POST /api/v1/events/<event>/programme/import: the contract in DESIGN.md."""

import socket
import time
from datetime import date
from pathlib import Path

import httpx
import pytest

from hubbub.core.permissions import Role
from hubbub.events.models import Room, Session, Speaker, Track
from tests.factories import EventFactory, UserFactory, grant

pytestmark = pytest.mark.django_db
FILES = Path(__file__).resolve().parents[1] / "events" / "import_files"


@pytest.fixture
def event(db):
    return EventFactory(
        slug="digitalgov-2030",
        starts_on=date(2030, 10, 25),
        ends_on=date(2030, 10, 27),
        time_zone="Europe/London",
    )


def url(event) -> str:
    return f"/api/v1/events/{event.slug}/programme/import"


def post(client, event, data: bytes, content_type="application/xml", token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(url(event), data=data, content_type=content_type, headers=headers)


def read(name: str) -> bytes:
    return (FILES / name).read_bytes()


def rows(event) -> tuple[int, int, int, int]:
    return (
        Room.objects.filter(event=event).count(),
        Track.objects.filter(event=event).count(),
        Speaker.objects.filter(event=event).count(),
        Session.objects.filter(event=event).count(),
    )


def assert_refused_whole(response, status: int, event, words: str):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    assert words in response.json()["detail"]
    assert rows(event) == (0, 0, 0, 0)


@pytest.mark.parametrize(
    ("name", "content_type", "counts"),
    [
        ("schedule.xml", "application/xml", (8, 3, 6)),
        ("schedule.xml", "text/xml; charset=utf-8", (8, 3, 6)),
        ("schedule.json", "application/json", (4, 2, 4)),
        ("programme.csv", "text/csv; charset=utf-8", (5, 2, 4)),
    ],
)
def test_an_organiser_imports_each_format_and_again_changes_nothing(
    client, event, organiser, token_for, name, content_type, counts
):
    token = token_for(organiser)

    first = post(client, event, read(name), content_type, token)
    again = post(client, event, read(name), content_type, token)

    assert first.status_code == 200, first.content
    body = first.json()
    assert (body["sessions"], body["rooms"], body["speakers"], body["refused"]) == (*counts, [])
    assert again.status_code == 200
    assert again.json() == {
        "sessions": 0,
        "rooms": 0,
        "speakers": 0,
        "unchanged": counts[0],
        "refused": [],
    }
    assert rows(event)[3] == counts[0]


def test_refused_rows_are_listed_with_their_reasons_and_the_rest_imported(
    client, event, organiser, token_for
):
    data = read("schedule.xml").replace(
        b"<date>2030-10-25T13:00:00+01:00</date>", b"<date>2030-10-25T11:00:00+01:00</date>"
    )

    response = post(client, event, data, token=token_for(organiser))

    assert response.status_code == 200
    body = response.json()
    assert body["sessions"] == 7
    [refused] = body["refused"]
    assert refused["row"] == "a0c0a8f8-55d1-4f55-9b7e-000000000004"
    assert refused["title"] == "Lunch ☕ and café chat"
    assert "Workshop: mapping a service end to end" in refused["reason"]


@pytest.mark.parametrize(
    ("data", "content_type", "words"),
    [
        (b"<!DOCTYPE html><html><body>Please sign in</body></html>", "application/xml", "HTML"),
        (read("schedule.xml")[:2500], "application/xml", "not well-formed"),
        (b'{"talks": []}', "application/json", "not a frab schedule"),
        (b"title,when\nTalk,tomorrow\n", "text/csv", "not a programme"),
        (read("schedule.xml").replace(b"Europe/London", b"Europe/Atlantis"), "application/xml",
         "not a known time zone"),
        (read("programme.csv").replace(b"wk-3", b"wk\x003"), "text/csv", "NUL"),
    ],
)  # fmt: skip
def test_a_file_that_is_not_a_schedule_is_422_and_nothing_is_imported(
    client, event, organiser, token_for, data, content_type, words
):
    response = post(client, event, data, content_type, token_for(organiser))

    assert_refused_whole(response, 422, event, words)


def test_a_file_over_the_limit_is_413_naming_the_limit(
    client, event, organiser, token_for, settings
):
    settings.HUBBUB_IMPORT_MAX_BYTES = 4000

    response = post(client, event, read("schedule.xml"), token=token_for(organiser))

    assert_refused_whole(response, 413, event, "4,000 bytes")


def test_a_file_larger_than_djangos_own_body_limit_but_within_ours_is_imported(
    client, event, organiser, token_for, settings
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    lines = ["id,title,date,start,end,room,description"]
    for n in range(60):
        hour, minute = 8 + n // 6, (n % 6) * 10
        start, end = f"{hour}:{minute:02d}", f"{hour}:{minute + 9:02d}"
        lines.append(f"s{n},Session {n},2030-10-25,{start},{end},Room {n % 3},{'Words. ' * 300}")
    data = "\n".join(lines).encode()
    assert len(data) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    response = post(client, event, data, "text/csv", token_for(organiser))

    assert response.status_code == 200, response.content
    assert response.json()["sessions"] == 60


def test_an_unsupported_content_type_is_415(client, event, organiser, token_for):
    response = post(client, event, read("schedule.xml"), "application/pdf", token_for(organiser))

    assert_refused_whole(response, 415, event, "application/xml")


@pytest.mark.parametrize("who", ["reporter", "editor", "organiser of another event"])
def test_without_the_right_to_manage_the_event_it_is_403(
    client, event, other_event, token_for, who
):
    user = UserFactory()
    if who == "organiser of another event":
        grant(user, other_event, Role.ORGANISER)
    else:
        grant(user, event, who)

    response = post(client, event, read("schedule.xml"), token=token_for(user))

    assert response.status_code == 403
    assert rows(event) == (0, 0, 0, 0)


@pytest.mark.parametrize("token", [None, "not-a-token"])
def test_without_a_valid_token_it_is_401(client, event, token):
    response = post(client, event, read("schedule.xml"), token=token)

    assert response.status_code == 401
    assert rows(event) == (0, 0, 0, 0)


def test_an_unknown_event_is_404(client, organiser, token_for):
    response = client.post(
        "/api/v1/events/no-such-event/programme/import",
        data=read("schedule.xml"),
        content_type="application/xml",
        headers={"Authorization": f"Bearer {token_for(organiser)}"},
    )

    assert response.status_code == 404


def test_the_import_is_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").json()

    operation = document["paths"]["/api/v1/events/{event}/programme/import"]["post"]
    assert set(operation["requestBody"]["content"]) == {
        "application/xml",
        "application/json",
        "text/csv",
    }
    assert {"200", "413", "415", "422"} <= set(operation["responses"])


# -- through a real server -----------------------------------------------------------------------
@pytest.mark.server
def test_a_real_server_imports_the_body_and_refuses_an_oversized_one_before_it_arrives(
    start_server, event, organiser, token_for
):
    token = token_for(organiser)
    server = start_server(HUBBUB_IMPORT_MAX_BYTES=100_000)

    response = httpx.post(
        server.base_url + url(event),
        content=read("schedule.xml"),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/xml"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    assert response.json()["sessions"] == 8

    # Announce 50 MB, send none of it: the answer must come from the headers alone.
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(
            (
                f"POST {url(event)} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Authorization: Bearer {token}\r\nContent-Type: application/xml\r\n"
                f"Content-Length: {50 * 1024 * 1024}\r\n\r\n"
            ).encode()
        )
        answer = sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 413"), answer
    assert time.monotonic() - started < 10
