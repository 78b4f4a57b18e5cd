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
    return connected_reader(site)[0]


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


def connected_reader(site: Site) -> tuple[socket.socket, bytes]:
    """A raw connection with a tiny receive buffer, once greeted; and what it has read."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.settimeout(10)
    sock.connect(("127.0.0.1", site.server.port))
    sock.sendall(f"GET /{site.event.slug}/live/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    seen = b""
    while b": connected\n\n" not in seen:
        chunk = sock.recv(4096)
        assert chunk, "the server closed the stream before greeting"
        seen += chunk
    return sock, seen


def read_chunked_events(sock: socket.socket, data: bytes, wanted: int, pause: float) -> list:
    """Read a chunked SSE response (``data``: what was read so far) slowly, small reads with a
    pause after each, checking every chunk's framing, until ``wanted`` ``entry.created`` frames
    have come; their ids, in order."""
    head, data = data.split(b"\r\n\r\n", 1)
    assert b"transfer-encoding: chunked" in head.lower()
    body = b""
    ids = []
    while True:
        while True:  # take every whole chunk there is
            size_end = data.find(b"\r\n")
            if size_end < 0:
                break
            size = int(data[:size_end], 16)
            if len(data) < size_end + 2 + size + 2:
                break
            chunk_end = size_end + 2 + size
            assert data[chunk_end : chunk_end + 2] == b"\r\n", "a chunk's framing is broken"
            body += data[size_end + 2 : chunk_end]
            data = data[chunk_end + 2 :]
        *frames, body = body.split(b"\n\n")
        ids += [f.split(b"\n")[0][4:] for f in frames if b"event: entry.created" in f]
        if len(ids) >= wanted:
            return ids
        received = sock.recv(4096)
        assert received, "the server closed the stream"
        data += received
        time.sleep(pause)


def test_a_slow_reader_gets_every_entry_once_in_order_as_well_framed_chunks(site_factory):
    """Frames go straight to a reader's socket while it keeps up and queue while it does not;
    a reader that keeps falling behind and catching up sees no gap, repeat or broken chunk."""
    site = site_factory(HUBBUB_STREAM_STALL_SECONDS="30", HUBBUB_STREAM_MAX_BEHIND="100000")
    posts = 60
    sock, greeting = connected_reader(site)
    follower = Follower(site, posts)
    follower.start()
    reader_ids: list[bytes] = []
    reading = threading.Thread(
        target=lambda: reader_ids.extend(read_chunked_events(sock, greeting, posts, pause=0.01)),
        daemon=True,
    )
    reading.start()

    for n in range(posts):
        site.post(f"Update {n}: {LONG_BODY}")
    reading.join(timeout=60)
    follower.join(timeout=60)
    sock.close()

    assert follower.error is None, follower.error
    assert reader_ids == [str(n).encode() for n in range(1, posts + 1)]
