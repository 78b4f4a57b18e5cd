"""The team desk's SSE path, ``/<event>/team/desk/stream``, served by the live stream server.

The database is touched once per connection, in a thread: the Django session cookie gives the
user, the policy says whether they are on the event's team, and a reconnect reads the messages
it missed. After that the stream server only relays ``desk.`` messages from the broker, until
the person is taken off the team (``services.do_revoke_role`` closes their desk streams).
"""

import re
from functools import partial
from importlib import import_module
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth import get_user
from django.db import close_old_connections

from hubbub.core.permissions import Action, policy
from hubbub.events.models import Event
from hubbub.live.frames import sse_frame
from hubbub.live.publishing import encode_payload
from hubbub.live.stream import get_stream_server

from .models import TeamMessage

DESK_STREAM_PATH = re.compile(r"^/(?P<slug>[-a-zA-Z0-9_]{1,80})/team/desk/stream/?$")
REPLAY_LIMIT = 100


async def handle(scope, receive, send, slug: str) -> None:
    await get_stream_server().handle_private(
        scope, receive, send, authorise=partial(authorise, slug), replay=replay
    )


def authorise(slug: str, cookies: dict) -> tuple[int, int] | None:
    """(event id, user id) when the session's user may use the event's team desk, else None."""
    try:
        key = cookies.get(settings.SESSION_COOKIE_NAME)
        if not key:
            return None
        event = Event.objects.filter(slug=slug).first()
        if event is None:
            return None
        store = import_module(settings.SESSION_ENGINE).SessionStore(key)
        # get_user() checks the session against the password hash, as Django's pages do.
        user = get_user(SimpleNamespace(session=store))
        if not policy.can(user, Action.USE_TEAM_DESK, event):
            return None
        return event.pk, user.pk
    finally:
        close_old_connections()


def replay(event_id: int, last_id: int) -> list[tuple[int, bytes]]:
    """SSE frames of the messages after ``last_id`` (at most the newest REPLAY_LIMIT)."""
    from .services import DESK_MESSAGE, desk_message_payload

    try:
        rows = list(
            TeamMessage.objects.filter(event_id=event_id, pk__gt=last_id)
            .select_related("author", "event")
            .order_by("-id")[:REPLAY_LIMIT]
        )
        return [
            (m.pk, sse_frame(m.pk, DESK_MESSAGE, encode_payload(desk_message_payload(m))))
            for m in reversed(rows)
        ]
    finally:
        close_old_connections()
