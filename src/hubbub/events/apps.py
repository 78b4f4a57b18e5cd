from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "hubbub.events"
    label = "events"
    verbose_name = "Events and programme"

    def ready(self):
        from hubbub.core.eventviews import register_event_finder
        from hubbub.core.periodic import register_periodic_check

        from .lifecycle import tick_safely
        from .services import get_public_event

        register_event_finder(get_public_event)
        register_periodic_check(tick_safely)

        from . import audit

        audit.register()
