"""Readers that stop reading, against a real ``hubbub serve``: the server disconnects them,
and everyone else still gets every entry, in order."""

import socket
import threading
import time

import pytest

from .helpers import Site, SSEStream

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]

TCP_ESTABLISHED = 1
# Long entries make every frame large, so a reader that does not read fills its socket fast.
LONG_BODY = " ".join(f"word{n}" for n in range(2000))


def stuck_reader(site: Site) -> socket.socket:
    """A raw connection with a tiny receive buffer that reads the greeting and then nothing."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.settimeout(10)
    sock.connect(("127.0.0.1", site.server.port))
    sock.sendall(f"GET /{site.event.slug}/live/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    seen = b""
    while b": connected\n\n" not in seen:
        chunk = sock.recv(1024)
        assert chunk, "the server closed the stream before greeting"
        seen += chunk
    return sock


def closed_by_server(sock: socket.socket) -> bool:
    """True once the server has reset or closed the connection (read without reading)."""
    state = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)[0]
    return state != TCP_ESTABLISHED


class Follower(threading.Thread):
    """A normal reader, reading as fast as frames arrive, on its own thread."""

    def __init__(self, site: Site, expected: int):
        super().__init__(daemon=True)
        self.stream = SSEStream(site.stream_url).wait_connected()
        self.expected = expected
        self.events = []
        self.error: BaseException | None = None

    def run(self):
        try:
            while len(self.events) < self.expected:
                self.events.append(self.stream.next_event(timeout=60))
        except BaseException as exc:  # reported by the test
            self.error = exc
        finally:
            self.stream.close()


@pytest.mark.parametrize(
    "limit",
    [
        # Stuck on a full socket for a second; or (below) too many frames waiting.
        {"HUBBUB_STREAM_STALL_SECONDS": "1", "HUBBUB_STREAM_MAX_BEHIND": "100000"},
        {"HUBBUB_STREAM_STALL_SECONDS": "3600", "HUBBUB_STREAM_MAX_BEHIND": "40"},
    ],
    ids=["stalled", "too-far-behind"],
)
def test_readers_that_never_read_are_disconnected_by_the_server(site_factory, limit):
    site = site_factory(**limit)
    posts = 100
    followers = [Follower(site, posts) for _ in range(2)]
    stuck = [stuck_reader(site) for _ in range(10)]
    for follower in followers:
        follower.start()

    posted = [site.post(f"Update {n}: {LONG_BODY}")["id"] for n in range(posts)]

    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not all(closed_by_server(s) for s in stuck):
        time.sleep(0.2)
    still_open = sum(not closed_by_server(s) for s in stuck)
    for sock in stuck:
        sock.close()
    for follower in followers:
        follower.join(timeout=60)

    assert still_open == 0, f"{still_open} of {len(stuck)} stuck readers are still connected"
    for follower in followers:
        assert follower.error is None, follower.error
        assert [e.json()["id"] for e in follower.events] == posted
        assert [int(e.id) for e in follower.events] == list(range(1, posts + 1))
