from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "hubbub.events"
    label = "events"
    verbose_name = "Events and programme"

    def ready(self):
        from hubbub.core.eventviews import register_event_finder

        from .services import get_public_event

        register_event_finder(get_public_event)

        from . import audit

        audit.register()
