"""Placement: the solver puts topics into rooms × slots so as few people as possible miss one
they marked; the facilitator moves, pins and unplaces topics by hand.

The solver (``unconf/solver.py``) is used through its public API (``parse_problem`` and
``solve``); each placed topic becomes a programme session (``programme.sync_session``).
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from hubbub.core.audit import log_action
from hubbub.core.permissions import Action, policy
from hubbub.events.models import Room

from .. import solver
from ..models import Pitch, Slot, Unconference, Vote
from .access import active_pitches
from .board import problem_rooms, publish_board
from .programme import busy_cells, sync_session


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
    rooms = problem_rooms(unconference, fixed_now)
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
    for room_pk, slot_pk in sorted(busy_cells(event, rooms, slots)):
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
                sync_session(pitch)
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
        publish_board(unconference)
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
    busy = busy_cells(unconference.event, [room], [slot]).get((room.pk, slot.pk))
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
    sync_session(pitch)
    bump_plan(unconference)
    log_action(
        "hubbub.unconf.moved",
        actor=actor,
        event=unconference.event,
        target=pitch,
        data={
            "room": room.pk,
            "slot": slot.pk,
            "pinned": pinned,
            "topic": pitch.topic,
            "room_name": room.name,
            "slot_label": slot_words(slot),
        },
    )
    publish_board(unconference)
    return pitch


@transaction.atomic
def do_pin_pitch(pitch: Pitch, *, actor, pinned: bool) -> Pitch:
    unconference = pitch.unconference
    policy.require(actor, Action.RUN_UNCONFERENCE, unconference.event)
    if pinned and not pitch.is_placed:
        raise ValidationError(_("Place the topic before pinning it."))
    pitch.pinned = pinned
    pitch.save(update_fields=["pinned"])
    bump_plan(unconference)
    log_action(
        "hubbub.unconf.pinned" if pinned else "hubbub.unconf.unpinned",
        actor=actor,
        event=unconference.event,
        target=pitch,
    )
    publish_board(unconference)
    return pitch


@transaction.atomic
def do_unplace_pitch(pitch: Pitch, *, actor) -> Pitch:
    unconference = pitch.unconference
    policy.require(actor, Action.RUN_UNCONFERENCE, unconference.event)
    if pitch.slot_id and pitch.slot.has_started():
        raise ValidationError(_("“%(topic)s” has already started.") % {"topic": pitch.topic})
    unplace(pitch)
    pitch.pinned = False
    pitch.save(update_fields=["pinned"])
    bump_plan(unconference)
    log_action("hubbub.unconf.unplaced", actor=actor, event=unconference.event, target=pitch)
    publish_board(unconference)
    return pitch


def slot_words(slot: Slot) -> str:
    """How the audit log names a slot: its label, or its place in the day ("slot 2")."""
    if slot.label:
        return slot.label
    earlier = Slot.objects.filter(
        unconference_id=slot.unconference_id, starts_at__lt=slot.starts_at
    ).count()
    return _("slot %(number)s") % {"number": earlier + 1}


def unplace(pitch: Pitch) -> None:
    if pitch.slot_id is None and pitch.session_id is None:
        return
    pitch.room = pitch.slot = None
    pitch.save(update_fields=["room", "slot"])
    sync_session(pitch)


def bump_plan(unconference: Unconference) -> None:
    Unconference.objects.filter(pk=unconference.pk).update(plan_version=F("plan_version") + 1)
