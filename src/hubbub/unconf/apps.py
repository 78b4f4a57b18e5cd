from django.apps import AppConfig


class UnconfConfig(AppConfig):
    name = "hubbub.unconf"
    label = "unconf"
    verbose_name = "Unconference"
