"""The team's part of starting the next event from this one (an events copy hook)."""

from hubbub.events.extensions import EventCopy

from .models import EventRole, TeamSettings
from .services import do_grant_role, team_settings


def copy_team(copy: EventCopy) -> None:
    """Copy the team settings and, when asked, every active role (lapsing after the new event)."""
    source = TeamSettings.objects.filter(event=copy.source).first()
    if source is not None:
        TeamSettings.objects.update_or_create(
            event=copy.target,
            defaults={
                "recruitment_open": source.recruitment_open,
                "role_lapse_days": source.role_lapse_days,
            },
        )
    team_settings(copy.target)
    if not copy.with_team:
        return
    grants = EventRole.objects.active().filter(event=copy.source).select_related("user")
    for grant in grants.order_by("user__username", "role"):
        do_grant_role(
            user=grant.user,
            event=copy.target,
            role=grant.role,
            granted_by=copy.actor,
            home_room=copy.rooms.get(grant.home_room_id),
        )
