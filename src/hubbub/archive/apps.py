"""Permanent record."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    name = "hubbub.archive"
    label = "archive"
    verbose_name = _("Permanent record")

    def ready(self):
        from hubbub.events.extensions import register_dashboard_links

        from . import audit
        from .backoffice import dashboard_links
        from .sitemaps import register_builtin_sources

        register_builtin_sources()
        register_dashboard_links(dashboard_links)
        audit.register()
