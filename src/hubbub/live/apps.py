from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "hubbub.live"
    label = "live"
    verbose_name = "Live blog"
