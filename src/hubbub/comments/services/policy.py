"""The organiser's comment policy for an event: open, closed, closing N days after the event,
or every comment waiting for a moderator. ``targets.comment_policy`` reads it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hubbub.core.audit import log_action
from hubbub.core.permissions import Action, policy
from hubbub.events.lifecycle import check_not_archived

from ..models import EventCommentSettings
from ..targets import comment_policy

MAX_CLOSE_AFTER_DAYS = 3650


def check_comment_policy(chosen, close_after_days) -> tuple[str, int]:
    errors = {}
    if chosen not in EventCommentSettings.Policy.values:
        errors["policy"] = _("Choose one of: %(choices)s.") % {
            "choices": ", ".join(EventCommentSettings.Policy.values)
        }
    try:
        days = int(close_after_days)
    except (TypeError, ValueError):
        days = -1
    if not 0 <= days <= MAX_CLOSE_AFTER_DAYS:
        errors["close_after_days"] = _("Give a number of days from 0 to %(most)s.") % {
            "most": MAX_CLOSE_AFTER_DAYS
        }
    if errors:
        raise ValidationError(errors)
    return chosen, days


@transaction.atomic
def do_set_comment_policy(event, *, actor, policy_name: str, close_after_days) -> None:
    """Set the event's comment policy (organisers only); audited."""
    policy.require(actor, Action.MANAGE_EVENT, event)
    check_not_archived(event)
    chosen, days = check_comment_policy(policy_name, close_after_days)
    EventCommentSettings.objects.update_or_create(
        event=event, defaults={"policy": chosen, "close_after_days": days}
    )
    log_action(
        "hubbub.comments.policy_changed",
        actor=actor,
        event=event,
        target=event,
        data={"policy": chosen, "close_after_days": days},
    )


def current_comment_policy(event):
    return comment_policy(event)
