from django.apps import AppConfig


class TeamConfig(AppConfig):
    name = "hubbub.team"
    label = "team"
    verbose_name = "Reporting team and roles"
