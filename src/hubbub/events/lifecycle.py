"""An event's lifecycle: draft → published → live → ended → archived, and what each step does.

``Event.phase`` is the one place the status in effect is worked out (the stored status, or the
dates when the event follows them). Every change of stored status goes through
``apply_status`` here: by hand through ``setup.do_set_status`` (audited with the person), or by
the periodic ``tick`` when the dates say so (audited with no person). When an event ends, the
"on ended" hooks that higher apps register (the live stream's ``event.ended`` message, closing
the unconference) run exactly once: ``Event.ended_at`` records that they ran, and only going
back to live or published clears it.
"""

import logging
from collections.abc import Callable
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hubbub.core.audit import log_action
from hubbub.core.permissions import Action, policy

from .models import Event

logger = logging.getLogger(__name__)

Status = Event.Status
# Stored statuses the dates may move an event between.
MOVED_BY_DATES = (Status.PUBLISHED, Status.LIVE, Status.ENDED)


class EventClosed(PermissionDenied):
    """The event no longer accepts this: it has ended or is an archive. The API answers 409."""


# -- hooks ---------------------------------------------------------------------------------------
EndedHook = Callable[[Event], None]
_ended_hooks: list[EndedHook] = []


def register_ended_hook(hook: EndedHook) -> None:
    """Run ``hook(event)`` once when ``event`` ends, inside the transaction that ends it."""
    if hook not in _ended_hooks:
        _ended_hooks.append(hook)


def _run_ended_hooks(event: Event) -> None:
    for hook in _ended_hooks:
        hook(event)


# -- checks every write path uses -----------------------------------------------------------------
def archive_message() -> str:
    return _("This is an archive of the event: it can no longer be changed.")


def check_not_archived(event: Event | None) -> None:
    """Archives are read-only for everyone: raise EventClosed with a message that says so."""
    if event is not None and event.status == Status.ARCHIVED:
        raise EventClosed(archive_message())


def check_open_for_visitors(event: Event | None) -> None:
    """Applications, pitches and marks stop when the event ends."""
    check_not_archived(event)
    if event is not None and event.has_ended:
        raise EventClosed(_("This event has ended."))


# -- changing status -----------------------------------------------------------------------------
def apply_status(event: Event, status: str, *, actor=None, now: datetime | None = None) -> bool:
    """Store ``status`` on ``event`` (locked by the caller) and run its effects; audited.

    Returns whether anything changed."""
    now = now or timezone.now()
    old = event.status
    fields = ["status", "updated_at"]
    event.status = status
    ending = status in (Status.ENDED, Status.ARCHIVED) and event.ended_at is None
    if ending:
        event.ended_at = now
        fields.append("ended_at")
    elif status in (Status.LIVE, Status.PUBLISHED, Status.DRAFT) and event.ended_at is not None:
        # Back before the end: posting reopens, and a later end is a new ending.
        event.ended_at = None
        event.wrapup_posting = False
        fields += ["ended_at", "wrapup_posting"]
    if old == status and not ending:
        return False
    event.save(update_fields=fields)
    log_action(
        "hubbub.event.status_changed",
        actor=actor,
        event=event,
        target=event,
        data={"title": event.title, "old": old, "new": status, "automatic": actor is None},
    )
    if ending:
        _run_ended_hooks(event)
    return True


def check_status(status) -> str:
    if status not in Status.values:
        raise ValidationError(
            {"status": [_("Choose one of: %(choices)s.") % {"choices": ", ".join(Status.values)}]}
        )
    return status


def due_events(now: datetime):
    """Events following their dates whose stored status is behind what the dates say."""
    candidates = Event.objects.filter(status_by_dates=True, status__in=MOVED_BY_DATES)
    return [
        event
        for event in candidates
        if event.phase_at(now) != event.status
        or (event.status == Status.ENDED and event.ended_at is None)
    ]


def tick(now: datetime | None = None) -> list[tuple[Event, str, str]]:
    """Apply every transition the dates make due; returns (event, old, new) for each."""
    now = now or timezone.now()
    moved = []
    for candidate in due_events(now):
        with transaction.atomic():
            # Locked and read again: two workers ticking at once move an event once.
            event = Event.objects.select_for_update().get(pk=candidate.pk)
            if not event.status_by_dates or event.status not in MOVED_BY_DATES:
                continue
            old, new = event.status, event.phase_at(now)
            if apply_status(event, new, now=now):
                moved.append((event, old, new))
    return moved


def tick_safely() -> None:
    """The periodic check's body: one failing event must not stop the next check."""
    try:
        for event, old, new in tick():
            logger.info("event %s moved from %s to %s by its dates", event.slug, old, new)
    except Exception:
        logger.exception("the event lifecycle check failed")


# -- wrap-up -------------------------------------------------------------------------------------
@transaction.atomic
def do_set_wrapup_posting(event: Event, *, actor, open: bool) -> Event:
    """After the end, organisers and editors may reopen posting to write a wrap-up."""
    policy.require(actor, Action.APPROVE_ENTRY, event)
    check_not_archived(event)
    if open and not event.has_ended:
        raise ValidationError(
            {"wrapup_posting": _("Posting is still open: the event has not ended.")}
        )
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.wrapup_posting == bool(open):
        return event
    event.wrapup_posting = bool(open)
    event.save(update_fields=["wrapup_posting", "updated_at"])
    log_action(
        "hubbub.event.wrapup_reopened" if open else "hubbub.event.wrapup_closed",
        actor=actor,
        event=event,
        target=event,
        data={"title": event.title},
    )
    return event
