from django.apps import AppConfig


class UnconfConfig(AppConfig):
    name = "hubbub.unconf"
    label = "unconf"
    verbose_name = "Unconference"

    def ready(self):
        from hubbub.events.demo import register_demo_loader

        from .demo import load_demo_unconference

        register_demo_loader(load_demo_unconference, order=30)
