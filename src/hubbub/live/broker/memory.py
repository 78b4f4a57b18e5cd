import asyncio
import threading

from . import Broker, MessageHandler, StreamMessageData


class MemoryBroker(Broker):
    """In-process broker: enough when one process serves both writers and readers."""

    def __init__(self, url: str = "memory://"):
        self.url = url
        self._lock = threading.Lock()
        self._subscribers: list[tuple[asyncio.AbstractEventLoop, MessageHandler]] = []

    def publish(self, message: StreamMessageData) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
        for loop, handler in subscribers:
            if loop.is_closed():
                continue
            # Publishers run in Django's worker threads; handlers belong to the stream's loop.
            loop.call_soon_threadsafe(handler, message)

    async def subscribe(self, handler: MessageHandler) -> None:
        with self._lock:
            self._subscribers.append((asyncio.get_running_loop(), handler))

    async def unsubscribe(self, handler: MessageHandler) -> None:
        with self._lock:
            self._subscribers = [(lp, h) for lp, h in self._subscribers if h is not handler]

    def check(self) -> dict:
        return {"ok": True, "broker": "memory", "subscribers": len(self._subscribers)}
