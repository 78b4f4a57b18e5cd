import asyncio
import logging
import threading

import redis
import redis.asyncio as aioredis

from . import Broker, MessageHandler, StreamMessageData

logger = logging.getLogger(__name__)

# Followed by ":<database number>", see RedisBroker.__init__.
CHANNEL = "hubbub:live"


class RedisBroker(Broker):
    """Redis pub/sub: every process that serves readers receives every committed message.

    One channel carries all events; each process's stream hub routes by event id. Messages
    missed while a subscriber was disconnected are recovered by the hub's gap filling from the
    durable stream log.
    """

    def __init__(self, url: str):
        self.url = url
        self._client = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
        # Pub/sub ignores the database number in the URL: without it in the channel name, sites
        # (or test runs) sharing one Redis on different databases would receive each other's
        # messages, and readers would see another site's entries under matching event ids.
        db = self._client.connection_pool.connection_kwargs.get("db", 0)
        self.channel = f"{CHANNEL}:{db}"
        self._lock = threading.Lock()
        self._handlers: list[MessageHandler] = []
        self._listener: asyncio.Task | None = None

    def publish(self, message: StreamMessageData) -> None:
        self._client.publish(self.channel, message.encode())

    async def subscribe(self, handler: MessageHandler) -> None:
        with self._lock:
            self._handlers.append(handler)
        if self._listener is None or self._listener.done():
            ready = asyncio.get_running_loop().create_future()
            self._listener = asyncio.create_task(self._listen(ready))
            await ready

    async def unsubscribe(self, handler: MessageHandler) -> None:
        with self._lock:
            self._handlers = [h for h in self._handlers if h is not handler]
            last = not self._handlers
        if last and self._listener is not None:
            self._listener.cancel()
            self._listener = None

    async def _listen(self, ready: asyncio.Future) -> None:
        delay = 0.5
        while True:
            client = aioredis.Redis.from_url(self.url)
            try:
                pubsub = client.pubsub(ignore_subscribe_messages=True)
                await pubsub.subscribe(self.channel)
                if not ready.done():
                    ready.set_result(None)
                delay = 0.5
                async for item in pubsub.listen():
                    if item.get("type") != "message":
                        continue
                    try:
                        message = StreamMessageData.decode(item["data"])
                    except ValueError:
                        logger.warning("ignoring a malformed broker message")
                        continue
                    for handler in list(self._handlers):
                        handler(message)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if not ready.done():
                    ready.set_exception(exc)
                    return
                logger.warning("redis broker connection lost (%s); reconnecting", exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10)
            finally:
                await client.aclose()

    def check(self) -> dict:
        try:
            self._client.ping()
        except redis.RedisError as exc:
            return {"ok": False, "broker": "redis", "error": str(exc)}
        return {"ok": True, "broker": "redis"}
