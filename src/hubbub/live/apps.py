from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "hubbub.live"
    label = "live"
    verbose_name = "Live blog"

    def ready(self):
        from hubbub.events.demo import register_demo_loader
        from hubbub.events.lifecycle import register_ended_hook

        from .demo import load_demo_entries
        from .lifecycle import on_event_ended

        register_demo_loader(load_demo_entries, order=20)
        register_ended_hook(on_event_ended)

        from . import audit

        audit.register()
