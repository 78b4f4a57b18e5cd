"""Setting up an unconference: its rooms, its slots (from the programme's unconference
sessions or added by hand), its settings, and opening and closing pitching and marking."""

import itertools

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hubbub.core.audit import log_action
from hubbub.core.permissions import Action, policy
from hubbub.events.models import Event, Session
from hubbub.events.services import check_session

from ..models import Slot, Unconference
from .board import publish_board, publish_pitching
from .placement import bump_plan


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
    *,
    event: Event,
    actor,
    rooms=(),
    sessions=(),
    vote_cap=None,
    countdown_seconds=60,
    marking_needs_account=False,
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
    unconference.marking_needs_account = bool(marking_needs_account)
    unconference.save(update_fields=["vote_cap", "countdown_seconds", "marking_needs_account"])
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
    bump_plan(unconference)
    log_action(
        "hubbub.unconf.set_up" if created else "hubbub.unconf.settings_changed",
        actor=actor,
        event=event,
        target=unconference,
    )
    publish_board(unconference)
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
    bump_plan(unconference)
    log_action(
        "hubbub.unconf.slot_added",
        actor=actor,
        event=unconference.event,
        target=slot,
        data={"label": slot.label},
    )
    publish_board(unconference)
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
    log_action(
        "hubbub.unconf.slot_deleted",
        actor=actor,
        event=unconference.event,
        target=slot,
        data={"label": slot.label},
    )
    slot.delete()
    bump_plan(unconference)
    publish_board(unconference)


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
    publish_pitching(unconference)
    return unconference


def close_when_event_ends(event: Event) -> None:
    """The "on event ended" hook: a running unconference finishes, pitching and marking close.

    Runs once per ending, inside the transaction that ends the event; no person to check."""
    unconference = Unconference.objects.select_for_update().filter(event=event).first()
    if unconference is None or unconference.state == Unconference.State.FINISHED:
        return
    unconference.state = Unconference.State.FINISHED
    unconference.pitching_open = unconference.voting_open = False
    unconference.save(update_fields=["state", "pitching_open", "voting_open"])
    log_action(
        "hubbub.unconf.state_changed",
        event=event,
        target=unconference,
        data={
            "state": unconference.state,
            "pitching_open": False,
            "voting_open": False,
            "reason": "event ended",
        },
    )
    publish_pitching(unconference)
