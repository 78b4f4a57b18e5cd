"""Comment emails: who hears about a new comment, the messages, and one-click unsubscribe."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from ..models import Comment, EmailOptOut
from ..targets import Target, describe

_UNSUBSCRIBE_SALT = "hubbub.comments.unsubscribe"


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


def send_comment_notifications(comment_id: int, base_url: str = "") -> int:
    """Email the target's author and opted-in earlier commenters; returns how many were sent."""
    comment = Comment.objects.filter(pk=comment_id, status=Comment.Status.APPROVED).first()
    if comment is None:
        return 0
    target = describe(comment.target)
    base_url = base_url or settings.HUBBUB_SITE_URL
    sent = 0
    for email, reason in recipients_for(comment, target):
        token = unsubscribe_token(email, comment.target)
        unsubscribe = base_url + reverse("unsubscribe", kwargs={"token": token})
        context = {
            "comment": comment,
            "target": target,
            "reason": reason,
            "link": f"{base_url}{target.url}#{comment.anchor}",
            "unsubscribe": unsubscribe,
        }
        message = EmailMultiAlternatives(
            subject=render_to_string("comments/email_subject.txt", context).strip(),
            body=render_to_string("comments/email.txt", context),
            to=[email],
            headers={
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
        message.send()
        sent += 1
    return sent
