"""What the live blog does when its event ends, and who may still post then.

The events app runs ``on_event_ended`` (registered from ``LiveConfig.ready``) once per ending,
inside the transaction that ends the event; the message leaves on commit like any other.
"""

from django.utils.translation import gettext as _

from hubbub.core.permissions import Action, policy
from hubbub.events.lifecycle import EventClosed, check_not_archived
from hubbub.events.models import Event

from . import publish
from .schemas import EventEndedMessage

EVENT_ENDED = "event.ended"


def ended_message() -> str:
    return _("This event has ended. The live blog stays here as a record of the day.")


def on_event_ended(event: Event) -> None:
    payload = EventEndedMessage(
        event=event.slug, status=event.status, ended_at=event.ended_at, message=ended_message()
    )
    publish(event, EVENT_ENDED, payload.model_dump(mode="json"))


def posting_open_for(user, event: Event) -> bool:
    """Until the end anyone on the team posts; after it, only organisers and editors, and
    only once one of them has reopened posting for a wrap-up. Archives take nothing."""
    if event.is_archive:
        return False
    if not event.has_ended:
        return True
    return event.wrapup_posting and policy.can(user, Action.APPROVE_ENTRY, event)


def check_posting_open(user, event: Event) -> None:
    check_not_archived(event)
    if not posting_open_for(user, event):
        raise EventClosed(
            _(
                "This event has ended, so posting has closed. Organisers and editors can "
                "reopen it for a wrap-up."
            )
        )
