from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hubbub.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        from . import pageversion
        from .admin_audit import connect

        connect()
        pageversion.connect()
