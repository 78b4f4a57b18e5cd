"""A comment's HTML card, rendered once for the live stream."""

from django.template.loader import render_to_string

from ..models import Comment
from ..targets import Target


def render_comment_html(comment: Comment, target: Target) -> str:
    comment.children = []
    comment.key = f"comment-{comment.pk}"
    comment.like_count = 0
    comment.target_kind, comment.target_id = target.kind, target.obj.pk
    comment.can_reply = False
    return render_to_string(
        "comments/_comment.html", {"comment": comment, "event": target.event, "live": True}
    )
