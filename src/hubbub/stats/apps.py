from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "hubbub.stats"
    label = "stats"
    verbose_name = _("Audience figures")
