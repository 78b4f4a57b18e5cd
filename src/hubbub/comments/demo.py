"""Demo data: the demo events take comments, so a fresh `make run` shows them working; the
demo conference's updates carry approved comments and likes from demo readers.

``add_demo_comments`` and ``add_demo_likes`` post through the same services as a reader (the
comment approved by the event's moderator), so the apps above use them for their own things.
"""

import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils.text import slugify

from hubbub.live.models import LiveEntry

from .models import Comment, EventCommentSettings
from .services.likes import do_like
from .services.moderation import do_moderate, do_post_comment
from .targets import describe

DEMO_EVENT = "all-change-2011"

# (the start of the update it answers, commenter, comment)
DEMO_ENTRY_COMMENTS = [
    (
        "Dr Okafor opens",
        "Alys Morgan (demo reader)",
        "Watching from the office: this line is going on our team board on Monday.",
    ),
    (
        "Dr Okafor opens",
        "Ben Ojo (demo reader)",
        "Is there a recording of the keynote? Our leader could not make it today.",
    ),
    (
        "We cannot cut our way",
        "Carys Hughes (demo reader)",
        "Easier said than done with a 28% cut, but yes.",
    ),
    (
        "The think-tanks have started",
        "Dan Whitaker (demo reader)",
        "Any chance of notes from the chief executives' think-tank?",
    ),
]
DEMO_ENTRY_LIKES = {"Dr Okafor opens": 9, "We cannot cut our way": 14, "Doors are open": 3}


def load_demo_comment_policy(demo) -> None:
    for event in demo.events.values():
        # Only a new row: reloading the demo keeps a policy someone chose since.
        EventCommentSettings.objects.get_or_create(
            event=event, defaults={"policy": EventCommentSettings.Policy.OPEN}
        )


def load_demo_entry_conversation(demo) -> None:
    """Readers' comments and likes on the demo conference's updates, dated on the day."""
    event = demo.events[DEMO_EVENT]
    entries = LiveEntry.objects.filter(event=event, status=LiveEntry.Status.PUBLISHED)
    if Comment.objects.filter(event=event).exists() or not entries.exists():
        return
    moderator = get_user_model().objects.get(username="editor")
    for start, name, body in DEMO_ENTRY_COMMENTS:
        entry = entries.filter(body__startswith=start).first()
        if entry is not None:
            add_demo_comments(
                entry,
                [(name, body)],
                moderator=moderator,
                at=entry.created_at + timedelta(minutes=4),
            )
    for start, count in DEMO_ENTRY_LIKES.items():
        entry = entries.filter(body__startswith=start).first()
        if entry is not None:
            add_demo_likes(entry, count)


def add_demo_comments(obj, comments: list[tuple[str, str]], *, moderator, at) -> list[Comment]:
    """Post ``comments`` ((name, text) pairs) on ``obj`` as demo readers, approve each with
    ``moderator``, and date them from ``at`` a few minutes apart."""
    target = describe(obj)
    posted = []
    for number, (name, body) in enumerate(comments):
        # Each demo reader on a browser of their own, as a first-time commenter would be.
        handle = f"{slugify(name)[:30] or 'reader'}-{secrets.token_hex(4)}"
        comment = do_post_comment(
            target=target,
            name=name,
            email=f"{handle}@example.org",
            body=body,
            device_key=f"demo-{handle}",
        )
        if comment.status != Comment.Status.APPROVED:
            do_moderate([comment], actor=moderator, action="approve", event=target.event)
        Comment.objects.filter(pk=comment.pk).update(created_at=at + timedelta(minutes=6 * number))
        posted.append(comment)
    return posted


def add_demo_likes(obj, count: int) -> int:
    """Likes from ``count`` demo readers, each on a browser of their own; callers add them once,
    with the thing liked."""
    target = describe(obj)
    total = 0
    for _reader in range(count):
        total = do_like(target, reader_key=f"demo-reader-{secrets.token_hex(8)}")
    return total
