"""Setting up an event: create, edit, change status, and start the next event from this one.

The organiser's back office and the API both call these. Each checks the permission policy
itself (an organisation admin may create events for the organisation; organisers manage an
event), refuses bad input with a ValidationError that names the field, and records what it did
in the audit log in words a later page can show. The programme's rooms, tracks, speakers and
sessions are in ``programme_setup``.
"""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hubbub.core.audit import log_action
from hubbub.core.colour import best_text_contrast, is_accessible_brand_colour, nearest_accessible
from hubbub.core.images import clean_photo
from hubbub.core.permissions import Action, policy

from .extensions import EventCopy, run_copy_hooks
from .lifecycle import apply_status, check_not_archived, check_status
from .models import Event, Room, Session, Speaker, Track

# Fields an organiser edits on the event itself (status has its own function).
EVENT_FIELDS = (
    "title",
    "slug",
    "starts_on",
    "ends_on",
    "time_zone",
    "venue",
    "venue_address",
    "summary",
    "brand_colour",
    "bilingual",
)
LOGO_MAX_EDGE = 800


# -- colour --------------------------------------------------------------------------------------
# The brand colour fills the event's header; its text is white or near-black, whichever reads
# better (core.colour). A mid-tone on which neither reaches 4.5:1 is refused.
def check_brand_colour(colour: str, errors: dict) -> None:
    if "brand_colour" in errors or not colour:
        return
    if not is_accessible_brand_colour(colour):
        darker, lighter = nearest_accessible(colour)
        errors["brand_colour"] = [
            _(
                "Neither white nor black text on %(colour)s reaches a contrast of 4.5:1 "
                "(the best is %(ratio).1f:1), so some people could not read the event's "
                "header. Choose a darker colour such as %(darker)s or a lighter one such as "
                "%(lighter)s."
            )
            % {
                "colour": colour,
                "ratio": best_text_contrast(colour),
                "darker": darker,
                "lighter": lighter,
            }
        ]


# -- checks --------------------------------------------------------------------------------------
def _validate_event(event: Event, *, sessions_must_fit: bool = False) -> None:
    """Raise a ValidationError naming each bad field of ``event`` (not yet saved)."""
    errors: dict[str, list[str]] = {}
    try:
        event.full_clean(exclude=["organisation", "logo", "status"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    for name in ("title", "slug"):
        if not str(getattr(event, name) or "").strip() and name not in errors:
            errors[name] = [_("This field cannot be blank.")]
    check_brand_colour(event.brand_colour, errors)
    if sessions_must_fit and event.pk and not {"starts_on", "ends_on", "time_zone"} & set(errors):
        first = event.day_start(event.starts_on)
        after_last = event.day_start(event.ends_on + timedelta(days=1))
        outside = (
            Session.objects.filter(event=event)
            .exclude(starts_at__gte=first, ends_at__lte=after_last)
            .order_by("starts_at")
            .first()
        )
        if outside is not None:
            errors["starts_on"] = [
                _("“%(title)s” would fall outside these dates; move it first.")
                % {"title": outside.title}
            ]
    if errors:
        raise ValidationError(errors)


def _save_event(event: Event) -> None:
    """Save, turning a slug taken at the same moment by someone else into a field error."""
    try:
        with transaction.atomic():
            event.save()
    except IntegrityError:
        if Event.objects.filter(slug=event.slug).exclude(pk=event.pk).exists():
            raise ValidationError(
                {"slug": [_("Another event already uses this web address.")]}
            ) from None
        raise


def _checked(event: Event, *, logo=None, sessions_must_fit: bool = False):
    """Every field error at once, the logo's too; the cleaned logo when there is one."""
    errors: dict[str, list[str]] = {}
    try:
        _validate_event(event, sessions_must_fit=sessions_must_fit)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    cleaned = None
    if logo:
        try:
            cleaned = clean_photo(logo, field="logo", max_edge=LOGO_MAX_EDGE)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _shown(value) -> str:
    return "" if value is None else str(value)


# -- events --------------------------------------------------------------------------------------
def _log_on_event(action: str, event: Event, *, actor, **data) -> None:
    """Audit something done to the event itself; every such entry names the event's title."""
    log_action(action, actor=actor, event=event, target=event, data={"title": event.title, **data})


@transaction.atomic
def do_create_event(
    *,
    actor,
    organisation,
    title,
    slug,
    starts_on,
    ends_on,
    time_zone="Europe/London",
    venue="",
    venue_address="",
    summary="",
    brand_colour="#1d70b8",
    logo=None,
    bilingual=False,
) -> Event:
    """A new draft event of ``organisation``; only its team sees it until it is published."""
    policy.require_in_organisation(actor, Action.CREATE_EVENT, organisation)
    event = Event(
        organisation=organisation,
        title=(title or "").strip(),
        slug=(slug or "").strip().lower(),
        starts_on=starts_on,
        ends_on=ends_on,
        time_zone=(time_zone or "").strip(),
        venue=(venue or "").strip(),
        venue_address=(venue_address or "").strip(),
        summary=summary or "",
        brand_colour=(brand_colour or "").strip().lower(),
        bilingual=bool(bilingual),
        status=Event.Status.DRAFT,
        # New events go live and end by their dates until the organiser says otherwise.
        status_by_dates=True,
    )
    cleaned_logo = _checked(event, logo=logo)
    if cleaned_logo is not None:
        event.logo.save(cleaned_logo.file.name, cleaned_logo.file, save=False)
    _save_event(event)
    _log_on_event(
        "hubbub.event.created",
        event,
        actor=actor,
        slug=event.slug,
        organisation=organisation.name,
        starts_on=event.starts_on.isoformat(),
        ends_on=event.ends_on.isoformat(),
    )
    return event


@transaction.atomic
def do_update_event(event: Event, *, actor, logo=None, remove_logo=False, **fields) -> Event:
    """Change the event's own fields (any of ``EVENT_FIELDS``) and perhaps its logo."""
    policy.require(actor, Action.MANAGE_EVENT, event)
    check_not_archived(event)
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed here.")] for name in unknown})
    before = {name: getattr(event, name) for name in EVENT_FIELDS}
    for name, value in fields.items():
        if isinstance(value, str) and name != "summary":
            value = value.strip()
        if name in {"slug", "brand_colour"} and isinstance(value, str):
            value = value.lower()
        setattr(event, name, value)
    event.__dict__.pop("tz", None)  # the zone may have changed
    try:
        cleaned_logo = _checked(event, logo=logo, sessions_must_fit=True)
    except ValidationError:
        event.refresh_from_db()
        event.__dict__.pop("tz", None)
        raise
    if cleaned_logo is not None:
        event.logo.save(cleaned_logo.file.name, cleaned_logo.file, save=False)
    elif remove_logo:
        event.logo = ""
    _save_event(event)
    changes = {
        name: [_shown(before[name]), _shown(getattr(event, name))]
        for name in EVENT_FIELDS
        if before[name] != getattr(event, name)
    }
    if logo or remove_logo:
        changes["logo"] = ["", event.logo.name if event.logo else ""]
    if changes:
        _log_on_event("hubbub.event.changed", event, actor=actor, changes=changes)
    return event


@transaction.atomic
def do_set_status(event: Event, *, actor, status: str | None = None, by_dates=None) -> Event:
    """Move the event to another status (draft, published, live, ended, archived), and/or
    switch "go live and end by the dates" on or off (``by_dates``). A status set by hand that
    the dates would not give switches following the dates off: the organiser overrides them.
    See ``lifecycle`` for what each status does."""
    policy.require(actor, Action.MANAGE_EVENT, event)
    if status is not None:
        check_status(status)
    event = Event.objects.select_for_update().get(pk=event.pk)
    now = timezone.now()
    wanted = event.status if status is None else status
    follow = event.status_by_dates if by_dates is None else bool(by_dates)
    if follow:
        dated = event.status_by_dates_at(now, wanted)
        if by_dates is None and status is not None and dated != status:
            follow = False  # set by hand against the dates
        else:
            wanted = dated
    if follow != event.status_by_dates:
        event.status_by_dates = follow
        event.save(update_fields=["status_by_dates", "updated_at"])
        _log_on_event("hubbub.event.status_by_dates_changed", event, actor=actor, by_dates=follow)
    apply_status(event, wanted, actor=actor, now=now)
    return event


# -- starting the next event from this one -------------------------------------------------------
def _shift(moment: datetime, source: Event, target: Event, days: int) -> datetime:
    """The same wall-clock time ``days`` later, in the new event's zone (so 09:30 stays 09:30
    across a change to or from summer time)."""
    local = timezone.localtime(moment, source.tz).replace(tzinfo=None) + timedelta(days=days)
    return timezone.make_aware(local, target.tz)


@transaction.atomic
def do_copy_event(
    event: Event, *, actor, slug, title, starts_on, with_programme=False, with_team=False
) -> Event:
    """A new draft event like ``event``: its rooms, tracks, branding and team settings, the
    team's roles with ``with_team``, and with ``with_programme`` its sessions and their
    speakers, moved by the difference between the two first days."""
    policy.require(actor, Action.MANAGE_EVENT, event)
    policy.require_in_organisation(actor, Action.CREATE_EVENT, event.organisation)
    if starts_on is None:
        raise ValidationError({"start_date": [_("Give the first day of the new event.")]})
    copy = Event(
        organisation=event.organisation,
        title=(title or "").strip(),
        slug=(slug or "").strip().lower(),
        starts_on=starts_on,
        ends_on=starts_on + (event.ends_on - event.starts_on),
        time_zone=event.time_zone,
        venue=event.venue,
        venue_address=event.venue_address,
        summary=event.summary,
        brand_colour=event.brand_colour,
        bilingual=event.bilingual,
        logo=event.logo.name if event.logo else "",
        status=Event.Status.DRAFT,
    )
    _validate_event(copy)
    _save_event(copy)
    days = (copy.starts_on - event.starts_on).days
    result = EventCopy(
        source=event,
        target=copy,
        actor=actor,
        with_programme=bool(with_programme),
        with_team=bool(with_team),
    )
    rooms = list(event.rooms.all())
    new_rooms = Room.objects.bulk_create(
        Room(
            event=copy,
            name=r.name,
            capacity=r.capacity,
            accessibility_notes=r.accessibility_notes,
            order=r.order,
        )
        for r in rooms
    )
    result.rooms = {old.pk: new for old, new in zip(rooms, new_rooms, strict=True)}
    tracks = list(event.tracks.all())
    new_tracks = Track.objects.bulk_create(
        Track(event=copy, name=t.name, colour=t.colour) for t in tracks
    )
    result.tracks = {old.pk: new for old, new in zip(tracks, new_tracks, strict=True)}
    if with_programme:
        _copy_programme(result, days)
    run_copy_hooks(result)
    _log_on_event(
        "hubbub.event.copied",
        copy,
        actor=actor,
        from_title=event.title,
        from_slug=event.slug,
        starts_on=copy.starts_on.isoformat(),
        with_programme=result.with_programme,
        with_team=result.with_team,
        sessions=len(result.sessions),
    )
    return copy


def _copy_programme(result: EventCopy, days: int) -> None:
    source, target = result.source, result.target
    speakers = list(source.speakers.all())
    new_speakers = Speaker.objects.bulk_create(
        Speaker(
            event=target,
            name=s.name,
            slug=s.slug,
            organisation=s.organisation,
            bio=s.bio,
            photo=s.photo.name if s.photo else "",
        )
        for s in speakers
    )
    result.speakers = {old.pk: new for old, new in zip(speakers, new_speakers, strict=True)}
    sessions = list(source.sessions.prefetch_related("speakers"))
    new_sessions = Session.objects.bulk_create(
        Session(
            event=target,
            title=s.title,
            slug=s.slug,
            kind=s.kind,
            starts_at=_shift(s.starts_at, source, target, days),
            ends_at=_shift(s.ends_at, source, target, days),
            room=result.rooms.get(s.room_id),
            track=result.tracks.get(s.track_id),
            description=s.description,
        )
        for s in sessions
    )
    result.sessions = {old.pk: new for old, new in zip(sessions, new_sessions, strict=True)}
    through = Session.speakers.through
    through.objects.bulk_create(
        through(session_id=new.pk, speaker_id=result.speakers[speaker.pk].pk)
        for old, new in zip(sessions, new_sessions, strict=True)
        for speaker in old.speakers.all()
    )
