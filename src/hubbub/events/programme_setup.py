"""The programme's building blocks, written by organisers: rooms, tracks, speakers, sessions.

Everything is scoped to one event: a room, track or speaker of another event is refused, and a
speaker comes to a new event only as a copy (``do_copy_speaker``), never shared. Sessions are
written through ``services.do_create_session`` / ``do_update_session`` / ``do_delete_session``,
so the programme's own checks (dates, room clashes) apply; a clash is reported naming both
sessions. Every write is audited with what a person needs to read it later.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from hubbub.core.audit import log_action
from hubbub.core.permissions import Action, policy

from . import services
from .checks import check_session, find_room_clash
from .lifecycle import check_not_archived
from .models import Event, Room, Session, Speaker, Track

ROOM_FIELDS = ("name", "capacity", "accessibility_notes", "order")
TRACK_FIELDS = ("name", "colour")
SPEAKER_FIELDS = ("name", "organisation", "bio")
SESSION_FIELDS = ("title", "kind", "starts_at", "ends_at", "room", "track", "description")


def _require(actor, event) -> None:
    policy.require(actor, Action.MANAGE_EVENT, event)
    check_not_archived(event)


def _only(fields: dict, allowed) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed here.")] for name in unknown})


def _clean(instance, exclude=("event",)) -> None:
    instance.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)


def _local(moment, event) -> str:
    return timezone.localtime(moment, event.tz).strftime("%Y-%m-%d %H:%M")


def describe_session(session: Session) -> dict:
    """What the audit log keeps about a session: enough to say it in words later."""
    return {
        "title": session.title,
        "room": session.room.name if session.room else "",
        "starts_at": _local(session.starts_at, session.event),
        "ends_at": _local(session.ends_at, session.event),
    }


# -- rooms ---------------------------------------------------------------------------------------
def _change_part(part, fields, *, actor, allowed, trimmed, check=None, logged=None):
    """Change a room's, track's or speaker's ``fields``, check, save and audit the change.

    The ``trimmed`` fields lose surrounding spaces (free text is kept as written); ``check``
    runs after the model's own validation, ``logged`` adds to the audit entry.
    """
    _require(actor, part.event)
    _only(fields, allowed)
    old_name = part.name
    for name, value in fields.items():
        trim = name in trimmed and isinstance(value, str)
        setattr(part, name, value.strip() if trim else value)
    _clean(part)
    if check is not None:
        check()
    part.save()
    _log_part("changed", part, actor=actor, old_name=old_name, **(logged() if logged else {}))
    return part


def _log_part(verb: str, part, *, actor, **data) -> None:
    """Audit a room, track or speaker being added or changed; the entry names it."""
    action = f"hubbub.{part._meta.model_name}.{verb}"
    log_action(action, actor=actor, event=part.event, target=part, data={"name": part.name, **data})


def _check_room_name(event, name, room=None) -> None:
    taken = Room.objects.filter(event=event, name__iexact=(name or "").strip())
    if room is not None:
        taken = taken.exclude(pk=room.pk)
    if taken.exists():
        raise ValidationError({"name": [_("There is already a room called “%s”.") % name]})


@transaction.atomic
def do_add_room(event: Event, *, actor, name, capacity=None, accessibility_notes="", order=None):
    _require(actor, event)
    if order is None:
        order = (event.rooms.aggregate(last=Max("order"))["last"] or 0) + 1
    room = Room(
        event=event,
        name=(name or "").strip(),
        capacity=capacity,
        accessibility_notes=accessibility_notes or "",
        order=order,
    )
    _clean(room)
    _check_room_name(event, room.name)
    room.save()
    _log_part("added", room, actor=actor, capacity=room.capacity)
    return room


@transaction.atomic
def do_update_room(room: Room, *, actor, **fields) -> Room:
    return _change_part(
        room,
        fields,
        actor=actor,
        allowed=ROOM_FIELDS,
        trimmed=("name",),
        check=lambda: _check_room_name(room.event, room.name, room),
        logged=lambda: {"capacity": room.capacity},
    )


@transaction.atomic
def do_delete_room(room: Room, *, actor) -> None:
    """Remove an empty room; one with sessions is refused, so nothing loses its place."""
    _require(actor, room.event)
    count = room.sessions.count()
    if count:
        raise ValidationError(
            _("Move or delete the %(count)d sessions in %(room)s first.")
            % {"count": count, "room": room.name}
        )
    log_action("hubbub.room.deleted", actor=actor, event=room.event, data={"name": room.name})
    room.delete()


# -- tracks --------------------------------------------------------------------------------------
@transaction.atomic
def do_add_track(event: Event, *, actor, name, colour="#505a5f") -> Track:
    _require(actor, event)
    track = Track(event=event, name=(name or "").strip(), colour=(colour or "").lower())
    _clean(track)
    track.save()
    _log_part("added", track, actor=actor)
    return track


@transaction.atomic
def do_update_track(track: Track, *, actor, **fields) -> Track:
    return _change_part(
        track, fields, actor=actor, allowed=TRACK_FIELDS, trimmed=("name", "colour")
    )


@transaction.atomic
def do_delete_track(track: Track, *, actor) -> None:
    """Remove a track; its sessions stay on the programme without one."""
    _require(actor, track.event)
    log_action("hubbub.track.deleted", actor=actor, event=track.event, data={"name": track.name})
    track.delete()


# -- speakers ------------------------------------------------------------------------------------
def _free_slug(event, name, speaker=None) -> str:
    base = slugify(name)[:90] or "speaker"
    taken = set(
        Speaker.objects.filter(event=event, slug__startswith=base)
        .exclude(pk=getattr(speaker, "pk", None))
        .values_list("slug", flat=True)
    )
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


@transaction.atomic
def do_add_speaker(event: Event, *, actor, name, organisation="", bio="") -> Speaker:
    _require(actor, event)
    speaker = Speaker(
        event=event, name=(name or "").strip(), organisation=(organisation or "").strip(), bio=bio
    )
    speaker.slug = _free_slug(event, speaker.name)
    _clean(speaker)
    speaker.save()
    _log_part("added", speaker, actor=actor, organisation=speaker.organisation)
    return speaker


@transaction.atomic
def do_update_speaker(speaker: Speaker, *, actor, **fields) -> Speaker:
    return _change_part(
        speaker, fields, actor=actor, allowed=SPEAKER_FIELDS, trimmed=("name", "organisation")
    )


@transaction.atomic
def do_delete_speaker(speaker: Speaker, *, actor) -> None:
    """Remove a speaker from this event (their sessions stay, without them)."""
    _require(actor, speaker.event)
    log_action(
        "hubbub.speaker.deleted", actor=actor, event=speaker.event, data={"name": speaker.name}
    )
    speaker.delete()


def speakers_to_copy(event: Event, actor):
    """Speakers of the organisation's other events that ``actor`` may see, newest event first."""
    speakers = (
        Speaker.objects.filter(event__organisation_id=event.organisation_id)
        .exclude(event=event)
        .select_related("event")
        .order_by("-event__starts_on", "name")
    )
    visible = {
        e.pk
        for e in Event.objects.filter(organisation_id=event.organisation_id).exclude(pk=event.pk)
        if e.is_public or policy.can(actor, Action.VIEW_DRAFT_EVENT, e)
    }
    return [s for s in speakers if s.event_id in visible]


@transaction.atomic
def do_copy_speaker(from_speaker: Speaker, to_event: Event, *, actor) -> Speaker:
    """A copy of a speaker from another event of the same organisation; editing one later
    leaves the other as it was."""
    _require(actor, to_event)
    source = from_speaker.event
    if source.organisation_id != to_event.organisation_id or source.pk == to_event.pk:
        raise ValidationError(
            {"speaker": [_("Only speakers of this organisation's other events can be copied.")]}
        )
    if not (source.is_public or policy.can(actor, Action.VIEW_DRAFT_EVENT, source)):
        raise ValidationError({"speaker": [_("That speaker is not one you can see.")]})
    copy = Speaker(
        event=to_event,
        name=from_speaker.name,
        organisation=from_speaker.organisation,
        bio=from_speaker.bio,
        photo=from_speaker.photo.name if from_speaker.photo else "",
        slug=_free_slug(to_event, from_speaker.name),
    )
    copy.save()
    log_action(
        "hubbub.speaker.copied",
        actor=actor,
        event=to_event,
        target=copy,
        data={"name": copy.name, "from_event": source.title},
    )
    return copy


# -- sessions ------------------------------------------------------------------------------------
def _check_own(event: Event, room=None, track=None, speakers=()) -> None:
    errors = {}
    if room is not None and room.event_id != event.pk:
        errors["room"] = [_("That room belongs to another event.")]
    if track is not None and track.event_id != event.pk:
        errors["track"] = [_("That track belongs to another event.")]
    if any(s.event_id != event.pk for s in speakers):
        errors["speakers"] = [_("Choose speakers of this event (copy others in first).")]
    if errors:
        raise ValidationError(errors)


def _clash_naming_both(exc: ValidationError, title, event, room, starts_at, ends_at, session=None):
    """The programme's room error, reworded to name the session being placed as well."""
    if room is None or not hasattr(exc, "error_dict") or "room" not in exc.error_dict:
        return exc
    clash = find_room_clash(room, starts_at, ends_at, exclude=session)
    if clash is None:
        return exc
    tz = event.tz
    message = _(
        "“%(title)s” (%(start)s–%(end)s) clashes with “%(other)s” (%(other_start)s–"
        "%(other_end)s) in %(room)s; move one of them to another room or time."
    ) % {
        "title": title,
        "start": timezone.localtime(starts_at, tz).strftime("%H:%M"),
        "end": timezone.localtime(ends_at, tz).strftime("%H:%M"),
        "other": clash.title,
        "other_start": timezone.localtime(clash.starts_at, tz).strftime("%H:%M"),
        "other_end": timezone.localtime(clash.ends_at, tz).strftime("%H:%M"),
        "room": room.name,
    }
    errors = dict(exc.message_dict)
    errors["room"] = [message]
    return ValidationError(errors)


@transaction.atomic
def do_add_session(event: Event, *, actor, speakers=(), **fields) -> Session:
    _require(actor, event)
    _only(fields, SESSION_FIELDS)
    speakers = list(speakers)
    _check_own(event, fields.get("room"), fields.get("track"), speakers)
    fields["title"] = (fields.get("title") or "").strip()
    try:
        session = services.do_create_session(event=event, speakers=speakers, **fields)
    except ValidationError as exc:
        raise _clash_naming_both(
            exc,
            fields["title"],
            event,
            fields.get("room"),
            fields.get("starts_at"),
            fields.get("ends_at"),
        ) from None
    session.event = event
    log_action(
        "hubbub.session.added",
        actor=actor,
        event=event,
        target=session,
        data=describe_session(session),
    )
    return session


@transaction.atomic
def do_change_session(session: Session, *, actor, speakers=None, **fields) -> Session:
    """Edit a session or move it to another time or room; checked as a new one would be."""
    event = session.event
    _require(actor, event)
    _only(fields, SESSION_FIELDS)
    speakers = None if speakers is None else list(speakers)
    _check_own(event, fields.get("room"), fields.get("track"), speakers or ())
    if "title" in fields:
        fields["title"] = (fields["title"] or "").strip()
    before = describe_session(session)
    try:
        for name, value in fields.items():
            setattr(session, name, value)
        # Title and kind as the model allows them; times and room are the programme's checks.
        session.clean_fields(exclude=[f.name for f in Session._meta.fields if f.name not in fields])
        services.do_update_session(session, **fields)
    except ValidationError as exc:
        # The session holds the attempted values until refreshed below.
        error = _clash_naming_both(
            exc, session.title, event, session.room, session.starts_at, session.ends_at, session
        )
        session.refresh_from_db()
        raise error from None
    if speakers is not None:
        session.speakers.set(speakers)
    after = describe_session(session)
    moved = any(before[k] != after[k] for k in ("room", "starts_at", "ends_at"))
    log_action(
        "hubbub.session.moved" if moved else "hubbub.session.changed",
        actor=actor,
        event=event,
        target=session,
        data={**after, "before": before},
    )
    return session


@transaction.atomic
def do_remove_session(session: Session, *, actor) -> None:
    _require(actor, session.event)
    described = describe_session(session)
    services.do_delete_session(session)
    log_action("hubbub.session.deleted", actor=actor, event=session.event, data=described)


def _swapped_overlap(place, starts_at, ends_at, room) -> bool:
    """Whether the other swapped session, in its new place, overlaps this one's new place."""
    other_start, other_end, other_room = place
    return other_room == room and other_start < ends_at and starts_at < other_end


@transaction.atomic
def do_swap_sessions(a: Session, b: Session, *, actor) -> tuple[Session, Session]:
    """Swap two sessions' start times and rooms, both or neither; each keeps its length."""
    event = a.event
    _require(actor, event)
    if a.event_id != b.event_id:
        raise ValidationError({"other": [_("Both sessions must be in the same event.")]})
    if a.pk == b.pk:
        raise ValidationError({"other": [_("Choose a different session to swap with.")]})
    # Lock only the sessions' own rows (PostgreSQL cannot lock the outer join to a room).
    locked = Session.objects.select_for_update(of=("self",)).select_related("room")
    a, b = locked.get(pk=a.pk), locked.get(pk=b.pk)
    a.event = b.event = event
    before_a, before_b = describe_session(a), describe_session(b)
    places = {
        a.pk: (b.starts_at, b.starts_at + (a.ends_at - a.starts_at), b.room),
        b.pk: (a.starts_at, a.starts_at + (b.ends_at - b.starts_at), a.room),
    }
    for session in (a, b):
        starts_at, ends_at, room = places[session.pk]
        try:
            check_session(event=event, starts_at=starts_at, ends_at=ends_at, room=None)
        except ValidationError as exc:
            raise ValidationError(
                {"other": [f"“{session.title}”: {m}" for m in exc.messages]}
            ) from None
        if room is not None:
            clash = (
                room.sessions.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)
                .exclude(pk__in=[a.pk, b.pk])
                .order_by("starts_at")
                .first()
            )
            other = b if session is a else a
            if clash is None and _swapped_overlap(places[other.pk], starts_at, ends_at, room):
                clash = other
            if clash is not None:
                raise ValidationError(
                    {
                        "other": [
                            _("“%(title)s” would clash with “%(other)s” in %(room)s.")
                            % {"title": session.title, "other": clash.title, "room": room.name}
                        ]
                    }
                )
    for session in (a, b):
        session.starts_at, session.ends_at, session.room = places[session.pk]
        session.save(update_fields=["starts_at", "ends_at", "room"])
    log_action(
        "hubbub.session.swapped",
        actor=actor,
        event=event,
        target=a,
        data={
            "first": {**describe_session(a), "before": before_a},
            "second": {**describe_session(b), "before": before_b},
        },
    )
    return a, b
