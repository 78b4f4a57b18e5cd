import hashlib

from django import template
from django.utils.html import format_html

from hubbub.comments.urlnames import comments_url as _comments_url

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


@register.simple_tag
def comments_url(name, event=None, **kwargs):
    return _comments_url(name, event or None, **kwargs)
