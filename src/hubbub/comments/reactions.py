"""The like button and comment count under each live entry.

The live app renders entry cards but sits below this app, so it asks for these through
``hubbub.live.extensions``; this provider answers for a whole page of entries with two
queries, however many entries the page holds.
"""

from hubbub.live.extensions import EntryExtra

from .services import comment_counts, like_counts
from .urlnames import comments_url

TEMPLATE = "comments/_entry_reactions.html"


def entry_reactions(entries: list, viewer=None) -> dict[int, EntryExtra]:
    shown = [entry for entry in entries if getattr(entry, "is_published", True)]
    if not shown:
        return {}
    likes = like_counts(shown)
    comments = comment_counts(shown)
    extras = {}
    counts_url = comments_url("like_counts", shown[0].event)
    for entry in shown:
        key = f"entry-{entry.pk}"
        extras[entry.pk] = EntryExtra(
            TEMPLATE,
            {
                "key": key,
                "likes": likes.get(key, 0),
                "counts_url": counts_url,
                "comments": comments.get(key, 0),
                "like_url": comments_url("like", entry.event, kind="entry", object_id=entry.pk),
                "comments_url": comments_url(
                    "target", entry.event, kind="entry", object_id=entry.pk
                ),
            },
        )
    return extras
