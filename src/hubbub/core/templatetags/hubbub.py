from django import template

from hubbub.core import colour
from hubbub.core.permissions import Action, policy

register = template.Library()


@register.filter
def is_team_member(user, event) -> bool:
    """Whether ``user`` has any role on ``event`` (for links only the team needs)."""
    return policy.has_any_role(user, event)


@register.filter
def can_manage(user, event) -> bool:
    """Whether ``user`` may manage ``event`` (for the link to its organiser tools)."""
    return policy.can(user, Action.MANAGE_EVENT, event)


@register.filter
def text_colour_on(background: str) -> str:
    """White or near-black, whichever reads better on ``background`` (#RRGGBB)."""
    return colour.text_colour_on(background)
