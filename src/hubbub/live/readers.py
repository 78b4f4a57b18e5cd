"""One connected stream reader: its queue, the loop that writes it out, and how it is dropped.

The stream hubs push the same frame bytes to every reader and never wait for one. A reader
whose connection has taken everything written so far gets a new frame straight away, as one
pre-framed HTTP chunk written to its socket by the hub (no task switch, no ``await``); anything
else is queued, and the reader's own task (``relay``) writes it through the server's ``send``,
waiting for the client as ASGI flow control says. A reader that stops taking what is written
is dropped with a reset, so what it can cost the server is bounded (docs/security.md).
"""

import asyncio
import contextlib
import socket
import struct
import time
from collections.abc import Awaitable, Callable

Send = Callable[[dict], Awaitable[None]]

# One write to a reader carries at most about this much of its queue, so a reader that is far
# behind never costs a large joined copy of its frames.
MAX_BATCH_BYTES = 64 * 1024
# The kernel's send buffer per stream connection. Left alone, Linux lets it grow to 4 MB
# (net.ipv4.tcp_wmem) for a client that never reads, and a stall shows only once that is full.
SEND_BUFFER_BYTES = 256 * 1024
# SO_LINGER on, zero seconds: closing the socket resets the connection and frees its buffers.
LINGER_RESET = struct.pack("ii", 1, 0)


def chunked(frame: bytes) -> bytes:
    """``frame`` as one HTTP/1.1 chunk, framed as the server frames a response body."""
    return b"%x\r\n%s\r\n" % (len(frame), frame)


class Reader:
    """One connected reader: what is waiting to be written, and how to wake its writer.

    A reader costs the server only what it has not taken yet, so that is bounded: more than
    ``max_behind`` frames waiting, or a write that has not gone out for the stall time (the
    stream server's heartbeat clock watches ``writing``), and the connection is dropped. The
    reader's browser reconnects with its ``Last-Event-ID`` and resumes.
    """

    __slots__ = (
        "abort",
        "closed",
        "direct",
        "heartbeat_due",
        "max_behind",
        "pending",
        "waiter",
        "writing",
    )

    def __init__(self, heartbeat_due: float, max_behind: int, abort: Callable[[], None]):
        self.pending: list[tuple[int | None, bytes]] = []
        self.waiter: asyncio.Future | None = None
        self.closed = False
        self.heartbeat_due = heartbeat_due
        self.max_behind = max_behind
        # Drops the connection at once, whatever is buffered for it.
        self.abort = abort
        # When the write in progress began (monotonic), or 0.0 between writes.
        self.writing = 0.0
        # The connection's transport, once the response is under way as chunks (``relay``).
        self.direct: asyncio.WriteTransport | None = None

    def push(self, seq: int | None, frame: bytes, chunk: bytes | None = None) -> None:
        """Queue ``frame``; ``chunk`` (the same frame, ``chunked``) may be written at once.

        Written at once only while the relay task is parked with nothing queued and the socket
        has taken every byte so far: the order of frames is kept, and a client that reads
        slowly falls back to the queue, where flow control and the stall check watch it.
        """
        if self.closed:
            return
        transport = self.direct
        if (
            chunk is not None
            and transport is not None
            and not self.pending
            and self.waiter is not None
            and not self.waiter.done()
            and not transport.get_write_buffer_size()
            and not transport.is_closing()
        ):
            transport.write(chunk)
            return
        self.pending.append((seq, frame))
        if len(self.pending) > self.max_behind:
            self.drop()
        else:
            self.wake()

    def wake(self) -> None:
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def close(self) -> None:
        """End the stream once the write in progress (if any) is done."""
        self.closed = True
        self.wake()

    def drop(self) -> None:
        """Disconnect now, throwing away what is queued or buffered for this reader."""
        self.closed = True
        self.pending = []
        self.wake()
        abort, self.abort = self.abort, None
        if abort is not None:
            abort()

    @property
    def dropped(self) -> bool:
        return self.abort is None


async def relay(reader: Reader, send: Send, first: bytes) -> None:
    """Write ``first``, then whatever the hub queues for ``reader``, until it is closed.

    The hub wakes the reader once per batch; what was queued meanwhile goes out in one write.
    ``reader.writing`` marks a write in progress, so the heartbeat clock can see one that the
    client's full socket holds up; nothing else ever waits for this reader.
    """
    # Only known once the response has started (its headers are out by now).
    reader.direct = direct_transport(send)
    body = first
    while not reader.closed:
        reader.writing = time.monotonic()
        await send({"type": "http.response.body", "body": body, "more_body": True})
        reader.writing = 0.0
        if not reader.pending:
            if reader.closed:
                break
            reader.waiter = asyncio.get_running_loop().create_future()
            await reader.waiter
            reader.waiter = None
            if reader.closed:
                break
        body = _take_batch(reader)
    if not reader.dropped:
        # Closed by the server (shutdown, a revoked role) or by the client: end the response.
        reader.writing = time.monotonic()
        await send({"type": "http.response.body", "body": b"", "more_body": False})
        reader.writing = 0.0


def _take_batch(reader: Reader) -> bytes:
    pending = reader.pending
    if len(pending) == 1:
        reader.pending = []
        return pending[0][1]
    size = count = 0
    for _seq, frame in pending:
        size += len(frame)
        count += 1
        if size >= MAX_BATCH_BYTES:
            break
    reader.pending = pending[count:]
    return b"".join(frame for _seq, frame in pending[:count])


def direct_transport(send: Send) -> asyncio.WriteTransport | None:
    """The transport of a response that uvicorn sends as chunks, to write chunks to directly.

    uvicorn keeps no count of a chunked body's bytes, so chunks written beside its ``send``
    (never during one: the relay task is parked) are as if it had framed them; its ``send``
    still ends the response. Under another server, or for a body that is not chunked, None.
    """
    cycle = getattr(send, "__self__", None)
    if getattr(cycle, "chunked_encoding", None) is not True:
        return None
    transport = getattr(cycle, "transport", None)
    if not hasattr(transport, "get_write_buffer_size"):
        return None
    return transport


def connection_aborter(send: Send) -> Callable[[], None]:
    """Cap the connection's kernel send buffer, and say how to drop the connection at once.

    ASGI has no message for either, and ending the response would wait for the client to take
    what is buffered, which a stuck client never does. uvicorn's ``send`` belongs to the
    request's cycle, whose transport gives the socket and can be aborted; under another server
    the buffer is left alone and dropping cancels the handler.
    """
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is None or not hasattr(transport, "abort"):
        return asyncio.current_task().cancel
    sock = transport.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER_BYTES)

    def abort() -> None:
        if sock is not None:
            # A reset, not a close: the kernel would otherwise keep the unsent bytes and go on
            # offering them to a client that never reads.
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, LINGER_RESET)
        transport.abort()

    return abort
