"""The single publish path (rule 2 of the house).

``publish()`` is called by services inside the transaction of the change. It takes the event's
next sequence number, writes the message to the durable stream log, and hands it to the broker
on commit, so readers never see a change that was rolled back.

``rewrite_logged()`` keeps replays honest: when an entry is edited or deleted, its earlier
messages in the durable log and in every stream process's memory log are rewritten to what
readers may see now. ``close_desk_streams()`` ends a person's team desk connections everywhere.

``publish_ephemeral()`` is the other way to the broker, for figures that change too often to be
worth a place in the resumable sequence (like counts): it moves no sequence number, writes no
row and retires no cached page; the message goes to the readers connected now, without an SSE
``id:``, and is never replayed (pages correct such figures when they load). Messages with the
same ``key`` are coalesced in each process: the first starts a timer, later ones replace its
payload, and when it fires the newest payload goes out: at most one a second per key and
process.
"""

import json
import logging
import threading

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F

from hubbub.core import pageversion
from hubbub.events.models import Event

from .broker import (
    CLOSE_DESK_STREAMS,
    CONTROL_PREFIX,
    EPHEMERAL_SEQ,
    REWRITE_FRAMES,
    StreamMessageData,
    get_broker,
)
from .models import StreamMessage

logger = logging.getLogger(__name__)

# The durable log is pruned to this many messages per event (older readers get a resync).
KEEP_MESSAGES = 5000
# Messages whose type starts with this go only to the team desk stream; the public stream's
# server routes them away before any public hub sees them.
PRIVATE_PREFIX = "desk."
# Like counts: they change no page copy (the page corrects its counts on load).
LIKE_PREFIX = "like."


def encode_payload(payload: dict) -> str:
    # One line of compact JSON: it goes into a single SSE data: field.
    return json.dumps(payload, cls=DjangoJSONEncoder, separators=(",", ":"), ensure_ascii=False)


def publish(event: Event, type: str, payload: dict, *, subject: str = "") -> int:
    """``subject`` ("entry:42") names what the message is about, for ``rewrite_logged()``."""
    if type.startswith(PRIVATE_PREFIX):
        raise ValueError("team desk messages go through publish_private()")
    if type.startswith(CONTROL_PREFIX):
        raise ValueError(f"{CONTROL_PREFIX!r} types are the stream processes' own")
    data = encode_payload(payload)
    with transaction.atomic():
        # The UPDATE locks the event row until commit, so sequence numbers leave in order.
        Event.objects.filter(pk=event.pk).update(stream_seq=F("stream_seq") + 1)
        seq = Event.objects.filter(pk=event.pk).values_list("stream_seq", flat=True).get()
        StreamMessage.objects.create(
            event_id=event.pk, seq=seq, type=type, data=data, subject=subject
        )
        if seq % 500 == 0:
            StreamMessage.objects.filter(event_id=event.pk, seq__lte=seq - KEEP_MESSAGES).delete()
        event.stream_seq = seq
        message = StreamMessageData(event_id=event.pk, seq=seq, type=type, data=data)
        transaction.on_commit(lambda: _send(message))
        if not type.startswith(LIKE_PREFIX):
            # What a public page shows has changed (a like changes only a count, which the
            # page corrects on load, so its copies stay).
            pageversion.bump(event.pk)
    return seq


def publish_private(event: Event, type: str, id: int, payload: dict) -> None:
    """Team-only messages: the same broker, but no public sequence number and no public log.

    ``id`` (the row's primary key) is the SSE id; the desk stream resumes from its table."""
    if not type.startswith(PRIVATE_PREFIX):
        raise ValueError(f"private message types start with {PRIVATE_PREFIX!r}")
    message = StreamMessageData(event_id=event.pk, seq=id, type=type, data=encode_payload(payload))
    transaction.on_commit(lambda: _send(message))


def rewrite_logged(
    event: Event, subject: str, payload: dict, *, before: int, type: str | None = None
) -> None:
    """Make the logged messages about ``subject`` older than ``before`` carry ``payload`` (and
    ``type``, when given), in the durable log now and in every process's memory log on commit.

    Call it in the change's transaction, after ``publish()`` (whose lock on the event row keeps
    two rewrites of one event apart). Readers already connected are not affected: they have
    the old messages and get the new one in order."""
    data = encode_payload(payload)
    logged = StreamMessage.objects.filter(event_id=event.pk, subject=subject, seq__lt=before)
    frames = [[seq, type or old_type] for seq, old_type in logged.values_list("seq", "type")]
    if not frames:
        return
    logged.update(data=data, **({"type": type} if type else {}))
    control = json.dumps({"frames": frames, "data": data}, separators=(",", ":"))
    message = StreamMessageData(event_id=event.pk, seq=0, type=REWRITE_FRAMES, data=control)
    transaction.on_commit(lambda: _send(message))


def close_desk_streams(event: Event, user_id: int) -> None:
    """On commit, end every open team desk stream of ``user_id`` on ``event``, in every process
    (their browser reconnects, and is refused if they are no longer on the team)."""
    control = json.dumps({"user": user_id})
    message = StreamMessageData(event_id=event.pk, seq=0, type=CLOSE_DESK_STREAMS, data=control)
    transaction.on_commit(lambda: _send(message))


# An ephemeral message waits this long for newer ones with the same key.
COALESCE_SECONDS = 1.0
# At most this many keys wait at once (a timer thread each); beyond, messages go out at once.
MAX_WAITING = 1000
_pending_lock = threading.Lock()
# key -> [the newest message, its timer]
_pending: dict[tuple, list] = {}


def publish_ephemeral(event: Event, type: str, payload: dict, *, key: str) -> None:
    """On commit, send ``payload`` to ``event``'s connected readers within a second, unless a
    newer payload with the same ``key`` ("entry-42") replaces it first."""
    if type.startswith((PRIVATE_PREFIX, CONTROL_PREFIX)):
        raise ValueError(f"{type!r} is not a public message type")
    message = StreamMessageData(
        event_id=event.pk, seq=EPHEMERAL_SEQ, type=type, data=encode_payload(payload)
    )
    transaction.on_commit(lambda: _coalesce((event.pk, type, key), message))


def _coalesce(slot: tuple, message: StreamMessageData) -> None:
    with _pending_lock:
        waiting = _pending.get(slot)
        if waiting is not None:
            waiting[0] = message
            return
        if len(_pending) >= MAX_WAITING:
            timer = None
        else:
            timer = threading.Timer(COALESCE_SECONDS, _fire, args=(slot,))
            timer.daemon = True
            _pending[slot] = [message, timer]
    if timer is None:
        _send(message)
        return
    timer.start()


def _fire(slot: tuple) -> None:
    with _pending_lock:
        waiting = _pending.pop(slot, None)
    if waiting is not None:
        _send(waiting[0])


def flush_ephemeral() -> None:
    """Send every waiting ephemeral message now (at shutdown, and in tests)."""
    with _pending_lock:
        waiting = list(_pending.values())
        _pending.clear()
    for message, timer in waiting:
        timer.cancel()
        _send(message)


def _send(message: StreamMessageData) -> None:
    try:
        get_broker().publish(message)
    except Exception:
        # The change is committed and logged; readers catch up from the log on the next message
        # or reconnect, so a broker outage must not turn a reporter's post into an error.
        logger.exception("broker %s failed to publish %s", settings.HUBBUB_BROKER, message.seq)
