"""Social-media wall."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SocialConfig(AppConfig):
    name = "hubbub.social"
    label = "social"
    verbose_name = _("Social-media wall")

    def ready(self):
        from hubbub.core.periodic import register_periodic_check
        from hubbub.events.demo import register_demo_loader
        from hubbub.events.extensions import register_attention_provider
        from hubbub.live.extensions import register_page_panel
        from hubbub.live.schemas import register_message_schema

        from . import audit
        from .demo import load_demo_wall
        from .panels import posts_waiting, wall_panel
        from .schemas import SocialApprovedMessage, SocialRemovedMessage
        from .services import SOCIAL_APPROVED, SOCIAL_REMOVED, run_periodic_poll

        register_periodic_check(run_periodic_poll)
        register_message_schema(SOCIAL_APPROVED, SocialApprovedMessage)
        register_message_schema(SOCIAL_REMOVED, SocialRemovedMessage)
        register_page_panel(wall_panel)
        register_attention_provider(posts_waiting)
        register_demo_loader(load_demo_wall, order=40)
        audit.register()
