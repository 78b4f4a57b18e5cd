"""Who may manage an event's slides and photos, and the checks every media upload shares."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from hubbub.core.permissions import Action, policy
from hubbub.events.lifecycle import check_not_archived
from hubbub.events.models import Event, Session, Speaker


def can_manage_media(user, event: Event) -> bool:
    return policy.can(user, Action.MANAGE_MEDIA, event)


def require_manage_media(user, event: Event) -> None:
    """Every write to slides and photos passes here: the team only, and never on an archive."""
    if not can_manage_media(user, event):
        raise PermissionDenied(_("Only the event's reporting team can add slides and photos."))
    check_not_archived(event)


def can_change_media(user, event: Event) -> bool:
    """Whether pages offer the upload and edit controls."""
    return can_manage_media(user, event) and not event.is_archive


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def check_title(title, field: str = "title") -> str:
    title = (title or "").strip() if isinstance(title, str | None) else ""
    if not title:
        raise ValidationError({field: _("Give it a title.")})
    if len(title) > 200:
        raise ValidationError({field: _("Keep the title under 200 characters.")})
    return title


def check_session(event: Event, session_id) -> Session | None:
    if session_id in (None, ""):
        return None
    try:
        return Session.objects.get(event=event, pk=int(session_id))
    except (TypeError, ValueError, Session.DoesNotExist):
        raise ValidationError({"session_id": _("Choose a session of this event.")}) from None


def check_speaker(event: Event, speaker_id) -> Speaker | None:
    if speaker_id in (None, ""):
        return None
    try:
        return Speaker.objects.get(event=event, pk=int(speaker_id))
    except (TypeError, ValueError, Speaker.DoesNotExist):
        raise ValidationError({"speaker_id": _("Choose a speaker of this event.")}) from None


def markdown_text(text: str, limit: int = 300) -> str:
    """Plain text made safe to place inside a live entry's markdown (image alt, link text)."""
    text = " ".join(str(text).split())[:limit]
    for char in "\\[]()*_`<>!#":
        text = text.replace(char, "\\" + char)
    return text
