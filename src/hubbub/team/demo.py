"""The demo team: each demo user's role on the demo events."""

from django.contrib.auth import get_user_model

from .organisations import do_grant_organisation_admin
from .services import do_grant_role

DEMO_ORGANISATION_ADMIN = "organiser"


def load_demo_roles(demo) -> None:
    users = get_user_model().objects.in_bulk(list(demo.users), field_name="username")
    for name, spec in demo.users.items():
        targets = demo.events.values() if spec.event is None else [demo.events[spec.event]]
        for event in targets:
            # The demo events are long past: their demo roles must not lapse.
            do_grant_role(user=users[name], event=event, role=spec.role, expires_at=None)
    # The demo organiser runs the demo organisation: they can create its next event.
    for event in demo.events.values():
        do_grant_organisation_admin(
            user=users[DEMO_ORGANISATION_ADMIN], organisation=event.organisation
        )
