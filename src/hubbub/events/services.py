"""Programme logic: validation of sessions, what is on now and next, programme queries."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Event, Room, Session, Speaker


def get_public_event(slug: str, user=None) -> Event:
    """The event at ``slug``; drafts only for people with a role on them. 404 otherwise."""
    from hubbub.core.permissions import Action, policy

    event = Event.objects.select_related("organisation").filter(slug=slug).first()
    if event is None:
        raise Http404(_("No event at this address."))
    if not event.is_public and not policy.can(user, Action.VIEW_DRAFT_EVENT, event):
        raise Http404(_("No event at this address."))
    return event


def check_session(*, event, starts_at, ends_at, room=None, session=None) -> None:
    """Raise ValidationError naming the field when a session's time or room does not fit."""
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
        clash = find_room_clash(room, starts_at, ends_at, exclude=session)
        if clash is not None:
            local = timezone.localtime(clash.starts_at, event.tz if event else None)
            errors.setdefault("room", []).append(
                _("%(room)s is already taken then by “%(title)s” (%(time)s).")
                % {"room": room.name, "title": clash.title, "time": local.strftime("%H:%M")}
            )
    if errors:
        raise ValidationError(errors)


def find_room_clash(room: Room, starts_at, ends_at, exclude: Session | None = None):
    clashes = Session.objects.filter(room=room, starts_at__lt=ends_at, ends_at__gt=starts_at)
    if exclude is not None and exclude.pk:
        clashes = clashes.exclude(pk=exclude.pk)
    return clashes.order_by("starts_at").first()


@transaction.atomic
def do_create_session(*, event: Event, speakers=(), **fields) -> Session:
    session = Session(event=event, **fields)
    check_session(
        event=event, starts_at=session.starts_at, ends_at=session.ends_at, room=session.room
    )
    session.full_clean(exclude=["event", "speakers"], validate_constraints=False)
    session.save()
    if speakers:
        session.speakers.set(speakers)
    return session


@transaction.atomic
def do_update_session(session: Session, **fields) -> Session:
    for name, value in fields.items():
        setattr(session, name, value)
    check_session(
        event=session.event,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        room=session.room,
        session=session,
    )
    session.save()
    return session


def programme_sessions(event: Event):
    """Every session of the event with what a programme shows, in a fixed number of queries."""
    return (
        Session.objects.filter(event=event)
        .select_related("room", "track")
        .prefetch_related(Prefetch("speakers", queryset=Speaker.objects.order_by("name")))
        .order_by("starts_at", "room__order", "room__name", "title")
    )


@dataclass
class NowAndNext:
    now: list[Session]
    next: list[Session]


def now_and_next(event: Event, at: datetime | None = None) -> NowAndNext:
    """The sessions running at ``at`` and the ones that start next (one start time's worth)."""
    at = at or timezone.now()
    sessions = Session.objects.filter(event=event).select_related("room").order_by("starts_at")
    running = list(sessions.filter(starts_at__lte=at, ends_at__gt=at))
    upcoming = sessions.filter(starts_at__gt=at)
    first = upcoming.first()
    following = list(upcoming.filter(starts_at=first.starts_at)) if first else []
    return NowAndNext(now=running, next=following)


def session_now_in_room(event: Event, room: Room | None, at: datetime | None = None):
    """The session running in ``room`` at ``at`` (for the reporter's default)."""
    at = at or timezone.now()
    query = Q(event=event, starts_at__lte=at, ends_at__gt=at)
    if room is not None:
        query &= Q(room=room)
    return Session.objects.filter(query).order_by("starts_at").first()


def events_index(today=None):
    """Public events split into live now, upcoming and past (in each event's own time zone)."""
    live, upcoming, past = [], [], []
    for event in Event.objects.public().select_related("organisation").order_by("starts_on"):
        local_today = today or event.local_now().date()
        if event.status == Event.Status.ARCHIVED or event.ends_on < local_today:
            past.append(event)
        elif event.is_on(local_today):
            live.append(event)
        else:
            upcoming.append(event)
    past.reverse()
    return {"live": live, "upcoming": upcoming, "past": past}
