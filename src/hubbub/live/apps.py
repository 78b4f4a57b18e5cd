from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "hubbub.live"
    label = "live"
    verbose_name = "Live blog"

    def ready(self):
        from hubbub.core.serving import register_serve_companion
        from hubbub.events.demo import register_demo_loader
        from hubbub.events.lifecycle import register_ended_hook

        from .demo import load_demo_entries
        from .demo_live import start_demo_reporting
        from .lifecycle import on_event_ended

        register_demo_loader(load_demo_entries, order=20)
        register_ended_hook(on_event_ended)
        register_serve_companion(start_demo_reporting)

        from . import audit

        audit.register()
