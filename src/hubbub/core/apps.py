from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hubbub.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        from .admin_audit import connect

        connect()
