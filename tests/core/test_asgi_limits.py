"""Request bodies against a real ``hubbub serve``: every path has a limit that holds for chunked
bodies as well as declared ones, the answer is 413 as soon as the limit is passed, nothing is
written to disk first, and an upload is read only from someone signed in."""

import select
import socket
import time
from pathlib import Path

import httpx
import pytest

from hubbub.core.permissions import Role
from tests.factories import UserFactory, grant

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]

REQUEST_LIMIT = 256 * 1024
UPLOAD_LIMIT = 1024 * 1024
ATTEMPT = 16 * 1024 * 1024  # what the client tries to send: far over both limits


@pytest.fixture
def server(start_server):
    return start_server(
        HUBBUB_MAX_REQUEST_BYTES=REQUEST_LIMIT,
        HUBBUB_MAX_DECK_BYTES=UPLOAD_LIMIT,
        HUBBUB_MAX_GALLERY_REQUEST_BYTES=UPLOAD_LIMIT,
    )


def bytes_written(server) -> int:
    """Everything the server process has written so far (files and sockets alike)."""
    io = Path(f"/proc/{server.process.pid}/io").read_text()
    return int(next(line.split()[1] for line in io.splitlines() if line.startswith("wchar:")))


class Answer:
    def __init__(self, status: int | None, sent: int, seconds: float):
        self.status, self.sent, self.seconds = status, sent, seconds


def post_body(server, path: str, *, chunked: bool, headers: dict | None = None) -> Answer:
    """POST up to ATTEMPT bytes, reading the answer as soon as one comes (as a browser does)."""
    head = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json"]
    head.append("Transfer-Encoding: chunked" if chunked else f"Content-Length: {ATTEMPT}")
    head += [f"{name}: {value}" for name, value in (headers or {}).items()]
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    started = time.monotonic()
    sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
    sock.setblocking(False)
    piece = b"x" * 65536
    frame = b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece
    sent, response, outgoing, sending = 0, b"", b"", True
    deadline = started + 30
    while time.monotonic() < deadline and b"\r\n" not in response:
        writers = [sock] if sending and sent < ATTEMPT else []
        readable, writable, _ = select.select([sock], writers, [], 1)
        if readable:
            try:
                data = sock.recv(65536)
            except ConnectionResetError:
                break
            if not data:
                break
            response += data
        elif writable:
            outgoing = outgoing or frame
            try:
                written = sock.send(outgoing)
            except BlockingIOError:
                continue
            except (BrokenPipeError, ConnectionResetError):
                # The server has answered and closed: its answer may still be waiting to be read.
                sending = False
                continue
            outgoing = outgoing[written:]
            sent += written
    sock.close()
    status = int(response.split(b" ", 2)[1]) if response.startswith(b"HTTP/1.1 ") else None
    return Answer(status, sent, time.monotonic() - started)


@pytest.fixture
def reporter_token(event, token_for):
    reporter = UserFactory()
    grant(reporter, event, Role.REPORTER)
    return token_for(reporter)


def refused_promptly(server, path: str, status: int, limit: int, **options) -> str | None:
    """What went wrong with a request that ``status`` should refuse, or None."""
    before = bytes_written(server)
    answer = post_body(server, path, **options)
    written = bytes_written(server) - before
    if answer.status != status:
        return f"{path} {options}: answered {answer.status}, not {status}"
    # Refused as the limit passed, not after the client had sent everything.
    if answer.sent >= ATTEMPT / 2 or answer.seconds > 10:
        return f"{path} {options}: refused after {answer.sent:,} bytes, {answer.seconds:.1f} s"
    # A spooled body is written to a temporary file: megabytes, not a short answer.
    if written >= limit:
        return f"{path} {options}: the server wrote {written:,} bytes"
    return None


def test_bodies_over_the_limit_get_413_at_once_and_nothing_is_spooled(server, event):
    paths = ["/healthz", "/accounts/login/", f"/api/v1/events/{event.slug}/entries", "/"]
    problems = [
        refused_promptly(server, path, 413, REQUEST_LIMIT, chunked=chunked)
        for path in paths
        for chunked in (True, False)
    ]
    assert [p for p in problems if p] == []


def test_uploads_over_their_limit_get_413_from_signed_in_reporters(server, event, reporter_token):
    token = {"Authorization": f"Bearer {reporter_token}"}
    problems = [
        refused_promptly(
            server,
            f"/api/v1/events/{event.slug}/slideshows",
            413,
            UPLOAD_LIMIT,
            chunked=chunked,
            headers=token,
        )
        for chunked in (True, False)
    ]
    assert [p for p in problems if p] == []


def test_uploads_from_anyone_not_signed_in_are_refused_before_the_body_is_read(server, event):
    paths = {
        f"/api/v1/events/{event.slug}/slideshows": 401,
        f"/{event.slug}/slides/upload/": 403,
        f"/{event.slug}/photos/new/": 403,
        f"/{event.slug}/live/write": 403,
    }
    credentials = [
        {},
        {"Authorization": "Bearer hbb_not-a-token"},
        {"Cookie": "sessionid=not-a-session"},
    ]
    problems = [
        refused_promptly(server, path, status, REQUEST_LIMIT, chunked=True, headers=headers)
        for path, status in paths.items()
        for headers in credentials
    ]
    assert [p for p in problems if p] == []


def test_bodies_within_the_limits_still_arrive(server, event, reporter_token):
    chunks = (b'{"body": "' + b"a" * 1000, b'"}')
    response = httpx.post(
        f"{server.base_url}/api/v1/events/{event.slug}/entries",
        content=iter(chunks),  # sent chunked
        headers={"Authorization": f"Bearer {reporter_token}", "Content-Type": "application/json"},
        timeout=10,
    )
    assert response.status_code == 201, response.text
    assert response.json()["body"] == "a" * 1000
