"""Asking writers, a week and a month after the event, whether they did what they pledged.

Each round is due at 09:00 in the event's own time zone, N days after its last day (N per
event in ``ReflectionSettings``, 7 and 30 by default), so a clock change in between moves
nothing. A round is sent once per reflection: the ``FollowUp`` row is written and the email
sent in one transaction, and the row is unique, so a second run (or a second worker) skips it.

The answer links are signed (``django.core.signing``) with the pledge, the round and the
answer inside, so a changed link fails the signature and changes nothing. Answering again
replaces the earlier answer for that round: the latest valid one stands.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hubbub.events.models import Event

from .models import (
    MAX_NOTE,
    ActionAnswer,
    FollowUp,
    MorningAfterRequest,
    Reflection,
    ReflectionItem,
    ReflectionSettings,
)
from .services import delete_unconfirmed

logger = logging.getLogger(__name__)
ANSWER_SALT = "hubbub.reflections.answer"
STOP_SALT = "hubbub.reflections.stop"
SEND_AT = time(9, 0)
MORNING_AT = time(8, 0)
# Answer links keep working this long after they were sent (a year covers the 30-day round
# and any organiser's longer setting).
ANSWER_MAX_AGE = 400 * 24 * 3600


def followup_days(event) -> list[int]:
    """The days after the event of round 1 and round 2."""
    found = ReflectionSettings.objects.filter(event=event).first()
    if found is None:
        return [7, 30]
    return [found.first_followup_days, found.second_followup_days]


def due_at(event, days: int) -> datetime:
    """09:00 in the event's zone, ``days`` after its last day."""
    day = event.ends_on + timedelta(days=days)
    return datetime.combine(day, SEND_AT, tzinfo=event.tz)


# -- links ---------------------------------------------------------------------------------------
def answer_token(item: ReflectionItem, round_: int, progress: str) -> str:
    return signing.dumps({"i": item.pk, "r": round_, "p": progress}, salt=ANSWER_SALT)


def stop_token(reflection: Reflection) -> str:
    return signing.dumps({"r": reflection.pk}, salt=STOP_SALT)


def read_answer_token(token: str) -> dict:
    try:
        data = signing.loads(token, salt=ANSWER_SALT, max_age=ANSWER_MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError(_("This link has expired.")) from None
    except signing.BadSignature:
        raise ValidationError(_("This link is not valid: nothing was changed.")) from None
    if data.get("p") not in ActionAnswer.Progress.values or data.get("r") not in (1, 2):
        raise ValidationError(_("This link is not valid: nothing was changed."))
    return data


def answer_link(base_url, item, round_, progress) -> str:
    return base_url + reverse(
        "reflections:answer",
        kwargs={"event": item.reflection.event.slug,
                "token": answer_token(item, round_, progress)},
    )  # fmt: skip


def stop_link(base_url, reflection) -> str:
    return base_url + reverse(
        "reflections:stop",
        kwargs={"event": reflection.event.slug, "token": stop_token(reflection)},
    )


def item_for_token(token: str) -> tuple[ReflectionItem, dict]:
    data = read_answer_token(token)
    item = (
        ReflectionItem.objects.select_related("reflection__event", "session")
        .filter(pk=data["i"])
        .first()
    )
    if item is None:
        raise ValidationError(_("This pledge no longer exists."))
    return item, data


def do_answer(token: str, note: str = "", now=None) -> ActionAnswer:
    """Record the answer the signed link carries; a later answer for the round replaces it."""
    item, data = item_for_token(token)
    note = (note or "").strip()
    if "\x00" in note:
        raise ValidationError({"note": _("The note contains a character that is not allowed.")})
    if len(note) > MAX_NOTE:
        raise ValidationError({"note": _("Keep the note to %(n)s characters.") % {"n": MAX_NOTE}})
    answer, _created = ActionAnswer.objects.update_or_create(
        item=item,
        round=data["r"],
        defaults={"progress": data["p"], "note": note, "answered_at": now or timezone.now()},
    )
    return answer


def reflection_for_stop(token: str) -> Reflection:
    try:
        data = signing.loads(token, salt=STOP_SALT)
    except signing.BadSignature:
        raise ValidationError(_("This link is not valid: nothing was changed.")) from None
    found = Reflection.objects.select_related("event", "author").filter(pk=data.get("r")).first()
    if found is None:
        raise ValidationError(_("This reflection no longer exists."))
    return found


def do_stop(token: str) -> int:
    """Stop every follow-up to this writer about this event; returns reflections affected."""
    reflection = reflection_for_stop(token)
    same_writer = Reflection.objects.filter(event=reflection.event)
    if reflection.author_id:
        same_writer = same_writer.filter(author_id=reflection.author_id)
    else:
        same_writer = same_writer.filter(author=None, guest_email__iexact=reflection.guest_email)
    return same_writer.update(followups_stopped=True)


# -- sending -------------------------------------------------------------------------------------
@dataclass
class Due:
    reflection: Reflection
    round: int
    days: int


def due_followups(now: datetime) -> list[Due]:
    """Published reflections with a pledge whose round is due at ``now`` and not yet sent."""
    found = []
    events = Event.objects.filter(
        reflections__status=Reflection.Status.PUBLISHED,
        reflections__items__action_answer=ReflectionItem.Answer.YES,
    ).distinct()
    for event in events:
        days = followup_days(event)
        rounds = [(i + 1, d) for i, d in enumerate(days) if due_at(event, d) <= now]
        if not rounds:
            continue
        reflections = (
            Reflection.objects.filter(
                event=event, status=Reflection.Status.PUBLISHED, followups_stopped=False,
                items__action_answer=ReflectionItem.Answer.YES,
            )
            .distinct()
            .select_related("author", "event")
            .prefetch_related(
                Prefetch("items", queryset=ReflectionItem.objects.select_related("session"))
            )
        )  # fmt: skip
        for reflection in reflections:
            sent = set(reflection.followups.values_list("round", flat=True))
            # Only the latest due round: a writer who joins late is not asked twice at once.
            latest = rounds[-1]
            if latest[0] not in sent and reflection.writer_email:
                found.append(Due(reflection, latest[0], latest[1]))
    return found


def _send_followup(due: Due, now: datetime, base_url: str) -> bool:
    reflection = due.reflection
    pledges = [item for item in reflection.items.all() if item.is_pledge]
    if not pledges:
        return False
    with transaction.atomic():
        try:
            with transaction.atomic():
                FollowUp.objects.create(reflection=reflection, round=due.round, sent_at=now)
        except IntegrityError:
            return False  # another run got there first
        context = {
            "reflection": reflection,
            "event": reflection.event,
            "days": due.days,
            "round": due.round,
            "pledges": [
                {
                    "item": item,
                    "links": [
                        (label, answer_link(base_url, item, due.round, value))
                        for value, label in ActionAnswer.Progress.choices
                    ],
                }
                for item in pledges
            ],
            "stop": stop_link(base_url, reflection),
        }
        message = EmailMultiAlternatives(
            subject=_("Did you do it? Your actions from %(event)s") % {
                "event": reflection.event.title},
            body=render_to_string("reflections/email_followup.txt", context),
            to=[reflection.writer_email],
            headers={"List-Unsubscribe": f"<{context['stop']}>"},
        )  # fmt: skip
        # Inside the transaction: if the mail server refuses, the row goes too and the next
        # run tries again.
        message.send()
    return True


def send_due_followups(now: datetime | None = None, base_url: str = "") -> int:
    """Send every follow-up due at ``now``; returns how many were sent."""
    now = now or timezone.now()
    base_url = base_url or settings.HUBBUB_SITE_URL
    return sum(_send_followup(due, now, base_url) for due in due_followups(now))


def send_morning_after(now: datetime | None = None, base_url: str = "") -> int:
    """Remind the attendees who asked, at 08:00 the morning after the event's last day."""
    now = now or timezone.now()
    base_url = base_url or settings.HUBBUB_SITE_URL
    sent = 0
    waiting = MorningAfterRequest.objects.filter(sent_at=None).select_related("event")
    for request in waiting:
        event = request.event
        morning = datetime.combine(event.ends_on + timedelta(days=1), MORNING_AT, tzinfo=event.tz)
        if now < morning:
            continue
        with transaction.atomic():
            claimed = MorningAfterRequest.objects.filter(pk=request.pk, sent_at=None).update(
                sent_at=now
            )
            if not claimed:
                continue
            link = base_url + reverse("reflections:new", kwargs={"event": event.slug})
            EmailMultiAlternatives(
                subject=_("What stood out for you at %(event)s?") % {"event": event.title},
                body=render_to_string(
                    "reflections/email_morning_after.txt", {"event": event, "link": link}
                ),
                to=[request.email],
            ).send()
        sent += 1
    return sent


def run_periodic() -> None:
    """The worker's check: follow-ups and reminders due now, and expired guest drafts."""
    now = timezone.now()
    for job in (delete_unconfirmed, send_due_followups, send_morning_after):
        try:
            job(now)
        except Exception:  # one failure (a mail server down) must not stop the worker
            logger.exception("reflections: %s failed", job.__name__)
