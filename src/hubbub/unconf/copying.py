"""The unconference's part of starting the next event from this one (an events copy hook)."""

from hubbub.events.extensions import EventCopy
from hubbub.events.models import Session

from .models import Pitch


def drop_placed_topics(copy: EventCopy) -> None:
    """Topics placed at this year's unconference are not next year's programme: their copied
    sessions go, and the unconference's own session stays for new topics."""
    if not copy.sessions:
        return
    placed = Pitch.objects.filter(
        session_id__in=list(copy.sessions), unconference__event=copy.source
    ).values_list("session_id", flat=True)
    Session.objects.filter(pk__in=[copy.sessions[pk].pk for pk in placed]).delete()
    for pk in placed:
        copy.sessions.pop(pk, None)
