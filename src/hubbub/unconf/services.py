"""The unconference: set-up, the pitch queue, marks of interest, placement, the board, outcomes.

Every write readers must see live (the pitch queue on the projector, the board) publishes through
``hubbub.live.publish`` inside its transaction. Placement uses the solver in ``solver.py``
through its public API (``parse_problem`` and ``solve``) and writes each placed topic as a
programme ``Session`` of kind unconference, so it joins the programme and its exports.
"""

import hashlib
import itertools
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import segno
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from hubbub.core.audit import log_action
from hubbub.core.permissions import Action, policy
from hubbub.events.models import Event, Room, Session
from hubbub.events.services import check_session
from hubbub.live import publish

from . import solver
from .models import (
    DESCRIPTION_LENGTH,
    NAME_LENGTH,
    NOTES_LENGTH,
    TOPIC_LENGTH,
    Outcome,
    Pitch,
    Slot,
    Unconference,
    Vote,
)

BOARD_CHANGED = "unconf.board"
PITCHING_CHANGED = "unconf.pitching"

DEVICE_COOKIE = "hubbub_device"
DEVICE_SALT = "hubbub.unconf.device"
DEVICE_MAX_AGE = 60 * 60 * 24 * 365
NOTES_SALT = "hubbub.unconf.notes"
NOTES_LINK_MAX_AGE = 60 * 60 * 24 * 30

# (limit, window in seconds) per device or account, then per network address. The address
# limits are generous: a venue's delegates often share one address behind its Wi-Fi.
RATE_LIMITS = {
    "pitch": ((5, 600), (80, 600)),
    "vote": ((30, 60), (600, 60)),
    "notes": ((30, 600), (300, 600)),
}
QUEUE_SHOWN = 5


class RateLimited(Exception):
    """Too many requests from one device or address; ``retry_after`` is in seconds."""

    def __init__(self, retry_after: int):
        super().__init__(f"rate limited; retry after {retry_after} s")
        self.retry_after = retry_after


# -- who is who --------------------------------------------------------------------------------
def new_device_id() -> str:
    return secrets.token_urlsafe(18)


def voter_key(user=None, device_id: str | None = None) -> str | None:
    """The identity marks are counted by: the account when signed in, else the device."""
    if user is not None and user.is_authenticated:
        return f"u:{user.pk}"
    if device_id:
        return f"d:{device_id}"
    return None


def check_rate_limit(action: str, *, who: str | None, address: str | None) -> None:
    """Count one ``action`` for ``who`` and ``address``; raise RateLimited over the limit."""
    now = time.time()
    per_person, per_address = RATE_LIMITS[action]
    for scope, key, (limit, window) in (
        ("who", who, per_person),
        ("addr", address, per_address),
    ):
        if not key:
            continue
        digest = hashlib.sha256(key.encode()).hexdigest()[:24]
        cache_key = f"unconf:rate:{action}:{scope}:{digest}:{int(now // window)}"
        cache.add(cache_key, 0, window + 1)
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.set(cache_key, 1, window + 1)
            count = 1
        if count > limit:
            raise RateLimited(int(window - now % window) + 1)


# -- reading ------------------------------------------------------------------------------------
def find_unconference(event: Event) -> Unconference | None:
    return Unconference.objects.filter(event=event).first()


def get_unconference(event: Event) -> Unconference:
    unconference = find_unconference(event)
    if unconference is None:
        raise Http404(_("This event has no unconference."))
    unconference.event = event
    return unconference


def active_pitches(unconference: Unconference):
    """Topics still in play: not withdrawn and not merged into another."""
    return Pitch.objects.filter(unconference=unconference, merged_into__isnull=True).exclude(
        status=Pitch.Status.WITHDRAWN
    )


def get_pitch(unconference: Unconference, pitch_id, *, active_only=False) -> Pitch:
    try:
        pitch_id = int(pitch_id)
    except (TypeError, ValueError):
        raise Http404(_("No such topic.")) from None
    pitches = (
        active_pitches(unconference)
        if active_only
        else Pitch.objects.filter(unconference=unconference)
    )
    pitch = pitches.select_related("room", "slot", "session", "merged_into").filter(pk=pitch_id)
    pitch = pitch.first()
    if pitch is None:
        raise Http404(_("No such topic in this unconference."))
    pitch.unconference = unconference
    return pitch


def topics_with_interest(unconference: Unconference):
    """Active topics with ``interest`` (marks) counted in the same query, in arrival order."""
    return (
        active_pitches(unconference)
        .select_related("room", "slot")
        .annotate(interest=Count("votes"))
        .order_by("queued_at", "id")
    )


def pitch_queue(unconference: Unconference) -> list[Pitch]:
    """Topics waiting to pitch, in arrival order (the one pitching now is not in it)."""
    queue = active_pitches(unconference).filter(status=Pitch.Status.QUEUED)
    if unconference.now_pitching_id:
        queue = queue.exclude(pk=unconference.now_pitching_id)
    return list(queue.order_by("queued_at", "id"))


def queue_position(pitch: Pitch) -> int | None:
    """1 for the next to pitch; None when the topic is not waiting."""
    unconference = pitch.unconference
    if pitch.status != Pitch.Status.QUEUED or not pitch.is_active:
        return None
    if unconference.now_pitching_id == pitch.pk:
        return 0
    ahead = (
        active_pitches(unconference)
        .filter(status=Pitch.Status.QUEUED)
        .filter(Q(queued_at__lt=pitch.queued_at) | Q(queued_at=pitch.queued_at, pk__lt=pitch.pk))
    )
    if unconference.now_pitching_id:
        ahead = ahead.exclude(pk=unconference.now_pitching_id)
    return ahead.count() + 1


# -- set-up -------------------------------------------------------------------------------------
def unconference_sessions(event: Event):
    """The event's own unconference sessions (not the topics placed into them)."""
    return (
        Session.objects.filter(
            event=event, kind=Session.Kind.UNCONFERENCE, unconf_pitch__isnull=True
        )
        .select_related("room")
        .order_by("starts_at", "room__order", "title")
    )


def _slot_overlap(slots, starts_at, ends_at, exclude=None):
    for slot in slots:
        if slot is exclude or (exclude is not None and slot.pk == exclude.pk):
            continue
        overlaps = slot.starts_at < ends_at and starts_at < slot.ends_at
        if overlaps and (slot.starts_at, slot.ends_at) != (starts_at, ends_at):
            return slot
    return None


def check_set_up(event: Event, *, rooms, sessions, vote_cap, countdown_seconds) -> None:
    errors: dict[str, list[str]] = {}
    if any(room.event_id != event.pk for room in rooms):
        errors.setdefault("rooms", []).append(_("Choose rooms of this event."))
    for session in sessions:
        if session.event_id != event.pk or session.kind != Session.Kind.UNCONFERENCE:
            errors.setdefault("sessions", []).append(
                _("Choose unconference sessions of this event.")
            )
            break
    if vote_cap is not None and vote_cap < 1:
        errors.setdefault("vote_cap", []).append(
            _("Allow at least one mark each, or leave it empty for no limit.")
        )
    if countdown_seconds is None or not 10 <= countdown_seconds <= 600:
        errors.setdefault("countdown_seconds", []).append(
            _("Give each pitch between 10 and 600 seconds.")
        )
    ranges = sorted({(s.starts_at, s.ends_at) for s in sessions})
    for (_a_start, a_end), (b_start, _b_end) in itertools.pairwise(ranges):
        if b_start < a_end:
            errors.setdefault("sessions", []).append(
                _("Two of the chosen sessions overlap without matching times; slots cannot.")
            )
            break
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def do_set_up_unconference(
    *, event: Event, actor, rooms=(), sessions=(), vote_cap=None, countdown_seconds=60
) -> Unconference:
    """Create or update the event's unconference; each new time among ``sessions`` is a slot."""
    policy.require(actor, Action.RUN_UNCONFERENCE, event)
    rooms, sessions = list(rooms), list(sessions)
    check_set_up(
        event,
        rooms=rooms,
        sessions=sessions,
        vote_cap=vote_cap,
        countdown_seconds=countdown_seconds,
    )
    unconference, created = Unconference.objects.get_or_create(event=event)
    unconference.event = event
    unconference.vote_cap = vote_cap
    unconference.countdown_seconds = countdown_seconds
    unconference.save(update_fields=["vote_cap", "countdown_seconds"])
    unconference.rooms.set(rooms)
    existing = list(unconference.slots.all())
    have = {(s.starts_at, s.ends_at) for s in existing}
    for session in sorted(sessions, key=lambda s: (s.starts_at, s.ends_at)):
        key = (session.starts_at, session.ends_at)
        if key in have:
            continue
        clash = _slot_overlap(existing, *key)
        if clash is not None:
            raise ValidationError(
                {
                    "sessions": _("“%(title)s” overlaps the slot “%(slot)s”.")
                    % {"title": session.title, "slot": clash.label or _("without a label")}
                }
            )
        slot = Slot.objects.create(
            unconference=unconference,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            label=session.title[:100],
            session=session,
        )
        existing.append(slot)
        have.add(key)
    _bump(unconference)
    log_action(
        "hubbub.unconf.set_up" if created else "hubbub.unconf.settings_changed",
        actor=actor,
        event=event,
        target=unconference,
    )
    _publish_board(unconference)
    return unconference


def check_slot(unconference: Unconference, *, starts_at, ends_at, exclude=None) -> None:
    event = unconference.event
    # The programme's own rule for when sessions may run; placed topics become sessions.
    check_session(event=event, starts_at=starts_at, ends_at=ends_at)
    clash = _slot_overlap(list(unconference.slots.all()), starts_at, ends_at, exclude)
    same_time = unconference.slots.filter(starts_at=starts_at, ends_at=ends_at)
    if clash is None and exclude is None and same_time.exists():
        raise ValidationError({"starts_at": _("There is already a slot at that time.")})
    if clash is not None:
        raise ValidationError(
            {
                "starts_at": _("It overlaps the slot “%(slot)s”; slots run one after another.")
                % {"slot": clash.label or clash.starts_at.strftime("%H:%M")}
            }
        )


@transaction.atomic
def do_add_slot(unconference: Unconference, *, actor, starts_at, ends_at, label="") -> Slot:
    policy.require(actor, Action.RUN_UNCONFERENCE, unconference.event)
    check_slot(unconference, starts_at=starts_at, ends_at=ends_at)
    label = (label or "").strip()[:100]
    if not label:
        local = timezone.localtime(starts_at, unconference.event.tz)
        label = _("Slot at %(time)s") % {"time": local.strftime("%H:%M")}
    slot = Slot.objects.create(
        unconference=unconference, starts_at=starts_at, ends_at=ends_at, label=label
    )
    _bump(unconference)
    log_action("hubbub.unconf.slot_added", actor=actor, event=unconference.event, target=slot)
    _publish_board(unconference)
    return slot


@transaction.atomic
def do_delete_slot(slot: Slot, *, actor) -> None:
    unconference = slot.unconference
    policy.require(actor, Action.RUN_UNCONFERENCE, unconference.event)
    if slot.pitches.exists():
        raise ValidationError(
            _("Topics are placed in “%(slot)s”; move them or run the placement without it first.")
            % {"slot": slot.label}
        )
    log_action("hubbub.unconf.slot_deleted", actor=actor, event=unconference.event, target=slot)
    slot.delete()
    _bump(unconference)
    _publish_board(unconference)


@transaction.atomic
def do_change_state(
    unconference: Unconference, *, actor, pitching_open=None, voting_open=None, finished=None
) -> Unconference:
    """Open or close pitching and marking; opening either starts the unconference running."""
    policy.require(actor, Action.RUN_UNCONFERENCE, unconference.event)
    if finished:
        unconference.state = Unconference.State.FINISHED
        unconference.pitching_open = unconference.voting_open = False
    else:
        if pitching_open is not None:
            unconference.pitching_open = pitching_open
        if voting_open is not None:
            unconference.voting_open = voting_open
        if unconference.pitching_open or unconference.voting_open or finished is False:
            unconference.state = Unconference.State.RUNNING
    unconference.save(update_fields=["state", "pitching_open", "voting_open"])
    log_action(
        "hubbub.unconf.state_changed",
        actor=actor,
        event=unconference.event,
        target=unconference,
        data={
            "state": unconference.state,
            "pitching_open": unconference.pitching_open,
            "voting_open": unconference.voting_open,
        },
    )
    _publish_pitching(unconference)
    return unconference


# -- pitches ------------------------------------------------------------------------------------
def check_pitch_fields(*, topic, description, host_name) -> dict:
    errors: dict[str, str] = {}
    topic = " ".join(str(topic or "").split())
    description = " ".join(str(description or "").split())
    host_name = " ".join(str(host_name or "").split())
    if not topic:
        errors["topic"] = _("Give your topic a title.")
    elif len(topic) > TOPIC_LENGTH:
        errors["topic"] = _("Keep the topic to %(limit)s characters (it has %(length)s).") % {
            "limit": TOPIC_LENGTH,
            "length": len(topic),
        }
    if len(description) > DESCRIPTION_LENGTH:
        errors["description"] = _(
            "Keep the description to one line of %(limit)s characters (it has %(length)s)."
        ) % {"limit": DESCRIPTION_LENGTH, "length": len(description)}
    if not host_name:
        errors["host_name"] = _("Give the name of the person who will host the topic.")
    elif len(host_name) > NAME_LENGTH:
        errors["host_name"] = _("Keep the name to %(limit)s characters.") % {"limit": NAME_LENGTH}
    if errors:
        raise ValidationError(errors)
    return {"topic": topic, "description": description, "host_name": host_name}


def check_pitching_open(unconference: Unconference) -> None:
    if not unconference.accepts_pitches:
        raise ValidationError(
            _("Pitching is closed at the moment. Ask the facilitator when it opens."),
            code="closed",
        )


@transaction.atomic
def do_submit_pitch(
    unconference: Unconference,
    *,
    topic,
    description="",
    host_name,
    host_key: str | None = None,
    host_user=None,
    actor=None,
) -> Pitch:
    """A delegate's pitch (``host_key`` from their device or account), or the facilitator's
    (``actor``), which may be added while pitching is closed."""
    event = unconference.event
    if actor is not None:
        policy.require(actor, Action.RUN_UNCONFERENCE, event)
    else:
        check_pitching_open(unconference)
        if not host_key:
            raise ValidationError(_("Your browser did not send its cookie; try again."))
    fields = check_pitch_fields(topic=topic, description=description, host_name=host_name)
    if actor is not None:
        host_key = host_key or f"n:{fields['host_name'].casefold()}"
    pitch = Pitch.objects.create(
        unconference=unconference,
        host_key=host_key[:80],
        host_user=host_user if host_user is not None and host_user.is_authenticated else None,
        **fields,
    )
    pitch.unconference = unconference
    log_action("hubbub.unconf.pitched", actor=actor or host_user, event=event, target=pitch)
    _publish_pitching(unconference)
    return pitch


@transaction.atomic
def do_next_pitch(unconference: Unconference, *, actor, skip=False) -> Pitch | None:
    """Finish (or ``skip``) the topic pitching now and call up the next in the queue."""
    event = unconference.event
    policy.require(actor, Action.RUN_UNCONFERENCE, event)
    locked = Unconference.objects.select_for_update().get(pk=unconference.pk)
    current = locked.now_pitching
    queue = active_pitches(locked).filter(status=Pitch.Status.QUEUED)
    if current is not None:
        queue = queue.exclude(pk=current.pk)
        if current.status == Pitch.Status.QUEUED:
            current.status = Pitch.Status.SKIPPED if skip else Pitch.Status.PITCHED
            current.save(update_fields=["status"])
    following = queue.order_by("queued_at", "id").first()
    unconference.now_pitching = following
    unconference.pitch_started_at = timezone.now() if following else None
    unconference.save(update_fields=["now_pitching", "pitch_started_at"])
    log_action(
        "hubbub.unconf.pitch_skipped" if skip else "hubbub.unconf.pitch_next",
        actor=actor,
        event=event,
        target=current or following or unconference,
    )
    _publish_pitching(unconference)
    return following


@transaction.atomic
def do_restart_countdown(unconference: Unconference, *, actor) -> None:
    policy.require(actor, Action.RUN_UNCONFERENCE, unconference.event)
    if unconference.now_pitching_id is None:
        raise ValidationError(_("Nobody is pitching; call up the next topic first."))
    unconference.pitch_started_at = timezone.now()
    unconference.save(update_fields=["pitch_started_at"])
    _publish_pitching(unconference)


@transaction.atomic
def do_requeue_pitch(pitch: Pitch, *, actor) -> Pitch:
    """Put a skipped (or pitched) topic back at the end of the queue."""
    unconference = pitch.unconference
    policy.require(actor, Action.RUN_UNCONFERENCE, unconference.event)
    if not pitch.is_active:
        raise ValidationError(_("That topic was withdrawn or merged."))
    pitch.status = Pitch.Status.QUEUED
    pitch.queued_at = timezone.now()
    pitch.save(update_fields=["status", "queued_at"])
    log_action("hubbub.unconf.requeued", actor=actor, event=unconference.event, target=pitch)
    _publish_pitching(unconference)
    return pitch


@transaction.atomic
def do_edit_pitch(
    pitch: Pitch, *, actor, topic, description, host_name, unavailable_slots=None
) -> Pitch:
    unconference = pitch.unconference
    event = unconference.event
    policy.require(actor, Action.RUN_UNCONFERENCE, event)
    fields = check_pitch_fields(topic=topic, description=description, host_name=host_name)
    if unavailable_slots is not None:
        unavailable_slots = list(unavailable_slots)
        if any(s.unconference_id != unconference.pk for s in unavailable_slots):
            raise ValidationError({"unavailable_slots": _("Choose slots of this unconference.")})
        if pitch.pinned and pitch.slot_id in {s.pk for s in unavailable_slots}:
            raise ValidationError(
                {
                    "unavailable_slots": _(
                        "The topic is pinned to “%(slot)s”; unpin or move it first."
                    )
                    % {"slot": pitch.slot.label}
                }
            )
    for name, value in fields.items():
        setattr(pitch, name, value)
    pitch.save(update_fields=list(fields))
    if unavailable_slots is not None:
        before = set(pitch.unavailable_slots.values_list("pk", flat=True))
        pitch.unavailable_slots.set(unavailable_slots)
        if before != {s.pk for s in unavailable_slots}:
            _bump(unconference)
    if pitch.is_placed:
        _sync_session(pitch)
    log_action("hubbub.unconf.edited", actor=actor, event=event, target=pitch)
    _publish_board(unconference)
    _publish_pitching(unconference)
    return pitch


@transaction.atomic
def do_merge_pitches(duplicate: Pitch, *, into: Pitch, actor) -> Pitch:
    """Fold ``duplicate`` into ``into``: its marks (and its host's interest) join ``into``'s,
    counting each person once."""
    unconference = duplicate.unconference
    event = unconference.event
    policy.require(actor, Action.RUN_UNCONFERENCE, event)
    if into.unconference_id != unconference.pk:
        raise ValidationError({"into": _("Choose a topic of this unconference.")})
    if into.pk == duplicate.pk:
        raise ValidationError({"into": _("A topic cannot be merged into itself.")})
    if not duplicate.is_active or not into.is_active:
        raise ValidationError({"into": _("Both topics must still be in play.")})
    if duplicate.slot_id and duplicate.slot.has_started():
        raise ValidationError(
            {"into": _("“%(topic)s” has already started.") % {"topic": duplicate.topic}}
        )
    already = set(into.votes.values_list("voter", flat=True)) | {into.host_key}
    moving = duplicate.votes.exclude(voter__in=already)
    moving.update(pitch=into)
    duplicate.votes.all().delete()
    # The duplicate's host wanted this topic too.
    if duplicate.host_key not in already:
        Vote.objects.get_or_create(pitch=into, voter=duplicate.host_key)
    if not into.description and duplicate.description:
        into.description = duplicate.description
        into.save(update_fields=["description"])
    _unplace(duplicate)
    duplicate.merged_into = into
    duplicate.pinned = False
    duplicate.save(update_fields=["merged_into", "pinned"])
    if unconference.now_pitching_id == duplicate.pk:
        unconference.now_pitching = None
        unconference.pitch_started_at = None
        unconference.save(update_fields=["now_pitching", "pitch_started_at"])
    _bump(unconference)
    log_action(
        "hubbub.unconf.merged",
        actor=actor,
        event=event,
        target=duplicate,
        data={"into": into.pk},
    )
    _publish_board(unconference)
    _publish_pitching(unconference)
    return into


@transaction.atomic
def do_withdraw_pitch(pitch: Pitch, *, actor) -> Pitch:
    unconference = pitch.unconference
    policy.require(actor, Action.RUN_UNCONFERENCE, unconference.event)
    if pitch.slot_id and pitch.slot.has_started():
        raise ValidationError(_("“%(topic)s” has already started.") % {"topic": pitch.topic})
    _unplace(pitch)
    pitch.status = Pitch.Status.WITHDRAWN
    pitch.pinned = False
    pitch.save(update_fields=["status", "pinned"])
    if unconference.now_pitching_id == pitch.pk:
        unconference.now_pitching = None
        unconference.pitch_started_at = None
        unconference.save(update_fields=["now_pitching", "pitch_started_at"])
    _bump(unconference)
    log_action("hubbub.unconf.withdrawn", actor=actor, event=unconference.event, target=pitch)
    _publish_board(unconference)
    _publish_pitching(unconference)
    return pitch


# -- marks of interest --------------------------------------------------------------------------
def check_voting_open(unconference: Unconference) -> None:
    if not unconference.accepts_votes:
        raise ValidationError(
            _("Marking topics is closed at the moment. Ask the facilitator when it opens."),
            code="closed",
        )


def marks_of(unconference: Unconference, voter: str | None) -> set[int]:
    if not voter:
        return set()
    return set(
        Vote.objects.filter(pitch__unconference=unconference, voter=voter).values_list(
            "pitch_id", flat=True
        )
    )


@transaction.atomic
def do_set_marks(unconference: Unconference, *, voter: str, pitch_ids) -> set[int]:
    """Make ``voter``'s marks exactly ``pitch_ids`` (approval voting, within the cap)."""
    check_voting_open(unconference)
    if not voter:
        raise ValidationError(_("Your browser did not send its cookie; try again."))
    try:
        wanted = {int(pk) for pk in pitch_ids}
    except (TypeError, ValueError):
        raise ValidationError({"topics": _("Choose topics from the list.")}) from None
    active = set(active_pitches(unconference).filter(pk__in=wanted).values_list("pk", flat=True))
    if wanted - active:
        raise ValidationError(
            {"topics": _("Some of those topics are no longer in play; reload the list.")}
        )
    cap = unconference.vote_cap
    if cap is not None and len(wanted) > cap:
        raise ValidationError(
            {
                "topics": _(
                    "You chose %(count)s topics; each person may mark at most %(cap)s. "
                    "Untick some and save again."
                )
                % {"count": len(wanted), "cap": cap}
            }
        )
    mine = Vote.objects.filter(pitch__unconference=unconference, voter=voter)
    have = set(mine.values_list("pitch_id", flat=True))
    mine.exclude(pitch_id__in=wanted).delete()
    Vote.objects.bulk_create(
        [Vote(pitch_id=pk, voter=voter) for pk in sorted(wanted - have)], ignore_conflicts=True
    )
    return wanted


# -- placement ----------------------------------------------------------------------------------
@dataclass
class PlacementResult:
    missed: int
    bound: int
    optimal: bool
    moved: int | None
    placed: list[Pitch]
    unplaced: list[Pitch]
    seconds: float


def _room_id(room_pk) -> str:
    return f"r{room_pk}"


def _slot_id(slot_pk) -> str:
    return f"s{slot_pk}"


def _topic_id(pitch_pk) -> str:
    return f"t{pitch_pk}"


def _pk(solver_id: str) -> int:
    return int(solver_id[1:])


def _busy_cells(event: Event, rooms, slots) -> dict[tuple[int, int], Session]:
    """(room, slot) cells taken by other programme sessions (not the unconference's own)."""
    if not rooms or not slots:
        return {}
    first = min(s.starts_at for s in slots)
    last = max(s.ends_at for s in slots)
    others = Session.objects.filter(
        event=event, room__in=rooms, starts_at__lt=last, ends_at__gt=first
    ).exclude(kind=Session.Kind.UNCONFERENCE)
    busy = {}
    for session in others:
        for slot in slots:
            if session.starts_at < slot.ends_at and slot.starts_at < session.ends_at:
                busy.setdefault((session.room_id, slot.pk), session)
    return busy


def _problem_rooms(unconference: Unconference, pitches) -> list[Room]:
    """The chosen rooms, plus any room still holding a pinned or started topic."""
    rooms = {room.pk: room for room in unconference.rooms.all()}
    extra = {p.room_id for p in pitches if p.room_id and p.room_id not in rooms}
    if extra:
        rooms.update({room.pk: room for room in Room.objects.filter(pk__in=extra)})
    return sorted(rooms.values(), key=lambda r: (r.order, r.name, r.pk))


def placement_problem(unconference: Unconference, at: datetime | None = None) -> dict:
    """The solver's input for the unconference as it stands (see ``solver.parse_problem``).

    V(t) is a topic's markers plus its host; a room without a stated capacity holds everyone.
    Topics in slots that have started stay put (``started``); nothing new goes into a slot that
    has started (the solver has no such notion, so those are ``unavailable`` to the rest).
    Cells taken by other programme sessions are held by pinned stand-in topics that nobody
    wants, because the solver has no per-room unavailability either.
    """
    at = at or timezone.now()
    event = unconference.event
    pitches = list(
        active_pitches(unconference)
        .select_related("slot")
        .prefetch_related("unavailable_slots")
        .order_by("queued_at", "id")
    )
    slots = list(unconference.slots.all())
    fixed_now = [p for p in pitches if p.slot_id and (p.pinned or p.slot.has_started(at))]
    rooms = _problem_rooms(unconference, fixed_now)
    if not rooms:
        raise ValidationError(
            {"rooms": _("Choose the rooms the unconference may use (Settings), then place.")}
        )
    if not slots:
        raise ValidationError({"slots": _("Add at least one slot, then place.")})
    votes = list(
        Vote.objects.filter(pitch__in=[p.pk for p in pitches]).values_list("voter", "pitch_id")
    )
    people = {p.host_key for p in pitches} | {voter for voter, _pitch in votes}
    everyone = max(1, len(people))
    room_pks = {r.pk for r in rooms}
    slot_pks = {s.pk for s in slots}
    started_slots = [s for s in slots if s.has_started(at)]

    placed = [p for p in pitches if p.slot_id in slot_pks and p.room_id in room_pks]
    fixed = {p.pk for p in placed if p.pinned or p.slot.has_started(at)}
    data: dict = {
        "rooms": [
            {"id": _room_id(r.pk), "capacity": r.capacity if r.capacity is not None else everyone}
            for r in rooms
        ],
        "slots": [{"id": _slot_id(s.pk)} for s in slots],
        "topics": [{"id": _topic_id(p.pk), "host": p.host_key} for p in pitches],
        "votes": [{"voter": voter, "topic": _topic_id(pk)} for voter, pk in votes],
        "pinned": [
            {"topic": _topic_id(p.pk), "room": _room_id(p.room_id), "slot": _slot_id(p.slot_id)}
            for p in placed
            if p.pinned
        ],
        "unavailable": [],
        "previous": None,
        "started": [_topic_id(p.pk) for p in placed if p.slot.has_started(at)],
    }
    if unconference.placed_at is not None or placed:
        data["previous"] = [
            {"topic": _topic_id(p.pk), "room": _room_id(p.room_id), "slot": _slot_id(p.slot_id)}
            for p in placed
        ]
    unavailable = set()
    for p in pitches:
        for slot in p.unavailable_slots.all():
            if slot.pk in slot_pks and not (p.pk in fixed and p.slot_id == slot.pk):
                unavailable.add((p.pk, slot.pk))
        for slot in started_slots:
            if not (p.pk in fixed and p.slot_id == slot.pk):
                unavailable.add((p.pk, slot.pk))
    data["unavailable"] = [
        {"topic": _topic_id(t), "slot": _slot_id(s)} for t, s in sorted(unavailable)
    ]
    held = {(p.room_id, p.slot_id) for p in placed if p.pk in fixed}
    for room_pk, slot_pk in sorted(_busy_cells(event, rooms, slots)):
        if (room_pk, slot_pk) in held:
            continue
        stand_in = f"x{room_pk}-{slot_pk}"
        data["topics"].append({"id": stand_in, "host": f"x:{stand_in}"})
        cell = {"topic": stand_in, "room": _room_id(room_pk), "slot": _slot_id(slot_pk)}
        data["pinned"].append(cell)
        if data["previous"] is not None:
            # Stand-ins stay where they were, so they must not count as moved topics.
            data["previous"].append(dict(cell))
    return data


def do_place_topics(
    unconference: Unconference, *, actor, time_limit: float | None = None, at=None
) -> PlacementResult:
    """Run the solver on the unconference and write the plan (a re-plan moves as little as it
    can). The solve runs outside any transaction so delegates can keep marking meanwhile."""
    event = unconference.event
    policy.require(actor, Action.RUN_UNCONFERENCE, event)
    at = at or timezone.now()
    unconference.refresh_from_db(fields=["plan_version", "placed_at"])
    version = unconference.plan_version
    data = placement_problem(unconference, at)
    try:
        problem = solver.parse_problem(data)
        solution = solver.solve(problem, time_limit=time_limit or _time_limit())
    except solver.ProblemError as exc:
        raise ValidationError(
            _("The placement cannot run: %(reason)s.") % {"reason": str(exc)}
        ) from exc
    # Stand-ins never count: they always fit (capacity 0 rooms aside, where each adds one).
    stand_ins = {t["id"] for t in data["topics"] if t["id"].startswith("x")}
    capacity = {r["id"]: r["capacity"] for r in data["rooms"]}
    penalty = sum(1 for p in solution.placements if p.topic in stand_ins and capacity[p.room] < 1)
    cells = {
        _pk(p.topic): (_pk(p.room), _pk(p.slot))
        for p in solution.placements
        if p.topic not in stand_ins
    }
    with transaction.atomic():
        locked = Unconference.objects.select_for_update().get(pk=unconference.pk)
        if locked.plan_version != version:
            raise ValidationError(_("The board changed while the placement ran; run it again."))
        pitches = list(active_pitches(unconference).select_related("slot", "room", "session"))
        changed = [p for p in pitches if (p.room_id, p.slot_id) != cells.get(p.pk, (None, None))]
        # Clear first: two topics swapping cells would trip the one-topic-per-cell constraint.
        Pitch.objects.filter(pk__in=[p.pk for p in changed]).update(room=None, slot=None)
        slots = {s.pk: s for s in unconference.slots.all()}
        rooms = {r.pk: r for r in Room.objects.filter(event=event)}
        for pitch in changed:
            room_pk, slot_pk = cells.get(pitch.pk, (None, None))
            pitch.room = rooms.get(room_pk)
            pitch.slot = slots.get(slot_pk)
            pitch.unconference = unconference
            if pitch.slot is None:
                pitch.pinned = False
            pitch.save(update_fields=["room", "slot", "pinned"])
        for pitch in pitches:
            pitch.unconference = unconference
            if pitch in changed or (pitch.is_placed and pitch.session_id is None):
                _sync_session(pitch)
        unconference.placed_at = timezone.now()
        unconference.placement_missed = max(0, solution.missed - penalty)
        unconference.placement_bound = max(0, solution.bound - penalty)
        unconference.placement_optimal = solution.optimal
        unconference.placement_moved = solution.moved
        unconference.plan_version = F("plan_version") + 1
        unconference.save(
            update_fields=[
                "placed_at",
                "placement_missed",
                "placement_bound",
                "placement_optimal",
                "placement_moved",
                "plan_version",
            ]
        )
        unconference.refresh_from_db(fields=["plan_version"])
        log_action(
            "hubbub.unconf.placed",
            actor=actor,
            event=event,
            target=unconference,
            data={
                "missed": unconference.placement_missed,
                "optimal": solution.optimal,
                "moved": solution.moved,
                "seconds": round(solution.seconds, 3),
            },
        )
        _publish_board(unconference)
    placed = [p for p in pitches if p.is_placed]
    return PlacementResult(
        missed=unconference.placement_missed,
        bound=unconference.placement_bound,
        optimal=solution.optimal,
        moved=solution.moved,
        placed=placed,
        unplaced=[p for p in pitches if not p.is_placed],
        seconds=solution.seconds,
    )


def _time_limit() -> float:
    return float(settings.HUBBUB_UNCONF_TIME_LIMIT)


def check_move(pitch: Pitch, *, room: Room, slot: Slot, at=None) -> None:
    """Raise ValidationError naming the field when ``pitch`` cannot go to ``room`` × ``slot``."""
    unconference = pitch.unconference
    at = at or timezone.now()
    if not pitch.is_active:
        raise ValidationError(_("That topic was withdrawn or merged."))
    if slot.unconference_id != unconference.pk:
        raise ValidationError({"slot": _("Choose a slot of this unconference.")})
    chosen = unconference.rooms.filter(pk=room.pk).exists()
    if room.event_id != unconference.event_id or not chosen:
        raise ValidationError({"room": _("Choose one of the unconference's rooms.")})
    moving = pitch.slot_id and (pitch.slot_id, pitch.room_id) != (slot.pk, room.pk)
    if moving and pitch.slot.has_started(at):
        raise ValidationError(
            {
                "slot": _("“%(topic)s” has already started; it stays where it is.")
                % {"topic": pitch.topic}
            }
        )
    occupant = Pitch.objects.filter(slot=slot, room=room).exclude(pk=pitch.pk).only("topic").first()
    if occupant is not None:
        raise ValidationError(
            {
                "room": _("%(room)s already has “%(topic)s” in %(slot)s. Move that topic first.")
                % {"room": room.name, "topic": occupant.topic, "slot": slot.label}
            }
        )
    busy = _busy_cells(unconference.event, [room], [slot]).get((room.pk, slot.pk))
    if busy is not None:
        raise ValidationError(
            {
                "room": _("%(room)s is in use then by “%(title)s”.")
                % {"room": room.name, "title": busy.title}
            }
        )
    if pitch.unavailable_slots.filter(pk=slot.pk).exists():
        raise ValidationError(
            {"slot": _("The host is not available in %(slot)s.") % {"slot": slot.label}}
        )
    same_host = (
        active_pitches(unconference)
        .filter(slot=slot, host_key=pitch.host_key)
        .exclude(pk=pitch.pk)
        .first()
    )
    if same_host is not None:
        raise ValidationError(
            {
                "slot": _("%(name)s already hosts “%(topic)s” in %(slot)s.")
                % {"name": pitch.host_name, "topic": same_host.topic, "slot": slot.label}
            }
        )


@transaction.atomic
def do_move_pitch(pitch: Pitch, *, actor, room: Room, slot: Slot, pinned: bool = True) -> Pitch:
    """Put a topic in a cell by hand; pinned (the default) keeps it there on re-planning."""
    unconference = pitch.unconference
    policy.require(actor, Action.RUN_UNCONFERENCE, unconference.event)
    Unconference.objects.select_for_update().filter(pk=unconference.pk).first()
    check_move(pitch, room=room, slot=slot)
    pitch.room, pitch.slot, pitch.pinned = room, slot, pinned
    pitch.save(update_fields=["room", "slot", "pinned"])
    _sync_session(pitch)
    _bump(unconference)
    log_action(
        "hubbub.unconf.moved",
        actor=actor,
        event=unconference.event,
        target=pitch,
        data={"room": room.pk, "slot": slot.pk, "pinned": pinned},
    )
    _publish_board(unconference)
    return pitch


@transaction.atomic
def do_pin_pitch(pitch: Pitch, *, actor, pinned: bool) -> Pitch:
    unconference = pitch.unconference
    policy.require(actor, Action.RUN_UNCONFERENCE, unconference.event)
    if pinned and not pitch.is_placed:
        raise ValidationError(_("Place the topic before pinning it."))
    pitch.pinned = pinned
    pitch.save(update_fields=["pinned"])
    _bump(unconference)
    log_action(
        "hubbub.unconf.pinned" if pinned else "hubbub.unconf.unpinned",
        actor=actor,
        event=unconference.event,
        target=pitch,
    )
    _publish_board(unconference)
    return pitch


@transaction.atomic
def do_unplace_pitch(pitch: Pitch, *, actor) -> Pitch:
    unconference = pitch.unconference
    policy.require(actor, Action.RUN_UNCONFERENCE, unconference.event)
    if pitch.slot_id and pitch.slot.has_started():
        raise ValidationError(_("“%(topic)s” has already started.") % {"topic": pitch.topic})
    _unplace(pitch)
    pitch.pinned = False
    pitch.save(update_fields=["pinned"])
    _bump(unconference)
    log_action("hubbub.unconf.unplaced", actor=actor, event=unconference.event, target=pitch)
    _publish_board(unconference)
    return pitch


def _unplace(pitch: Pitch) -> None:
    if pitch.slot_id is None and pitch.session_id is None:
        return
    pitch.room = pitch.slot = None
    pitch.save(update_fields=["room", "slot"])
    _sync_session(pitch)


def _bump(unconference: Unconference) -> None:
    Unconference.objects.filter(pk=unconference.pk).update(plan_version=F("plan_version") + 1)


def _session_description(pitch: Pitch) -> str:
    hosted = _("Hosted by %(name)s.") % {"name": pitch.host_name}
    return f"{pitch.description}\n\n{hosted}" if pitch.description else hosted


def _sync_session(pitch: Pitch) -> None:
    """Make the topic's programme session match its placement (create, move or delete it)."""
    event = pitch.unconference.event
    if pitch.slot_id is None:
        if pitch.session_id is not None:
            Session.objects.filter(pk=pitch.session_id).delete()
            pitch.session = None
        return
    slot, room = pitch.slot, pitch.room
    # Times follow the programme's rules; the room check is ours, because a topic may sit
    # inside the event's own unconference session in that room.
    check_session(event=event, starts_at=slot.starts_at, ends_at=slot.ends_at)
    busy = _busy_cells(event, [room], [slot]).get((room.pk, slot.pk))
    if busy is not None:
        raise ValidationError(
            {
                "room": _("%(room)s is in use then by “%(title)s”.")
                % {"room": room.name, "title": busy.title}
            }
        )
    session = pitch.session if pitch.session_id else Session(event=event)
    session.event = event
    session.title = pitch.topic
    session.kind = Session.Kind.UNCONFERENCE
    session.starts_at, session.ends_at = slot.starts_at, slot.ends_at
    session.room = room
    session.description = _session_description(pitch)
    if session.pk is None:
        session.save()
        pitch.session = session
        Pitch.objects.filter(pk=pitch.pk).update(session=session)
    else:
        session.slug = ""  # follow the topic's current title
        session.save()


# -- the board and the projector ---------------------------------------------------------------
@dataclass
class BoardRow:
    slot: Slot
    cells: list[Pitch | None]
    is_now: bool = False


@dataclass
class Board:
    rooms: list[Room]
    rows: list[BoardRow]
    unplaced: list[Pitch] = field(default_factory=list)

    @property
    def placed_count(self) -> int:
        return sum(1 for row in self.rows for cell in row.cells if cell is not None)


def board(unconference: Unconference, at=None) -> Board:
    """Rooms × slots with the topic in each cell, in a fixed number of queries."""
    at = at or timezone.now()
    pitches = list(active_pitches(unconference).select_related("room", "slot"))
    for pitch in pitches:
        pitch.unconference = unconference
    rooms = _problem_rooms(unconference, [p for p in pitches if p.room_id])
    slots = list(unconference.slots.all())
    at_cell = {(p.slot_id, p.room_id): p for p in pitches if p.is_placed}
    rows = [
        BoardRow(
            slot=slot,
            cells=[at_cell.get((slot.pk, room.pk)) for room in rooms],
            is_now=slot.starts_at <= at < slot.ends_at,
        )
        for slot in slots
    ]
    unplaced = [p for p in pitches if not p.is_placed]
    return Board(rooms=rooms, rows=rows, unplaced=unplaced)


def render_board(unconference: Unconference) -> str:
    event = unconference.event
    with timezone.override(event.tz):
        return render_to_string(
            "unconf/_board.html",
            {"event": event, "unconference": unconference, "board": board(unconference)},
        )


def board_payload(unconference: Unconference) -> dict:
    """What ``unconf.board`` carries: the rendered board, plus its data for other clients."""
    event = unconference.event
    current = board(unconference)
    placements = [
        {
            "topic_id": cell.pk,
            "topic": cell.topic,
            "host": cell.host_name,
            "room": current.rooms[i].name,
            "room_id": current.rooms[i].pk,
            "slot": row.slot.label,
            "slot_id": row.slot.pk,
            "starts_at": row.slot.starts_at,
            "ends_at": row.slot.ends_at,
            "pinned": cell.pinned,
            "url": reverse("unconf:topic", kwargs={"event": event.slug, "pitch_id": cell.pk}),
        }
        for row in current.rows
        for i, cell in enumerate(row.cells)
        if cell is not None
    ]
    with timezone.override(event.tz):
        html = render_to_string(
            "unconf/_board.html", {"event": event, "unconference": unconference, "board": current}
        )
    return {
        "event": event.slug,
        "html": html,
        "placements": placements,
        "unplaced": [{"topic_id": p.pk, "topic": p.topic} for p in current.unplaced],
        "missed": unconference.placement_missed,
        "optimal": unconference.placement_optimal,
    }


def _publish_board(unconference: Unconference) -> None:
    publish(unconference.event, BOARD_CHANGED, board_payload(unconference))


def pitching_context(unconference: Unconference) -> dict:
    queue = pitch_queue(unconference)
    now_pitching = None
    if unconference.now_pitching_id:
        now_pitching = Pitch.objects.filter(pk=unconference.now_pitching_id).first()
    deadline = None
    if now_pitching is not None and unconference.pitch_started_at is not None:
        deadline = unconference.pitch_started_at + timedelta(seconds=unconference.countdown_seconds)
    return {
        "event": unconference.event,
        "unconference": unconference,
        "now_pitching": now_pitching,
        "deadline": deadline,
        "queue": queue[:QUEUE_SHOWN],
        "queue_length": len(queue),
    }


def render_pitching(unconference: Unconference) -> str:
    with timezone.override(unconference.event.tz):
        return render_to_string("unconf/_pitching.html", pitching_context(unconference))


def _publish_pitching(unconference: Unconference) -> None:
    publish(
        unconference.event,
        PITCHING_CHANGED,
        {"event": unconference.event.slug, "html": render_pitching(unconference)},
    )


@dataclass
class WhatsOn:
    when: str  # "now", "next" or "none"
    slot: Slot | None
    topics: list[Pitch]


def whats_on(unconference: Unconference, at=None) -> WhatsOn:
    """The topics running now and where, or else the next slot's."""
    at = at or timezone.now()
    slots = list(unconference.slots.all())
    slot = next((s for s in slots if s.starts_at <= at < s.ends_at), None)
    when = "now"
    if slot is None:
        slot = next((s for s in slots if s.starts_at > at), None)
        when = "next" if slot else "none"
    if slot is None:
        return WhatsOn(when="none", slot=None, topics=[])
    topics = list(
        active_pitches(unconference)
        .filter(slot=slot)
        .select_related("room")
        .order_by("room__order", "room__name")
    )
    for topic in topics:
        topic.unconference = unconference
    return WhatsOn(when=when, slot=slot, topics=topics)


def qr_svg(url: str, title: str) -> str:
    """A QR code for ``url`` as SVG markup: a viewBox and no size, so CSS can scale it, and
    nothing inline for the CSP to refuse."""
    markup = segno.make(url, error="m").svg_inline(omitsize=True, svgclass="unconf-qr__code")
    label = escape(title)
    return markup.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)


# -- outcomes ----------------------------------------------------------------------------------
def notes_token(pitch: Pitch) -> str:
    """A link key the facilitator can hand to a note-taker who has no account."""
    return signing.dumps(pitch.pk, salt=NOTES_SALT)


def check_notes_token(pitch: Pitch, token: str | None) -> bool:
    if not token:
        return False
    try:
        return signing.loads(token, salt=NOTES_SALT, max_age=NOTES_LINK_MAX_AGE) == pitch.pk
    except signing.BadSignature:
        return False


def may_publish_outcome(pitch: Pitch, user) -> bool:
    """Editors and organisers publish anyone's notes; reporters publish the notes they wrote."""
    event = pitch.unconference.event
    if policy.can(user, Action.EDIT_ENTRY, event):
        return True
    outcome = Outcome.objects.filter(pitch=pitch).first()
    return policy.can(user, Action.POST_ENTRY, event) and (
        outcome is None or outcome.is_empty or outcome.recorded_by_id == user.pk
    )


def may_record_outcome(pitch: Pitch, *, user=None, voter=None, token=None) -> bool:
    """The event's reporting team, the assigned note-taker, the host's own device or account,
    or anyone with the note-taker's link."""
    event = pitch.unconference.event
    if user is not None and (
        policy.can(user, Action.POST_ENTRY, event)
        or policy.can(user, Action.POST_ENTRY_FOR_REVIEW, event)
    ):
        return True
    outcome = Outcome.objects.filter(pitch=pitch).first()
    if user is not None and outcome is not None and outcome.note_taker_id == user.pk:
        return True
    if voter and voter == pitch.host_key:
        return True
    return check_notes_token(pitch, token)


def note_taker_candidates(event: Event):
    """People on the event's team, who can take notes with their own account."""
    from django.contrib.auth import get_user_model

    from hubbub.team.models import EventRole

    users = EventRole.objects.active().filter(event=event).values_list("user_id", flat=True)
    return get_user_model().objects.filter(pk__in=users, is_active=True).order_by("username")


@transaction.atomic
def do_assign_note_taker(pitch: Pitch, *, actor, user=None, name: str = "") -> Outcome:
    """A team member (by account) or someone by name, usually the host, takes the notes."""
    event = pitch.unconference.event
    policy.require(actor, Action.RUN_UNCONFERENCE, event)
    name = " ".join((name or "").split())[:NAME_LENGTH]
    if user is not None and not note_taker_candidates(event).filter(pk=user.pk).exists():
        raise ValidationError({"note_taker": _("Choose someone on the event's team.")})
    if user is None and not name:
        raise ValidationError({"note_taker": _("Choose a note-taker.")})
    outcome, _created = Outcome.objects.get_or_create(pitch=pitch)
    outcome.note_taker = user
    outcome.note_taker_name = (user.get_full_name() or user.get_username()) if user else name
    outcome.save(update_fields=["note_taker", "note_taker_name", "updated_at"])
    log_action("hubbub.unconf.note_taker", actor=actor, event=event, target=pitch)
    return outcome


def check_outcome_fields(*, discussed, decisions, actions) -> dict:
    fields = {
        "discussed": str(discussed or "").strip(),
        "decisions": str(decisions or "").strip(),
        "actions": str(actions or "").strip(),
    }
    errors = {}
    for name, value in fields.items():
        if len(value) > NOTES_LENGTH:
            errors[name] = _("Keep this to %(limit)s characters (it has %(length)s).") % {
                "limit": f"{NOTES_LENGTH:,}",
                "length": f"{len(value):,}",
            }
    if not any(fields.values()):
        errors["discussed"] = _("Write down at least what was discussed.")
    if errors:
        raise ValidationError(errors)
    return fields


@transaction.atomic
def do_save_outcome(
    pitch: Pitch, *, discussed, decisions, actions, user=None, submit: bool = True
) -> Outcome:
    """Store the notes: a draft, or handed to the editors (``submit``). Callers check
    ``may_record_outcome`` first; published notes change only by publishing again."""
    fields = check_outcome_fields(discussed=discussed, decisions=decisions, actions=actions)
    outcome, _created = Outcome.objects.select_for_update().get_or_create(pitch=pitch)
    if outcome.status == Outcome.Status.PUBLISHED:
        raise ValidationError(
            _("These notes are published; an editor can change and publish them again.")
        )
    for name, value in fields.items():
        setattr(outcome, name, value)
    if user is not None and user.is_authenticated:
        outcome.recorded_by = user
    outcome.status = Outcome.Status.SUBMITTED if submit else Outcome.Status.DRAFT
    outcome.save()
    log_action(
        "hubbub.unconf.notes_submitted" if submit else "hubbub.unconf.notes_saved",
        actor=user,
        event=pitch.unconference.event,
        target=pitch,
    )
    return outcome


def outcome_markdown(outcome: Outcome, topic_url: str) -> str:
    pitch = outcome.pitch
    heading = _("Unconference: %(topic)s") % {"topic": pitch.topic}
    parts = [f"**{heading}**"]
    if pitch.room_id and pitch.slot_id:
        local = timezone.localtime(pitch.slot.starts_at, pitch.unconference.event.tz)
        parts[0] += f" ({pitch.room.name}, {local:%H:%M})"
    for title, text in (
        (_("What was discussed"), outcome.discussed),
        (_("Decisions"), outcome.decisions),
    ):
        if text:
            parts.append(f"**{title}**\n\n{text}")
    items = outcome.action_items()
    if items:
        lines = [f"- {action} — {owner}" if owner else f"- {action}" for action, owner in items]
        parts.append(f"**{_('Actions')}**\n\n" + "\n".join(lines))
    parts.append(f"[{_('Notes for this topic')}]({topic_url})")
    return "\n\n".join(parts)


@transaction.atomic
def do_publish_outcome(
    pitch: Pitch, *, actor, discussed=None, decisions=None, actions=None
) -> Outcome:
    """Publish the notes as a live entry on the topic's session (editing it when they were
    published before) and show them on the topic's page. Given fields replace the stored ones."""
    from hubbub.live.services import do_create_entry, do_update_entry

    event = pitch.unconference.event
    if not may_publish_outcome(pitch, actor):
        policy.require(actor, Action.EDIT_ENTRY, event)
    outcome, _created = Outcome.objects.select_for_update().get_or_create(pitch=pitch)
    if discussed is not None or decisions is not None or actions is not None:
        fields = check_outcome_fields(
            discussed=outcome.discussed if discussed is None else discussed,
            decisions=outcome.decisions if decisions is None else decisions,
            actions=outcome.actions if actions is None else actions,
        )
        for name, value in fields.items():
            setattr(outcome, name, value)
        if outcome.recorded_by_id is None:
            outcome.recorded_by = actor
    elif outcome.is_empty:
        raise ValidationError({"discussed": _("There are no notes to publish yet.")})
    outcome.pitch = pitch
    topic_url = reverse("unconf:topic", kwargs={"event": event.slug, "pitch_id": pitch.pk})
    body = outcome_markdown(outcome, topic_url)
    if outcome.entry_id is not None:
        entry = outcome.entry
        entry.event = event
        do_update_entry(entry, actor=actor, body=body, session_id=pitch.session_id or "")
    else:
        outcome.entry = do_create_entry(
            event=event, author=actor, body=body, session_id=pitch.session_id
        )
    outcome.status = Outcome.Status.PUBLISHED
    outcome.published_at = timezone.now()
    outcome.save()
    log_action("hubbub.unconf.notes_published", actor=actor, event=event, target=pitch)
    return outcome
