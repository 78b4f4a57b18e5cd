"""Placed topics on the programme: each one is a ``Session`` of kind unconference, so it joins
the programme and its exports. Sessions are written through ``hubbub.events.services`` only."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from hubbub.events.models import Event, Session
from hubbub.events.services import (
    do_create_session,
    do_delete_session,
    do_update_session,
)

from ..models import Pitch

# A topic may sit inside the programme's own unconference session in its room.
SHARES_ROOM_WITH = (Session.Kind.UNCONFERENCE,)


def unconference_sessions(event: Event):
    """The event's own unconference sessions (not the topics placed into them)."""
    return (
        Session.objects.filter(
            event=event, kind=Session.Kind.UNCONFERENCE, unconf_pitch__isnull=True
        )
        .select_related("room")
        .order_by("starts_at", "room__order", "title")
    )


def busy_cells(event: Event, rooms, slots) -> dict[tuple[int, int], Session]:
    """(room, slot) cells taken by other programme sessions (not the unconference's own)."""
    if not rooms or not slots:
        return {}
    first = min(s.starts_at for s in slots)
    last = max(s.ends_at for s in slots)
    others = Session.objects.filter(
        event=event, room__in=rooms, starts_at__lt=last, ends_at__gt=first
    ).exclude(kind__in=SHARES_ROOM_WITH)
    busy = {}
    for session in others:
        for slot in slots:
            if session.starts_at < slot.ends_at and slot.starts_at < session.ends_at:
                busy.setdefault((session.room_id, slot.pk), session)
    return busy


def session_description(pitch: Pitch) -> str:
    hosted = _("Hosted by %(name)s.") % {"name": pitch.host_name}
    return f"{pitch.description}\n\n{hosted}" if pitch.description else hosted


def sync_session(pitch: Pitch) -> None:
    """Make the topic's programme session match its placement (create, move or delete it)."""
    event = pitch.unconference.event
    if pitch.slot_id is None:
        if pitch.session_id is not None:
            do_delete_session(pitch.session)
            pitch.session = None
        return
    slot, room = pitch.slot, pitch.room
    # Checked here first too, to name the session in the unconference's own words.
    busy = busy_cells(event, [room], [slot]).get((room.pk, slot.pk))
    if busy is not None:
        raise ValidationError(
            {
                "room": _("%(room)s is in use then by “%(title)s”.")
                % {"room": room.name, "title": busy.title}
            }
        )
    fields = {
        "title": pitch.topic,
        "kind": Session.Kind.UNCONFERENCE,
        "starts_at": slot.starts_at,
        "ends_at": slot.ends_at,
        "room": room,
        "description": session_description(pitch),
    }
    if pitch.session_id is None:
        session = do_create_session(event=event, may_share_room_with=SHARES_ROOM_WITH, **fields)
        pitch.session = session
        Pitch.objects.filter(pk=pitch.pk).update(session=session)
    else:
        session = pitch.session
        session.event = event
        # slug "" follows the topic's current title
        do_update_session(session, may_share_room_with=SHARES_ROOM_WITH, slug="", **fields)
