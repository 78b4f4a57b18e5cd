"""Marks of interest: each delegate ticks the topics they want to join (approval voting)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hubbub.events.lifecycle import archive_message

from ..models import Unconference, Vote
from .access import active_pitches


def event_is_over(unconference: Unconference) -> None:
    """No pitches or marks once the event has ended, and none at all in an archive."""
    event = unconference.event
    if event.is_archive:
        raise ValidationError(archive_message(), code="closed")
    if event.has_ended:
        raise ValidationError(
            _("The event has ended, so the unconference is closed."), code="closed"
        )


def check_voting_open(unconference: Unconference) -> None:
    event_is_over(unconference)
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
    if unconference.marking_needs_account and not (voter or "").startswith("u:"):
        raise ValidationError(_("Sign in to mark topics."), code="sign_in")
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
