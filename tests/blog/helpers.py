from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.text import slugify

from hubbub.blog.models import Post
from hubbub.blog.services import sync_search_post
from hubbub.comments.models import Comment
from hubbub.core.text import render_markdown


def make_post(event=None, author=None, title="Opening keynote", slug=None, body="Hello *world*",
              status=Post.Status.PUBLISHED, publish_at=None, **extra) -> Post:  # fmt: skip
    """A post straight into the database (tests of the write path use the service)."""
    post = Post.objects.create(
        event=event,
        author=author,
        title=title,
        slug=slug or slugify(title),
        body=body,
        body_html=render_markdown(body),
        status=status,
        publish_at=publish_at or timezone.now() - timedelta(hours=1),
        **extra,
    )
    sync_search_post(post)
    return post


def make_comment(target, status=Comment.Status.APPROVED, name="Ada", email="ada@example.org",
                 body="Good point.", parent=None, **extra) -> Comment:  # fmt: skip
    return Comment.objects.create(
        event=getattr(target, "event", None),
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
        parent=parent,
        depth=parent.depth + 1 if parent else 0,
        author_name=name,
        author_email=email,
        body=body,
        status=status,
        **extra,
    )
