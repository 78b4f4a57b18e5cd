from django.apps import AppConfig


class TeamConfig(AppConfig):
    name = "hubbub.team"
    label = "team"
    verbose_name = "Reporting team and roles"

    def ready(self):
        from hubbub.core.permissions import (
            register_organisation_role_provider,
            register_role_provider,
        )
        from hubbub.events.demo import register_demo_loader
        from hubbub.events.extensions import register_copy_hook
        from hubbub.live.extensions import register_home_room_lookup

        from .copying import copy_team
        from .demo import load_demo_roles
        from .organisations import event_roles_from_organisation, organisation_role_names
        from .services import active_role_names, home_room

        register_role_provider(active_role_names)
        register_role_provider(event_roles_from_organisation)
        register_organisation_role_provider(organisation_role_names)
        register_home_room_lookup(home_room)
        register_demo_loader(load_demo_roles, order=10)
        register_copy_hook(copy_team)

        from . import audit

        audit.register()
