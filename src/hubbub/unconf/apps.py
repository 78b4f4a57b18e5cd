from django.apps import AppConfig


class UnconfConfig(AppConfig):
    name = "hubbub.unconf"
    label = "unconf"
    verbose_name = "Unconference"

    def ready(self):
        from hubbub.core.pagecache import register_personal_cookie
        from hubbub.events.demo import register_demo_loader
        from hubbub.events.extensions import register_attention_provider, register_copy_hook
        from hubbub.events.lifecycle import register_ended_hook

        from .attention import outcomes_waiting
        from .copying import drop_placed_topics
        from .demo import load_demo_unconference
        from .device import DEVICE_COOKIE
        from .services.setup import close_when_event_ends

        register_demo_loader(load_demo_unconference, order=30)
        register_attention_provider(outcomes_waiting)
        register_copy_hook(drop_placed_topics)
        # A delegate's device shows their own marks on the board: their pages are their own.
        register_personal_cookie(DEVICE_COOKIE)
        register_ended_hook(close_when_event_ends)

        from . import audit

        audit.register()
