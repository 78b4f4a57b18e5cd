"""What can be commented on and liked. Apps register their models here, so this app never
reaches into theirs; a slideshow or gallery only needs to register a ``describe`` function."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.http import Http404
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _


@dataclass
class Target:
    kind: str
    obj: object
    event: object  # None for site-wide things
    title: str
    url: str
    author: object | None  # who hears about new comments
    visible: bool
    comments_open: bool

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.obj.pk}"


_registry: dict[str, tuple[type, object]] = {}


def register(kind: str, model, describe) -> None:
    _registry[kind] = (model, describe)


def kind_of(model) -> str | None:
    for kind, (registered, _describe) in _registry.items():
        if registered is model or isinstance(model, registered):
            return kind
    return None


def model_of(kind: str):
    """The model registered for ``kind``, or None."""
    found = _registry.get(kind)
    return found[0] if found else None


def describe(obj) -> Target:
    kind = kind_of(obj)
    return _registry[kind][1](obj)


def load(kind: str, object_id, event=None) -> Target:
    """The target ``kind``/``object_id`` on ``event`` (None: site-wide); 404 when not visible."""
    if kind not in _registry:
        raise Http404(_("Nothing to comment on here."))
    model, describe_fn = _registry[kind]
    try:
        obj = model.objects.select_related("event").get(pk=int(object_id))
    except (model.DoesNotExist, TypeError, ValueError):
        raise Http404(_("Nothing to comment on here.")) from None
    target = describe_fn(obj)
    same_event = (target.event.pk if target.event else None) == (event.pk if event else None)
    if not same_event or not target.visible:
        raise Http404(_("Nothing to comment on here."))
    return target


@dataclass(frozen=True)
class CommentPolicy:
    policy: str  # one of EventCommentSettings.Policy
    close_after_days: int


def comment_policy(event) -> CommentPolicy:
    """The event's comment policy: the organiser's setting, or the site's default (close
    ``HUBBUB_COMMENTS_CLOSE_AFTER_DAYS`` after the event)."""
    # Imported here: targets is imported by every app's ready() before models can load.
    from .models import EventCommentSettings

    row = EventCommentSettings.objects.filter(event=event).first()
    if row is None:
        return CommentPolicy(
            EventCommentSettings.Policy.CLOSE_AFTER, settings.HUBBUB_COMMENTS_CLOSE_AFTER_DAYS
        )
    return CommentPolicy(row.policy, row.close_after_days)


def close_after_days(event) -> int:
    return comment_policy(event).close_after_days


def event_comments_open(event, now=None) -> bool:
    """Whether an event's things take comments now: never on an archive; otherwise as the
    organiser's policy says (open, closed, or until N days after the last day)."""
    if event is None:
        return True
    if event.is_archive:
        return False
    found = comment_policy(event)
    if found.policy == "closed":
        return False
    if found.policy != "close_after":
        return True
    now = now or timezone.now()
    closes = event.day_start(event.ends_on) + timedelta(days=1 + found.close_after_days)
    return now < closes


def every_comment_needs_approval(event) -> bool:
    return event is not None and comment_policy(event).policy == "approval"


def comment_target(comment) -> Target:
    """A comment as something to like; comments on comments go through ``parent`` instead."""
    event = comment.event
    return Target(
        kind="comment",
        obj=comment,
        event=event,
        title=str(comment),
        url=f"{comment.target.get_absolute_url() if comment.target else ''}#{comment.anchor}",
        author=comment.user,
        visible=comment.status == comment.Status.APPROVED and (event is None or event.is_public),
        comments_open=False,
    )


def entry_target(entry) -> Target:
    event = entry.event
    return Target(
        kind="entry",
        obj=entry,
        event=event,
        title=_("Update at %(time)s")
        % {"time": dateformat.format(timezone.localtime(entry.created_at, event.tz), "H:i, j F Y")},
        url=entry.get_absolute_url(),
        author=entry.author,
        visible=event.is_public and getattr(entry, "is_published", True),
        comments_open=event_comments_open(event),
    )
