"""Comments and likes: validation, spam defence, moderation, likes, notifications.

The modules of this package, by noun: ``moderation`` (posting, trust, moderating, editing),
``spam`` (honeypot, timing token, rate limits, words), ``likes``, ``threads`` (reading),
``notifications`` (emails, unsubscribe), ``rendering``. Callers use the names below.
"""

from ..targets import describe
from .likes import (
    LIKE_UPDATED,
    do_like,
    like_count,
    like_counts,
    like_counts_by_key,
    liked_by,
    parse_like_keys,
)
from .moderation import (
    COMMENT_APPROVED,
    EDIT_WINDOW,
    MODERATION_ACTIONS,
    can_edit,
    can_moderate,
    check_comment,
    do_edit_comment,
    do_moderate,
    do_post_comment,
    moderation_decision,
    poses_as_team,
)
from .notifications import (
    do_unsubscribe,
    read_unsubscribe_token,
    recipients_for,
    send_comment_notifications,
    unsubscribe_token,
)
from .policy import check_comment_policy, current_comment_policy, do_set_comment_policy
from .rendering import render_comment_html
from .spam import (
    MAX_LINKS,
    RateLimited,
    check_comment_rate,
    check_like_rate,
    check_not_a_robot,
    count_links,
    disallowed_words,
    form_timestamp,
    keep_or_new_timestamp,
    release_form_token,
    wait_message,
)
from .threads import approved_comments, comment_counts, comment_thread, moderation_queue

__all__ = [
    "COMMENT_APPROVED",
    "EDIT_WINDOW",
    "LIKE_UPDATED",
    "MAX_LINKS",
    "MODERATION_ACTIONS",
    "RateLimited",
    "approved_comments",
    "can_edit",
    "can_moderate",
    "check_comment",
    "check_comment_policy",
    "check_comment_rate",
    "check_like_rate",
    "check_not_a_robot",
    "comment_counts",
    "comment_thread",
    "count_links",
    "current_comment_policy",
    "describe",
    "disallowed_words",
    "do_edit_comment",
    "do_like",
    "do_moderate",
    "do_post_comment",
    "do_set_comment_policy",
    "do_unsubscribe",
    "form_timestamp",
    "keep_or_new_timestamp",
    "like_count",
    "like_counts",
    "like_counts_by_key",
    "liked_by",
    "moderation_decision",
    "moderation_queue",
    "parse_like_keys",
    "poses_as_team",
    "read_unsubscribe_token",
    "recipients_for",
    "release_form_token",
    "render_comment_html",
    "send_comment_notifications",
    "unsubscribe_token",
    "wait_message",
]
