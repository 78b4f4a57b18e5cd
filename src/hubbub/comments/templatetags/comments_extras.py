import hashlib

from django import template
from django.utils.html import format_html

register = template.Library()

# Dark enough for white initials to pass WCAG AA contrast.
_COLOURS = ["#1d5aa0", "#4c2c92", "#00703c", "#b10e1e", "#6f3c00", "#0b0c0c", "#5a3c8c", "#005a6e"]


@register.simple_tag
def avatar(name: str, email: str):
    """A deterministic initials avatar made here: no outside service sees the reader's email."""
    digest = hashlib.sha256((email or name or "").strip().lower().encode()).digest()
    colour = _COLOURS[digest[0] % len(_COLOURS)]
    initials = "".join(part[0] for part in (name or "?").split()[:2]).upper() or "?"
    return format_html(
        '<svg class="avatar" viewBox="0 0 40 40" width="40" height="40" aria-hidden="true" '
        'focusable="false"><rect width="40" height="40" rx="4" fill="{}"/>'
        '<text x="20" y="25" text-anchor="middle" fill="#ffffff" font-size="15" '
        'font-family="system-ui, sans-serif">{}</text></svg>',
        colour,
        initials,
    )


@register.inclusion_tag("comments/_entry_reactions.html", takes_context=True)
def entry_reactions(context, entry):
    """Like button and comment link under a live entry.

    Counts for every entry on the page are fetched together the first time (two queries for
    any number of entries), because the live page renders its cards in a loop."""
    from hubbub.comments.services import comment_counts, like_counts

    memo = getattr(context, "_hubbub_reactions", None)
    if memo is None or f"entry-{entry.pk}" not in memo["seen"]:
        entries = [entry]
        for name in ("entries", "recent"):
            entries += [e for e in (context.get(name) or []) if hasattr(e, "pk")]
        if context.get("pinned"):
            entries.append(context["pinned"])
        entries = list({e.pk: e for e in entries}.values())
        memo = {
            "seen": {f"entry-{e.pk}" for e in entries},
            "likes": like_counts(entries),
            "comments": comment_counts(entries),
        }
        context._hubbub_reactions = memo
    key = f"entry-{entry.pk}"
    from hubbub.blog.urlnames import comments_url

    event = entry.event
    return {
        "show": getattr(entry, "is_published", True),
        "entry": entry,
        "key": key,
        "likes": memo["likes"].get(key, 0),
        "comments": memo["comments"].get(key, 0),
        "like_url": comments_url("like", event, kind="entry", object_id=entry.pk),
        "comments_url": comments_url("target", event, kind="entry", object_id=entry.pk),
    }
