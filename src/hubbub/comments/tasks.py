from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from .models import Comment


@task()
def notify_comment(comment_id: int, base_url: str = "") -> int:
    """Email the target's author and opted-in earlier commenters; returns how many were sent."""
    from .services import recipients_for, unsubscribe_token
    from .targets import describe

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
