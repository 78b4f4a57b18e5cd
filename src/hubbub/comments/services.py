"""Comments and likes: validation, spam defence, moderation, likes, notifications.

Moderation follows WordPress's defaults: a comment is held unless its author already has an
approved comment (by account or email); moderators' and the target author's own comments go
straight up. Many links hold a comment; a disallowed word marks it as spam.
"""

import hashlib
import re
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from hubbub.core.audit import log_action
from hubbub.core.permissions import Action, policy
from hubbub.live import publish

from .models import MAX_COMMENT_LENGTH, MAX_DEPTH, Comment, DisallowedWord, EmailOptOut, Like
from .targets import Target, describe

COMMENT_APPROVED = "comment.approved"
LIKE_UPDATED = "like.updated"
EDIT_WINDOW = timedelta(minutes=10)
MIN_FILL_SECONDS = 3
MAX_LINKS = 2
# (requests, seconds) per address and per email.
COMMENT_RATE = (5, 60)
LIKE_RATE = (30, 60)
_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)
_TIMESTAMP_SALT = "hubbub.comments.form-time"
_UNSUBSCRIBE_SALT = "hubbub.comments.unsubscribe"


class RateLimited(Exception):
    """Too many requests from one address or email in the window."""


# -- spam defence --------------------------------------------------------------------------------
def form_timestamp() -> str:
    return signing.dumps(timezone.now().timestamp(), salt=_TIMESTAMP_SALT)


def keep_or_new_timestamp(timestamp: str) -> str:
    try:
        signing.loads(timestamp or "", salt=_TIMESTAMP_SALT, max_age=24 * 3600)
    except signing.BadSignature:
        return form_timestamp()
    return timestamp


def check_not_a_robot(*, honeypot: str, timestamp: str, now=None) -> None:
    """The hidden field is empty and the form took a human amount of time to fill in."""
    if honeypot:
        raise ValidationError({None: _("Your comment could not be accepted.")})
    try:
        started = signing.loads(timestamp or "", salt=_TIMESTAMP_SALT, max_age=24 * 3600)
    except signing.BadSignature:
        raise ValidationError(
            {None: _("The form has expired. Please reload the page and try again.")}
        ) from None
    elapsed = (now or timezone.now()).timestamp() - float(started)
    if elapsed < MIN_FILL_SECONDS:
        raise ValidationError(
            {None: _("That was very quick. Please check your comment and send it again.")}
        )


def check_rate(scope: str, keys, limit: tuple[int, int]) -> None:
    """Count a request against each key; raise RateLimited when any is over ``limit``."""
    count, seconds = limit
    for key in keys:
        if not key:
            continue
        cache_key = f"rate:{scope}:{hashlib.sha256(str(key).lower().encode()).hexdigest()}"
        cache.add(cache_key, 0, seconds)
        try:
            hits = cache.incr(cache_key)
        except ValueError:
            cache.set(cache_key, 1, seconds)
            hits = 1
        if hits > count:
            raise RateLimited


def disallowed_words() -> list[str]:
    words = cache.get("comments:disallowed")
    if words is None:
        words = [w.lower() for w in DisallowedWord.objects.values_list("word", flat=True)]
        words += [w.lower() for w in settings.HUBBUB_DISALLOWED_WORDS]
        cache.set("comments:disallowed", words, 60)
    return words


def count_links(text: str) -> int:
    return len(_LINK.findall(text or ""))


# -- validation ----------------------------------------------------------------------------------
def check_comment(*, target: Target, user, name, email, url, body, parent_id=None) -> dict:
    """Validate a new comment; returns cleaned fields or raises ValidationError by field."""
    errors: dict[str, str] = {}
    if not target.comments_open:
        raise ValidationError({None: _("Comments are closed here.")})
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


def moderation_decision(*, target: Target, user, email, body) -> tuple[str, str]:
    """(status, reason) for a new, valid comment."""
    text = body.lower()
    for word in disallowed_words():
        if word and word in text:
            return Comment.Status.SPAM, "disallowed word"
    if user is not None and user.is_authenticated:
        if policy.can(user, Action.MODERATE_COMMENTS, target.event) or (
            target.event is None and user.is_staff
        ):
            return Comment.Status.APPROVED, ""
        if target.author is not None and target.author.pk == user.pk:
            return Comment.Status.APPROVED, ""
    if count_links(body) > MAX_LINKS:
        return Comment.Status.PENDING, "many links"
    earlier = Comment.objects.filter(status=Comment.Status.APPROVED)
    if user is not None and user.is_authenticated:
        earlier = earlier.filter(Q(user=user) | Q(author_email__iexact=email))
    else:
        earlier = earlier.filter(author_email__iexact=email)
    if earlier.exists():
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
    cleaned = check_comment(
        target=target, user=user, name=name, email=email, url=url, body=body, parent_id=parent_id
    )
    check_rate("comment", [ip_address, cleaned["email"]], COMMENT_RATE)
    status, reason = moderation_decision(
        target=target, user=user, email=cleaned["email"], body=cleaned["body"]
    )
    parent = cleaned["parent"]
    with transaction.atomic():
        comment = Comment.objects.create(
            event=target.event,
            content_type=ContentType.objects.get_for_model(target.obj),
            object_id=target.obj.pk,
            parent=parent,
            depth=parent.depth + 1 if parent else 0,
            user=user if user is not None and user.is_authenticated else None,
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
    from .tasks import notify_comment

    comment_id = comment.pk
    transaction.on_commit(lambda: notify_comment.enqueue(comment_id, base_url))


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


# -- likes ---------------------------------------------------------------------------------------
def do_like(target: Target, *, user=None, reader_key="", liked=True, ip_address=None) -> int:
    """Like (or unlike) once per person; returns the new count. Repeating changes nothing."""
    signed_in = user is not None and user.is_authenticated
    if not signed_in and not reader_key:
        raise ValidationError({None: _("Your browser needs cookies switched on to like this.")})
    check_rate("like", [ip_address, reader_key or (user.pk if signed_in else None)], LIKE_RATE)
    ct = ContentType.objects.get_for_model(target.obj)
    who = {"user": user} if signed_in else {"user": None, "reader_key": reader_key[:64]}
    with transaction.atomic():
        existing = Like.objects.filter(content_type=ct, object_id=target.obj.pk, **who)
        changed = False
        if liked and not existing.exists():
            try:
                with transaction.atomic():
                    Like.objects.create(
                        event=target.event, content_type=ct, object_id=target.obj.pk, **who
                    )
                changed = True
            except IntegrityError:  # a double click racing itself
                pass
        elif not liked:
            changed = existing.delete()[0] > 0
        count = Like.objects.filter(content_type=ct, object_id=target.obj.pk).count()
        if changed and target.event is not None:
            publish(target.event, LIKE_UPDATED, {"target": target.key, "count": count})
    return count


def like_counts(objs) -> dict[str, int]:
    """{"kind-id": count} for the given objects in one query per model."""
    by_model: dict = {}
    for obj in objs:
        by_model.setdefault(type(obj), []).append(obj.pk)
    counts: dict[str, int] = {}
    for model, ids in by_model.items():
        from .targets import kind_of

        kind = kind_of(model) or "comment"
        ct = ContentType.objects.get_for_model(model)
        rows = (
            Like.objects.filter(content_type=ct, object_id__in=ids)
            .values("object_id")
            .annotate(n=Count("id"))
        )
        counts.update({f"{kind}-{r['object_id']}": r["n"] for r in rows})
    return counts


def liked_by(objs, user, reader_key) -> set[str]:
    signed_in = user is not None and user.is_authenticated
    if not objs or (not signed_in and not reader_key):
        return set()
    from .targets import kind_of

    keys = set()
    by_model: dict = {}
    for obj in objs:
        by_model.setdefault(type(obj), []).append(obj.pk)
    for model, ids in by_model.items():
        kind = kind_of(model) or "comment"
        mine = Like.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_id__in=ids
        )
        mine = (
            mine.filter(user=user) if signed_in else mine.filter(user=None, reader_key=reader_key)
        )
        keys.update(f"{kind}-{oid}" for oid in mine.values_list("object_id", flat=True))
    return keys


# -- reads ---------------------------------------------------------------------------------------
def approved_comments(target: Target) -> list[Comment]:
    return list(
        Comment.objects.filter(
            content_type=ContentType.objects.get_for_model(target.obj),
            object_id=target.obj.pk,
            status=Comment.Status.APPROVED,
        )
        .select_related("user")
        .order_by("created_at", "id")
    )


def comment_thread(target: Target) -> tuple[list[Comment], int]:
    """Top-level comments, each with ``children`` built in Python: one query for any number."""
    comments = approved_comments(target)
    counts = like_counts(comments)
    by_id = {c.pk: c for c in comments}
    roots = []
    for comment in comments:
        comment.children = []
        comment.key = f"comment-{comment.pk}"
        comment.like_count = counts.get(comment.key, 0)
        comment.target_kind, comment.target_id = target.kind, target.obj.pk
        comment.can_reply = target.comments_open and comment.depth < MAX_DEPTH - 1
    for comment in comments:
        parent = by_id.get(comment.parent_id)
        (parent.children if parent else roots).append(comment)
    return roots, len(comments)


def comment_counts(objs) -> dict[str, int]:
    from .targets import kind_of

    counts: dict[str, int] = {}
    by_model: dict = {}
    for obj in objs:
        by_model.setdefault(type(obj), []).append(obj.pk)
    for model, ids in by_model.items():
        rows = (
            Comment.objects.filter(
                content_type=ContentType.objects.get_for_model(model),
                object_id__in=ids,
                status=Comment.Status.APPROVED,
            )
            .values("object_id")
            .annotate(n=Count("id"))
        )
        counts.update({f"{kind_of(model)}-{r['object_id']}": r["n"] for r in rows})
    return counts


def moderation_queue(event, status=Comment.Status.PENDING):
    return (
        Comment.objects.filter(event=event, status=status)
        .select_related("content_type")
        .order_by("-created_at")
    )


def render_comment_html(comment: Comment, target: Target) -> str:
    comment.children = []
    comment.key = f"comment-{comment.pk}"
    comment.like_count = 0
    comment.target_kind, comment.target_id = target.kind, target.obj.pk
    comment.can_reply = False
    return render_to_string(
        "comments/_comment.html", {"comment": comment, "event": target.event, "live": True}
    )


# -- email opt-out -------------------------------------------------------------------------------
def unsubscribe_token(email: str, comment_or_target) -> str:
    ct = ContentType.objects.get_for_model(comment_or_target)
    return signing.dumps(
        {"e": email.lower(), "c": ct.pk, "o": comment_or_target.pk}, salt=_UNSUBSCRIBE_SALT
    )


def read_unsubscribe_token(token: str) -> dict:
    try:
        return signing.loads(token, salt=_UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        raise ValidationError(_("This unsubscribe link is not valid.")) from None


def do_unsubscribe(token: str) -> EmailOptOut:
    data = read_unsubscribe_token(token)
    with transaction.atomic():
        opt_out, _created = EmailOptOut.objects.get_or_create(
            email=data["e"], content_type_id=data["c"], object_id=data["o"]
        )
        Comment.objects.filter(
            author_email__iexact=data["e"], content_type_id=data["c"], object_id=data["o"]
        ).update(notify_replies=False)
    return opt_out


def recipients_for(comment: Comment, target: Target) -> list[tuple[str, str]]:
    """(email, reason) for everyone who should hear about ``comment``, without repeats."""
    opted_out = set(
        EmailOptOut.objects.filter(
            content_type=comment.content_type, object_id=comment.object_id
        ).values_list("email", flat=True)
    )
    skip = {comment.author_email.lower(), *opted_out}
    out: list[tuple[str, str]] = []
    author = target.author
    if author is not None and author.email and author.email.lower() not in skip:
        out.append((author.email.lower(), "author"))
        skip.add(author.email.lower())
    earlier = (
        Comment.objects.filter(
            content_type=comment.content_type,
            object_id=comment.object_id,
            status=Comment.Status.APPROVED,
            notify_replies=True,
            created_at__lte=comment.created_at,
        )
        .exclude(pk=comment.pk)
        .values_list("author_email", flat=True)
        .distinct()
    )
    for email in earlier:
        if email.lower() not in skip:
            out.append((email.lower(), "follower"))
            skip.add(email.lower())
    return out
