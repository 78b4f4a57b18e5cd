"""One rate limiter for the whole site: fixed windows counted in the cache.

Each limit is named ``"<action>.<scope>"`` (``comment.visitor``, ``like.address``, …) and
configured in ``settings.HUBBUB_RATE_LIMITS`` as ``(count, seconds)``. A caller counts one
request against several keys at once, typically the visitor (account, cookie or email) with
a tight limit and the network address with a generous one: a venue's Wi-Fi puts hundreds of
honest people behind one address.
"""

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int


class RateLimited(Exception):
    """Too many requests for one key; ``retry_after`` is in whole seconds."""

    def __init__(self, retry_after: int, limit_name: str = ""):
        super().__init__(f"rate limited ({limit_name}); retry after {retry_after} s")
        self.retry_after = retry_after
        self.limit_name = limit_name


def limit_for(name: str) -> Limit:
    """The configured limit called ``name`` (e.g. ``"comment.visitor"``)."""
    count, seconds = settings.HUBBUB_RATE_LIMITS[name]
    return Limit(int(count), int(seconds))


def hit(action: str, **keys) -> None:
    """Count one ``action`` against each non-empty key, by scope name; raise RateLimited when
    any is over its limit. ``hit("comment", visitor=id, address=ip)`` uses the limits
    ``comment.visitor`` and ``comment.address``. Every key is counted even when one is over,
    so a flood keeps itself limited."""
    hit_limits(
        [(f"{action}.{scope}", key, limit_for(f"{action}.{scope}")) for scope, key in keys.items()]
    )


def hit_limits(checks: list[tuple[str, object, Limit]]) -> None:
    """``hit`` with the limits given: ``(name, key, Limit)`` for each key to count.

    Each key's window opens at its first hit and lasts the limit's seconds, so a burst is
    never split across two windows (as clock-aligned windows would allow at their edge)."""
    now = time.time()
    refused: RateLimited | None = None
    for name, key, limit in checks:
        if key in (None, ""):
            continue
        digest = hashlib.sha256(str(key).lower().encode()).hexdigest()[:32]
        count_key, opened_key = f"rate:{name}:{digest}", f"rate:{name}:{digest}:opened"
        if cache.add(count_key, 0, limit.seconds):
            cache.set(opened_key, now, limit.seconds)
        try:
            hits = cache.incr(count_key)
        except ValueError:  # expired between add and incr
            cache.set(count_key, 1, limit.seconds)
            cache.set(opened_key, now, limit.seconds)
            hits = 1
        if hits > limit.count and refused is None:
            opened = cache.get(opened_key, now)
            retry_after = max(1, int(opened + limit.seconds - now) + 1)
            refused = RateLimited(retry_after, name)
    if refused is not None:
        raise refused


def _once_key(purpose: str, token: str) -> str:
    return f"once:{purpose}:{hashlib.sha256(token.encode()).hexdigest()}"


def use_once(purpose: str, token: str, seconds: int) -> bool:
    """True the first time ``token`` is used for ``purpose`` within ``seconds``, else False.
    Atomic in the cache, so two requests racing with one token cannot both win."""
    return cache.add(_once_key(purpose, token), 1, seconds)


def forget_use(purpose: str, token: str) -> None:
    """Undo ``use_once`` (the action it guarded did not happen)."""
    cache.delete(_once_key(purpose, token))
