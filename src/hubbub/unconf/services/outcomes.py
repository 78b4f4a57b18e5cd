"""Outcomes: what each topic's note-taker records, and publishing it as a live entry."""

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hubbub.core.audit import log_action
from hubbub.core.permissions import Action, policy
from hubbub.events.models import Event
from hubbub.live.services import do_create_entry, do_update_entry
from hubbub.team.models import EventRole

from ..models import NAME_LENGTH, NOTES_LENGTH, Outcome, Pitch

NOTES_SALT = "hubbub.unconf.notes"
NOTES_LINK_MAX_AGE = 60 * 60 * 24 * 30


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
    if policy.can(user, Action.PUBLISH_OUTCOME, event):
        return True
    outcome = Outcome.objects.filter(pitch=pitch).first()
    return policy.can(user, Action.PUBLISH_OWN_OUTCOME, event) and (
        outcome is None or outcome.is_empty or outcome.recorded_by_id == user.pk
    )


def may_record_outcome(pitch: Pitch, *, user=None, voter=None, token=None) -> bool:
    """The event's reporting team, the assigned note-taker, the host's own device or account,
    or anyone with the note-taker's link."""
    event = pitch.unconference.event
    if user is not None and policy.can(user, Action.RECORD_OUTCOME, event):
        return True
    outcome = Outcome.objects.filter(pitch=pitch).first()
    if user is not None and outcome is not None and outcome.note_taker_id == user.pk:
        return True
    if voter and voter == pitch.host_key:
        return True
    return check_notes_token(pitch, token)


def note_taker_candidates(event: Event):
    """People on the event's team, who can take notes with their own account."""
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
    event = pitch.unconference.event
    if not may_publish_outcome(pitch, actor):
        policy.require(actor, Action.PUBLISH_OUTCOME, event)
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
