"""Background jobs of the comments app. Only the task functions live here; the work is in
services, which enqueue these by dotted name so they never import this module."""

from django_tasks import task

from .services.notifications import send_comment_notifications


@task()
def notify_comment(comment_id: int, base_url: str = "") -> int:
    """Email the target's author and opted-in earlier commenters; returns how many were sent."""
    return send_comment_notifications(comment_id, base_url)
