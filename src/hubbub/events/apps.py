from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "hubbub.events"
    label = "events"
    verbose_name = "Events and programme"
