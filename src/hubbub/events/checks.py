"""Whether a session's times and room fit its event.

Kept apart from the services (and free of model imports) because ``Session.clean()`` runs
these checks too, so the admin and ``full_clean()`` report the same errors as the services.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _


def check_session(
    *, event, starts_at, ends_at, room=None, session=None, may_share_room_with=()
) -> None:
    """Raise ValidationError naming the field when a session's time or room does not fit.

    ``may_share_room_with`` names kinds of session this one may sit inside in the same room
    (an unconference topic inside the programme's own unconference session)."""
    errors: dict[str, list[str]] = {}
    if starts_at is None:
        errors.setdefault("starts_at", []).append(_("Give the start time."))
    if ends_at is None:
        errors.setdefault("ends_at", []).append(_("Give the end time."))
    if errors:
        raise ValidationError(errors)
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise ValidationError({"starts_at": [_("Times must carry a time zone.")]})
    if ends_at <= starts_at:
        errors.setdefault("ends_at", []).append(_("The session must end after it starts."))
    if event is not None:
        first_instant = event.day_start(event.starts_on)
        after_last = event.day_start(event.ends_on + timedelta(days=1))
        if not (first_instant <= starts_at < after_last):
            errors.setdefault("starts_at", []).append(
                _("The session must start during the event (%(first)s to %(last)s).")
                % {"first": event.starts_on.isoformat(), "last": event.ends_on.isoformat()}
            )
        elif ends_at > after_last:
            errors.setdefault("ends_at", []).append(
                _("The session must end by the close of the event's last day.")
            )
        if room is not None and room.event_id != event.pk:
            errors.setdefault("room", []).append(_("That room belongs to another event."))
    if room is not None and not errors:
        clash = find_room_clash(
            room, starts_at, ends_at, exclude=session, ignore_kinds=may_share_room_with
        )
        if clash is not None:
            local = timezone.localtime(clash.starts_at, event.tz if event else None)
            errors.setdefault("room", []).append(
                _("%(room)s is already taken then by “%(title)s” (%(time)s).")
                % {"room": room.name, "title": clash.title, "time": local.strftime("%H:%M")}
            )
    if errors:
        raise ValidationError(errors)


def find_room_clash(room, starts_at, ends_at, exclude=None, ignore_kinds=()):
    """The earliest saved session in ``room`` that overlaps the given times, if any."""
    clashes = room.sessions.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)
    if exclude is not None and exclude.pk:
        clashes = clashes.exclude(pk=exclude.pk)
    if ignore_kinds:
        clashes = clashes.exclude(kind__in=ignore_kinds)
    return clashes.order_by("starts_at").first()


def find_overlaps(slots):
    """Pairs of slots that share a room at the same time, among sessions not yet saved.

    ``slots`` is a list of ``(room, starts_at, ends_at, key)``; each clash is reported once, as
    ``(later key, earlier key)``, so the slot listed later is the one to correct.
    """
    clashes = []
    for i, (room, starts_at, ends_at, key) in enumerate(slots):
        if room is None:
            continue
        for other_room, other_start, other_end, other_key in slots[:i]:
            if other_room == room and other_start < ends_at and starts_at < other_end:
                clashes.append((key, other_key))
                break
    return clashes
