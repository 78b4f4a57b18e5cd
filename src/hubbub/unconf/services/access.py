"""Finding an unconference and its topics, who a delegate is, and how often they may act.

A delegate is known by their account when signed in, else by their browser's device (see
``unconf/device.py``). Each device's first mark or pitch spends one of its network address's
and its event's new identities for the hour: the address allowance is generous, because a
venue's Wi-Fi puts hundreds of honest delegates behind one address.
"""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q
from django.http import Http404
from django.utils.translation import gettext as _

from hubbub.core.ratelimit import Limit, hit, hit_limits
from hubbub.events.models import Event

from ..models import Pitch, Unconference, Vote

IDENTITY_WINDOW = 60 * 60


# -- who is who --------------------------------------------------------------------------------
def voter_key(user=None, device_id: str | None = None) -> str | None:
    """The identity marks are counted by: the account when signed in, else the device."""
    if user is not None and user.is_authenticated:
        return f"u:{user.pk}"
    if device_id:
        return f"d:{device_id}"
    return None


def check_rate_limit(action: str, *, who: str | None, address: str | None) -> None:
    """Count one ``action`` (pitch, vote, notes) for ``who`` and ``address``; raise
    RateLimited over the limits ``unconf_<action>.visitor`` and ``.address``."""
    hit(f"unconf_{action}", visitor=who, address=address)


def _is_new_identity(unconference: Unconference, voter: str) -> bool:
    if not voter.startswith("d:"):
        return False  # accounts are people the site already knows
    votes = Vote.objects.filter(pitch__unconference=unconference, voter=voter)
    hosted = Pitch.objects.filter(unconference=unconference, host_key=voter)
    return not (votes.exists() or hosted.exists())


def admit_identity(unconference: Unconference, *, voter: str, address: str | None) -> None:
    """Let a device mark or pitch for the first time here, or raise RateLimited when its
    address (``HUBBUB_UNCONF_NEW_DEVICES_PER_ADDRESS``) or the event
    (``HUBBUB_UNCONF_NEW_DEVICES_PER_EVENT``) has had its new identities for the hour."""
    if not _is_new_identity(unconference, voter):
        return
    window = int(time.time() // IDENTITY_WINDOW)
    device = hashlib.sha256(voter.encode()).hexdigest()[:24]
    admitted = f"unconf:admitted:{unconference.pk}:{device}:{window}"
    if cache.get(admitted):
        return  # counted already this hour (its first try was refused for another reason)
    per_address = Limit(settings.HUBBUB_UNCONF_NEW_DEVICES_PER_ADDRESS, IDENTITY_WINDOW)
    per_event = Limit(settings.HUBBUB_UNCONF_NEW_DEVICES_PER_EVENT, IDENTITY_WINDOW)
    hit_limits(
        [
            (f"unconf_identity.address:{unconference.pk}", address, per_address),
            ("unconf_identity.event", str(unconference.pk), per_event),
        ]
    )
    cache.set(admitted, True, IDENTITY_WINDOW + 1)


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
