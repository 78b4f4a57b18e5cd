"""Reading comments: threads built in Python, counts and the moderation queue."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count

from ..models import MAX_DEPTH, Comment
from ..targets import Target, kind_of
from .likes import like_counts


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
