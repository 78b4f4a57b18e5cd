"""Posting, trusting, moderating and editing comments.

Moderation follows WordPress's defaults, with proof instead of a typed-in email: a guest's
comment is held unless the same browser (its signed visitor cookie) already has an approved
comment; a signed-in person's is held unless their account has one. Moderators' and the
target author's own comments go straight up. A name that poses as the event's team, many
links or a disallowed word hold the comment (or mark it spam) whatever the trust.
"""

import re
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from hubbub.core.audit import log_action
from hubbub.core.permissions import Action, policy
from hubbub.core.validators import refuse_nul
from hubbub.events.lifecycle import archive_message, check_not_archived
from hubbub.live import publish
from hubbub.team.services import team_members

from ..models import MAX_COMMENT_LENGTH, MAX_DEPTH, Comment
from ..targets import Target, describe, every_comment_needs_approval
from .rendering import render_comment_html
from .spam import MAX_LINKS, check_comment_rate, count_links, disallowed_words

COMMENT_APPROVED = "comment.approved"
EDIT_WINDOW = timedelta(minutes=10)
# Enqueued by name: the task module imports the services, never the other way round.
NOTIFY_TASK = "hubbub.comments.tasks.notify_comment"
# Words that claim a role on the site; a guest's name containing one is held for a person.
ROLE_WORDS = {"organiser", "organizer", "moderator", "editor", "admin", "administrator",
              "official", "staff", "hubbub"}  # fmt: skip


# -- validation ----------------------------------------------------------------------------------
def check_comment(*, target: Target, user, name, email, url, body, parent_id=None) -> dict:
    """Validate a new comment; returns cleaned fields or raises ValidationError by field."""
    if target.event is not None and target.event.is_archive:
        raise ValidationError({None: archive_message()})
    if not target.comments_open:
        raise ValidationError({None: _("Comments are closed here.")})
    refuse_nul(name=name, email=email, url=url, body=body)
    errors: dict[str, str] = {}
    body = (body or "").strip()
    if not body:
        errors["body"] = _("Write a comment: it is empty.")
    elif len(body) > MAX_COMMENT_LENGTH:
        errors["body"] = _("Your comment is %(length)s characters; the limit is %(limit)s.") % {
            "length": f"{len(body):,}",
            "limit": f"{MAX_COMMENT_LENGTH:,}",
        }
    if user is not None and user.is_authenticated:
        name = user.get_full_name() or user.get_username()
        email = user.email or f"user-{user.pk}@users.invalid"
    else:
        name = (name or "").strip()
        email = (email or "").strip()
        if not name:
            errors["name"] = _("Give your name.")
        elif len(name) > 100:
            errors["name"] = _("Keep your name to 100 characters.")
        if not email:
            errors["email"] = _("Give your email address. It is not shown.")
        else:
            try:
                validate_email(email)
            except ValidationError:
                errors["email"] = _("Give an email address like name@example.org.")
    url = (url or "").strip()
    if url:
        if "://" not in url:
            url = "https://" + url
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            errors["url"] = _("Give a web address like https://example.org, or leave it empty.")
    parent = None
    if parent_id not in (None, ""):
        parent = (
            Comment.objects.filter(
                pk=_int(parent_id),
                content_type=ContentType.objects.get_for_model(target.obj),
                object_id=target.obj.pk,
                status=Comment.Status.APPROVED,
            ).first()
            if _int(parent_id)
            else None
        )
        if parent is None:
            errors["parent"] = _("You can only reply to a published comment on this page.")
        elif parent.depth >= MAX_DEPTH - 1:
            errors["parent"] = _("Replies go %(depth)s deep at most.") % {"depth": MAX_DEPTH}
    if errors:
        raise ValidationError(errors)
    return {"name": name, "email": email.lower(), "url": url, "body": body, "parent": parent}


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# -- trust ---------------------------------------------------------------------------------------
def _words(text: str) -> list[str]:
    return re.findall(r"\w+", (text or "").casefold())


def _contains(words: list[str], part: list[str]) -> bool:
    n = len(part)
    return any(words[i : i + n] == part for i in range(len(words) - n + 1))


def poses_as_team(name: str, event, user=None) -> bool:
    """True when ``name`` claims a role, or contains a team member's display name (case and
    spacing ignored) and is not that member."""
    words = _words(name)
    if not words:
        return False
    if ROLE_WORDS & set(words):
        return True
    if event is not None:
        members = team_members(event)
    else:
        members = get_user_model().objects.filter(is_staff=True, is_active=True)
    for member in members:
        if user is not None and member.pk == user.pk:
            continue
        for shown in {member.get_full_name(), member.get_username()}:
            part = _words(shown)
            if part and len("".join(part)) >= 3 and _contains(words, part):
                return True
    return False


def moderation_decision(*, target: Target, user, email="", body, name="", visitor="") -> tuple:
    """(status, reason) for a new, valid comment. ``visitor`` is the id from the signed
    visitor cookie the browser sent back: the only proof a guest is who they were before."""
    text = body.lower()
    for word in disallowed_words():
        if word and word in text:
            return Comment.Status.SPAM, "disallowed word"
    signed_in = user is not None and user.is_authenticated
    if signed_in:
        if policy.can(user, Action.MODERATE_COMMENTS, target.event) or (
            target.event is None and user.is_staff
        ):
            return Comment.Status.APPROVED, ""
        if target.author is not None and target.author.pk == user.pk:
            return Comment.Status.APPROVED, ""
    if every_comment_needs_approval(target.event):
        return Comment.Status.PENDING, "approval required"
    if count_links(body) > MAX_LINKS:
        return Comment.Status.PENDING, "many links"
    if poses_as_team(name, target.event, user if signed_in else None):
        return Comment.Status.PENDING, "name of the team"
    approved = Comment.objects.filter(status=Comment.Status.APPROVED)
    if signed_in:
        trusted = approved.filter(user=user).exists()
    else:
        trusted = bool(visitor) and approved.filter(user=None, device_key=visitor[:64]).exists()
    if trusted:
        return Comment.Status.APPROVED, ""
    return Comment.Status.PENDING, "first comment"


# -- writes --------------------------------------------------------------------------------------
def do_post_comment(
    *,
    target: Target,
    user=None,
    name="",
    email="",
    url="",
    body="",
    parent_id=None,
    notify_replies=False,
    ip_address=None,
    device_key="",
    base_url="",
) -> Comment:
    """``device_key`` is the guest's visitor id as the browser sent it back (proof for
    trust and for editing); a guest without one is counted and trusted by nothing else."""
    cleaned = check_comment(
        target=target, user=user, name=name, email=email, url=url, body=body, parent_id=parent_id
    )
    signed_in = user is not None and user.is_authenticated
    check_comment_rate(
        visitor=f"u:{user.pk}" if signed_in else device_key,
        email=cleaned["email"],
        address=ip_address or "",
    )
    status, reason = moderation_decision(
        target=target,
        user=user,
        email=cleaned["email"],
        body=cleaned["body"],
        name=cleaned["name"],
        visitor="" if signed_in else device_key,
    )
    parent = cleaned["parent"]
    with transaction.atomic():
        comment = Comment.objects.create(
            event=target.event,
            content_type=ContentType.objects.get_for_model(target.obj),
            object_id=target.obj.pk,
            parent=parent,
            depth=parent.depth + 1 if parent else 0,
            user=user if signed_in else None,
            author_name=cleaned["name"],
            author_email=cleaned["email"],
            author_url=cleaned["url"],
            body=cleaned["body"],
            status=status,
            held_reason=reason,
            notify_replies=bool(notify_replies),
            device_key=(device_key or "")[:64],
            ip_address=ip_address,
        )
        if status == Comment.Status.APPROVED:
            _on_approved(comment, target, base_url)
    return comment


def can_moderate(user, event) -> bool:
    if event is None:
        return bool(
            user is not None and user.is_authenticated and (user.is_staff or user.is_superuser)
        )
    return policy.can(user, Action.MODERATE_COMMENTS, event)


MODERATION_ACTIONS = {
    "approve": Comment.Status.APPROVED,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.TRASH,
    "unapprove": Comment.Status.PENDING,
}


def do_moderate(comments, *, actor, action: str, event, base_url="") -> int:
    """Apply ``action`` to comments of ``event``; returns how many changed."""
    if action not in MODERATION_ACTIONS:
        raise ValidationError({"action": _("Choose approve, spam or bin.")})
    if not can_moderate(actor, event):
        raise PermissionDenied(_("Only the event's moderators can moderate comments."))
    check_not_archived(event)
    status = MODERATION_ACTIONS[action]
    changed = 0
    with transaction.atomic():
        for comment in comments:
            if comment.event_id != (event.pk if event else None) or comment.status == status:
                continue
            comment.status = status
            comment.save(update_fields=["status"])
            log_action(f"hubbub.comment.{action}", actor=actor, event=event, target=comment)
            if status == Comment.Status.APPROVED and comment.target is not None:
                _on_approved(comment, describe(comment.target), base_url)
            changed += 1
    return changed


def _on_approved(comment: Comment, target: Target, base_url: str) -> None:
    if target.event is not None:
        publish(
            target.event,
            COMMENT_APPROVED,
            {
                "id": comment.pk,
                "target": target.key,
                "kind": target.kind,
                "object_id": target.obj.pk,
                "parent_id": comment.parent_id,
                "html": render_comment_html(comment, target),
            },
        )
    comment_id = comment.pk
    transaction.on_commit(lambda: import_string(NOTIFY_TASK).enqueue(comment_id, base_url))


def can_edit(comment: Comment, user, device_key: str, now=None) -> bool:
    if (now or timezone.now()) - comment.created_at > EDIT_WINDOW:
        return False
    if comment.status in (Comment.Status.SPAM, Comment.Status.TRASH):
        return False
    if user is not None and user.is_authenticated and comment.user_id:
        return comment.user_id == user.pk
    return bool(device_key) and comment.user_id is None and comment.device_key == device_key


def do_edit_comment(comment: Comment, *, user, device_key, body) -> Comment:
    if not can_edit(comment, user, device_key):
        raise PermissionDenied(_("You can only edit your own comment, for 10 minutes."))
    check_not_archived(comment.event)
    refuse_nul(body=body)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write a comment: it is empty.")})
    if len(body) > MAX_COMMENT_LENGTH:
        raise ValidationError({"body": _("Your comment is over %(limit)s characters.") % {
            "limit": f"{MAX_COMMENT_LENGTH:,}"}})  # fmt: skip
    with transaction.atomic():
        comment.body = body
        comment.edited_at = timezone.now()
        comment.save(update_fields=["body", "edited_at"])
    return comment
