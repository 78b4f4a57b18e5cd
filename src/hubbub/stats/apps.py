"""Audience figures."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "hubbub.stats"
    label = "stats"
    verbose_name = _("Audience figures")

    def ready(self):
        from hubbub.core.audience import register_page_recorder
        from hubbub.events.extensions import register_dashboard_links

        from .counting import flush, record_page, start_flushing
        from .views import dashboard_links

        register_page_recorder(record_page, start=start_flushing, flush=flush)
        register_dashboard_links(dashboard_links)
