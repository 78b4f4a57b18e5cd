from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "hubbub.live"
    label = "live"
    verbose_name = "Live blog"

    def ready(self):
        from hubbub.events.demo import register_demo_loader

        from .demo import load_demo_entries

        register_demo_loader(load_demo_entries, order=20)

        from . import audit

        audit.register()
