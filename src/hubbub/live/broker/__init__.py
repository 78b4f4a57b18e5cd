"""Brokers carry committed stream messages from the process that wrote them to every process
that serves readers. ``memory://`` works within one process; ``redis://`` across processes
and nodes. Only :mod:`hubbub.live.publishing` publishes; only :mod:`hubbub.live.stream`
subscribes.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlparse


@dataclass(frozen=True, slots=True)
class StreamMessageData:
    event_id: int
    seq: int
    type: str
    data: str  # compact JSON, one line

    def encode(self) -> bytes:
        return f"{self.event_id}\n{self.seq}\n{self.type}\n{self.data}".encode()

    @classmethod
    def decode(cls, raw: bytes | str) -> "StreamMessageData":
        text = raw.decode() if isinstance(raw, bytes) else raw
        event_id, seq, type_, data = text.split("\n", 3)
        return cls(event_id=int(event_id), seq=int(seq), type=type_, data=data)


MessageHandler = Callable[[StreamMessageData], None]

# Control messages tell every stream process to change what it holds, rather than carrying
# something to readers: rewrite logged frames (``data``: {"frames": [[seq, type], ...],
# "data": payload JSON}), or close a person's team desk streams (``data``: {"user": id}).
CONTROL_PREFIX = "ctl."
REWRITE_FRAMES = "ctl.rewrite"
CLOSE_DESK_STREAMS = "ctl.desk-close"
# The sequence number of an ephemeral message (a like count): it goes to the readers connected
# now, with no SSE ``id:``, and is never logged or replayed.
EPHEMERAL_SEQ = -1


class Broker:
    """Publishing is synchronous (it runs in Django's request threads); subscribing runs on the
    stream server's event loop and calls ``handler`` on that loop for every message."""

    url: str

    def publish(self, message: StreamMessageData) -> None:
        raise NotImplementedError

    async def subscribe(self, handler: MessageHandler) -> None:
        raise NotImplementedError

    async def unsubscribe(self, handler: MessageHandler) -> None:
        raise NotImplementedError

    def check(self) -> dict:
        """Health status for /healthz."""
        raise NotImplementedError


def create_broker(url: str) -> Broker:
    scheme = urlparse(url).scheme
    if scheme == "memory":
        from .memory import MemoryBroker

        return MemoryBroker(url)
    if scheme in {"redis", "rediss", "unix"}:
        from .redis import RedisBroker

        return RedisBroker(url)
    raise ValueError(f"HUBBUB_BROKER: unsupported broker {url!r}; use memory:// or redis://…")


@cache
def get_broker() -> Broker:
    from django.conf import settings

    return create_broker(settings.HUBBUB_BROKER)
