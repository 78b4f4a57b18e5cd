"""Sources of the social wall (what is followed, how often) and the wall's settings."""

import logging
import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from hubbub.core.audit import log_action
from hubbub.core.permissions import Action, policy
from hubbub.events.models import Event

from ..models import DEFAULT_INTERVAL, Source, WallSettings
from .common import MAX_INTERVAL, MAX_SOURCES_PER_EVENT, MIN_INTERVAL

logger = logging.getLogger(__name__)


def _check_web_address(value, field_name: str) -> str:
    value = str(value or "").strip()
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname or len(value) > 500:
        raise ValidationError({field_name: _("Enter a web address starting with https://.")})
    if parts.username or parts.password:
        raise ValidationError({field_name: _("Leave the user name and password out.")})
    return value


def check_source(*, kind, url=None, query=None, interval=None) -> dict:
    """The cleaned fields of a new source, or ValidationError naming the field."""
    if kind not in Source.Kind.values:
        raise ValidationError(
            {"kind": _("Choose one of: %(kinds)s.") % {"kinds": ", ".join(Source.Kind.values)}}
        )
    address_field = "server" if kind in (Source.Kind.MASTODON, Source.Kind.BLUESKY) else "url"
    url = _check_web_address(url, address_field)
    query = " ".join(str(query or "").split())
    if kind == Source.Kind.MASTODON:
        query = query.lstrip("#")
        if not re.fullmatch(r"\w{1,100}", query):
            raise ValidationError(
                {"hashtag": _("Enter one hashtag of letters, digits and underscores.")}
            )
        query = f"#{query}"
    elif kind == Source.Kind.BLUESKY:
        if not query or len(query) > 200:
            raise ValidationError({"query": _("Enter what to search for (up to 200 characters).")})
    else:
        query = ""
    if interval in (None, ""):
        interval = DEFAULT_INTERVAL
    try:
        interval = int(interval)
    except (TypeError, ValueError):
        interval = -1
    if not MIN_INTERVAL <= interval <= MAX_INTERVAL:
        raise ValidationError(
            {
                "interval": _("Poll between every %(low)s seconds and once a day.")
                % {"low": MIN_INTERVAL}
            }
        )
    return {"kind": kind, "url": url, "query": query, "interval": interval}


def do_create_source(*, event: Event, actor, **fields) -> Source:
    policy.require(actor, Action.MANAGE_SOCIAL, event)
    cleaned = check_source(**fields)
    if Source.objects.filter(event=event).count() >= MAX_SOURCES_PER_EVENT:
        raise ValidationError(
            {"kind": _("An event may have at most %(n)s sources.") % {"n": MAX_SOURCES_PER_EVENT}}
        )
    with transaction.atomic():
        source = Source.objects.create(event=event, **cleaned)
        log_action(
            "hubbub.social.source_added",
            actor=actor,
            event=event,
            target=source,
            data={"name": source.label},
        )
    return source


def do_set_source_active(source: Source, *, actor, active: bool) -> Source:
    policy.require(actor, Action.MANAGE_SOCIAL, source.event)
    source.state = Source.State.ACTIVE if active else Source.State.STOPPED
    source.failures = 0
    source.next_poll_at = None
    if active:
        source.last_error = ""
    with transaction.atomic():
        source.save(update_fields=["state", "failures", "next_poll_at", "last_error"])
        log_action(
            "hubbub.social.source_restarted" if active else "hubbub.social.source_stopped",
            actor=actor,
            event=source.event,
            target=source,
            data={"name": source.label},
        )
    return source


def do_delete_source(source: Source, *, actor) -> None:
    policy.require(actor, Action.MANAGE_SOCIAL, source.event)
    with transaction.atomic():
        log_action(
            "hubbub.social.source_removed",
            actor=actor,
            event=source.event,
            data={"name": source.label},
        )
        source.delete()


def sources_for(event: Event):
    return Source.objects.filter(event=event)


def get_source(event: Event, source_id) -> Source:
    source = None
    if 0 < int(source_id) < 2**63:
        source = Source.objects.filter(event=event, pk=source_id).select_related("event").first()
    if source is None:
        raise Http404(_("No such source on this event."))
    return source


def wall_settings(event: Event) -> WallSettings:
    found, _created = WallSettings.objects.get_or_create(event=event)
    return found


def do_update_wall_settings(event: Event, *, actor, trusted_handles: str, blocked_words: str):
    policy.require(actor, Action.MANAGE_SOCIAL, event)
    found = wall_settings(event)
    found.trusted_handles = "\n".join(WallSettings.lines(trusted_handles))[:5000]
    found.blocked_words = "\n".join(WallSettings.lines(blocked_words))[:5000]
    with transaction.atomic():
        found.save()
        log_action("hubbub.social.settings_changed", actor=actor, event=event, target=found)
    return found
