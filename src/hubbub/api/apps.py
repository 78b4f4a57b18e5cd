from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "hubbub.api"
    label = "hubbub_api"
    verbose_name = "API"
