from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    name = "hubbub.backoffice"
    label = "backoffice"
    verbose_name = _("Organiser's back office")
