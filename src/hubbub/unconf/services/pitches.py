"""The pitch queue: delegates pitch topics, the facilitator calls them up one by one, edits,
merges duplicates and withdraws them."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hubbub.core.audit import log_action
from hubbub.core.permissions import Action, policy

from ..models import DESCRIPTION_LENGTH, NAME_LENGTH, TOPIC_LENGTH, Pitch, Unconference, Vote
from .access import active_pitches
from .board import publish_board, publish_pitching
from .interest import event_is_over
from .placement import bump_plan, unplace
from .programme import sync_session


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
    event_is_over(unconference)
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
    publish_pitching(unconference)
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
    publish_pitching(unconference)
    return following


@transaction.atomic
def do_restart_countdown(unconference: Unconference, *, actor) -> None:
    policy.require(actor, Action.RUN_UNCONFERENCE, unconference.event)
    if unconference.now_pitching_id is None:
        raise ValidationError(_("Nobody is pitching; call up the next topic first."))
    unconference.pitch_started_at = timezone.now()
    unconference.save(update_fields=["pitch_started_at"])
    publish_pitching(unconference)


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
    publish_pitching(unconference)
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
            bump_plan(unconference)
    if pitch.is_placed:
        sync_session(pitch)
    log_action("hubbub.unconf.edited", actor=actor, event=event, target=pitch)
    publish_board(unconference)
    publish_pitching(unconference)
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
    unplace(duplicate)
    duplicate.merged_into = into
    duplicate.pinned = False
    duplicate.save(update_fields=["merged_into", "pinned"])
    if unconference.now_pitching_id == duplicate.pk:
        unconference.now_pitching = None
        unconference.pitch_started_at = None
        unconference.save(update_fields=["now_pitching", "pitch_started_at"])
    bump_plan(unconference)
    log_action(
        "hubbub.unconf.merged",
        actor=actor,
        event=event,
        target=duplicate,
        data={"into": into.pk, "topic": duplicate.topic, "into_topic": into.topic},
    )
    publish_board(unconference)
    publish_pitching(unconference)
    return into


@transaction.atomic
def do_withdraw_pitch(pitch: Pitch, *, actor) -> Pitch:
    unconference = pitch.unconference
    policy.require(actor, Action.RUN_UNCONFERENCE, unconference.event)
    if pitch.slot_id and pitch.slot.has_started():
        raise ValidationError(_("“%(topic)s” has already started.") % {"topic": pitch.topic})
    unplace(pitch)
    pitch.status = Pitch.Status.WITHDRAWN
    pitch.pinned = False
    pitch.save(update_fields=["status", "pinned"])
    if unconference.now_pitching_id == pitch.pk:
        unconference.now_pitching = None
        unconference.pitch_started_at = None
        unconference.save(update_fields=["now_pitching", "pitch_started_at"])
    bump_plan(unconference)
    log_action("hubbub.unconf.withdrawn", actor=actor, event=unconference.event, target=pitch)
    publish_board(unconference)
    publish_pitching(unconference)
    return pitch
