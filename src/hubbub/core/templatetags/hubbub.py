from django import template

from hubbub.core.permissions import policy

register = template.Library()


@register.filter
def is_team_member(user, event) -> bool:
    """Whether ``user`` has any role on ``event`` (for links only the team needs)."""
    return policy.has_any_role(user, event)
