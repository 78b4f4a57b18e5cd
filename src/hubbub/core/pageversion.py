"""Content versions: one token per event, and one for the site, that every write changing what
a public page shows replaces.

Public pages are cached whole under the versions they were rendered at (``core/pagecache.py``),
so a copy is good exactly as long as nothing it shows has been written since. Writes move the
versions without anyone having to remember to: a saved or deleted row of any model with an
``event`` foreign key (or one that reaches an event in one or two foreign-key hops, such as a
slide through its slideshow) moves that event's version, and a row whose ``event`` is empty
(a site-wide blog post), an organisation or an event itself moves the site's. Many-to-many
changes count as a save of the row they hang on. ``publish()`` moves the event's version too,
since it changes the event row with an UPDATE that sends no signal. Models whose rows no public
page shows (likes, the audit log, the team desk, …) are left out with ``ignore_model``.

A version moves when the write's transaction commits: a page rendered before the commit was
keyed by the old version and is never served again once the new one is read.

Where they live: in this process when the broker is ``memory://`` (one process serves), and in
Redis (``HUBBUB_BROKER``'s database) when it is ``redis://``, so every process and node sees a
write at once. A version is a random token rather than a counter, so a Redis restart can never
bring an old number, and with it an old copy, back.
"""

import logging
import secrets
import threading

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import ForeignKey, OneToOneField
from django.db.models.signals import m2m_changed, post_delete, post_save

log = logging.getLogger(__name__)

SITE = 0  # the key of the site's own version (the index, the site blog)
EVENT_MODEL = "events.event"
# Rows that no public page shows, or that move versions another way.
_ignored = {
    "admin.logentry",
    "auth.user",
    "comments.like",
    "core.auditentry",
    "django_tasks_db.dbtaskresult",
    "live.streammessage",  # publish() moves the version itself
    "sessions.session",
    "team.teammessage",
}
# Rows shown on site-wide pages (the events index) without an ``event`` key of their own.
_site_models = {EVENT_MODEL, "events.organisation", "sites.site"}
_paths: dict[str, tuple[str, ...] | None] = {}


def ignore_model(label: str) -> None:
    """Writes to ``app_label.model`` no longer move any version (nothing public shows them)."""
    _ignored.add(label.lower())


def site_model(label: str) -> None:
    """Writes to ``app_label.model`` move the site's version (it shows on site-wide pages)."""
    _site_models.add(label.lower())


# -- the stores --------------------------------------------------------------------------------
class MemoryVersions:
    def __init__(self):
        self.versions: dict[int, str] = {}

    def bump(self, keys) -> None:
        for key in keys:
            self.versions[key] = secrets.token_hex(8)

    def get(self, keys) -> tuple:
        return tuple(self.versions.get(key, "") for key in keys)

    async def aget(self, keys) -> tuple:
        return self.get(keys)


class RedisVersions:
    PREFIX = "hubbub:pv:"
    # Kept well past any cached copy's life, then forgotten with the copies.
    TTL_SECONDS = 7 * 24 * 3600

    def __init__(self, url: str):
        import redis

        self.url = url
        self.client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._async = None
        self._async_loop = None

    def bump(self, keys) -> None:
        with self.client.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.set(f"{self.PREFIX}{key}", secrets.token_hex(8), ex=self.TTL_SECONDS)
            pipe.execute()

    def get(self, keys) -> tuple:
        values = self.client.mget([f"{self.PREFIX}{key}" for key in keys])
        return tuple((v or b"").decode() for v in values)

    async def aget(self, keys) -> tuple:
        import asyncio

        import redis.asyncio as aioredis

        loop = asyncio.get_running_loop()
        if self._async is None or self._async_loop is not loop:
            self._async = aioredis.Redis.from_url(
                self.url, socket_timeout=2, socket_connect_timeout=2
            )
            self._async_loop = loop
        values = await self._async.mget([f"{self.PREFIX}{key}" for key in keys])
        return tuple((v or b"").decode() for v in values)


_store = None
_store_lock = threading.Lock()


def store():
    global _store
    if _store is None:
        with _store_lock:
            if _store is None:
                url = settings.HUBBUB_BROKER
                _store = RedisVersions(url) if url.startswith("redis") else MemoryVersions()
    return _store


def reset_store() -> None:
    """Forget the store (tests that change ``HUBBUB_BROKER``)."""
    global _store
    _store = None


# -- moving and reading versions ----------------------------------------------------------------
def bump(*keys: int | None) -> None:
    """Move the versions of these events (``SITE`` for the site) when the transaction commits."""
    keys = tuple({SITE if key is None else int(key) for key in keys})
    if keys:
        transaction.on_commit(lambda: _bump_now(keys))


def bump_event(event) -> None:
    """Move the version of ``event`` (an Event or its id) on commit: for writes made with
    ``QuerySet.update()``, which send no signal."""
    bump(getattr(event, "pk", event))


def _bump_now(keys) -> None:
    try:
        store().bump(keys)
    except Exception:  # a cached copy then lives until it expires; the write itself stands
        log.exception("could not move the page versions %s", keys)


def current(event_id: int | None) -> tuple:
    """(the event's version, the site's version); just the site's for site pages."""
    return store().get((event_id, SITE) if event_id else (SITE,))


async def acurrent(event_id: int | None) -> tuple:
    return await store().aget((event_id, SITE) if event_id else (SITE,))


# -- which event a row belongs to ---------------------------------------------------------------
def _is_event_fk(field) -> bool:
    return (
        isinstance(field, ForeignKey | OneToOneField)
        and field.related_model is not None
        and field.related_model._meta.label_lower == EVENT_MODEL
    )


def _forward_fks(model):
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, ForeignKey | OneToOneField) and f.related_model is not None
    ]


def _path_to_event(model) -> tuple[str, ...] | None:
    """The foreign keys from ``model`` to its event: ("event",), ("slideshow", "event"), …"""
    label = model._meta.label_lower
    if label in _paths:
        return _paths[label]
    path = None
    fields = _forward_fks(model)
    direct = [f for f in fields if _is_event_fk(f) and f.name == "event"] or [
        f for f in fields if _is_event_fk(f)
    ]
    if direct:
        path = (direct[0].name,)
    else:
        for depth in (1, 2):
            path = _search(model, depth)
            if path:
                break
    _paths[label] = path
    return path


def _search(model, depth: int) -> tuple[str, ...] | None:
    for field in _forward_fks(model):
        related = field.related_model
        if related is model or related._meta.label_lower.startswith(("auth.", "contenttypes.")):
            continue
        if depth == 1:
            hop = next((f for f in _forward_fks(related) if _is_event_fk(f)), None)
            if hop is not None:
                return (field.name, hop.name)
        else:
            for inner in _forward_fks(related):
                target = inner.related_model
                if target is related or target is model:
                    continue
                hop = next((f for f in _forward_fks(target) if _is_event_fk(f)), None)
                if hop is not None:
                    return (field.name, inner.name, hop.name)
    return None


def keys_for(instance) -> set[int]:
    """The versions a write of ``instance`` moves (empty: it shows on no public page)."""
    model = type(instance)
    label = model._meta.label_lower
    if label in _ignored or model._meta.auto_created:
        return set()
    if label == EVENT_MODEL:
        return {instance.pk, SITE}
    if label in _site_models:
        return {SITE}
    path = _path_to_event(model)
    if path is None:
        return set()
    first = model._meta.get_field(path[0])
    first_id = getattr(instance, first.attname)
    if len(path) == 1:
        return {first_id or SITE}
    if first_id is None:
        return set()
    event_id = (
        first.related_model._base_manager.filter(pk=first_id)
        .values_list("__".join(path[1:]), flat=True)
        .first()
    )
    return {event_id} if event_id else set()


def _written(sender, instance, raw=False, **kwargs) -> None:
    if raw:  # loading fixtures
        return
    keys = keys_for(instance)
    if keys:
        bump(*keys)


def _m2m_written(sender, instance, action, **kwargs) -> None:
    if action in {"post_add", "post_remove", "post_clear"}:
        _written(type(instance), instance)


def connect() -> None:
    post_save.connect(_written, dispatch_uid="hubbub.pageversion.save")
    post_delete.connect(_written, dispatch_uid="hubbub.pageversion.delete")
    m2m_changed.connect(_m2m_written, dispatch_uid="hubbub.pageversion.m2m")


def event_id_for_slug(slug: str) -> int | None:
    """The id of the event at ``slug`` (None when there is none), for the page cache."""
    event = apps.get_model("events", "Event")
    return event._base_manager.filter(slug=slug).values_list("pk", flat=True).first()
