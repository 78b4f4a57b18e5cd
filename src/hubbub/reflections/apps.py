from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReflectionsConfig(AppConfig):
    name = "hubbub.reflections"
    label = "reflections"
    verbose_name = _("Reflections and action pledges")
