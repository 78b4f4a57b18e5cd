from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReflectionsConfig(AppConfig):
    name = "hubbub.reflections"
    label = "reflections"
    verbose_name = _("Reflections and action pledges")

    def ready(self):
        from hubbub.comments.targets import register
        from hubbub.core.periodic import register_periodic_check
        from hubbub.core.search import register_search_source
        from hubbub.events.demo import register_demo_loader
        from hubbub.events.extensions import register_home_extra, register_session_extra
        from hubbub.live.extensions import register_page_extra

        from . import audit
        from .demo import load_demo_reflections
        from .extras import home_extra, live_page_extra, search_reflections, session_extra
        from .followups import run_periodic
        from .models import Reflection
        from .targets import reflection_target

        register("reflection", Reflection, reflection_target)
        register_search_source(search_reflections)
        register_periodic_check(run_periodic)
        register_session_extra(session_extra)
        register_home_extra(home_extra)
        register_page_extra(live_page_extra)
        register_demo_loader(load_demo_reflections, order=40)
        audit.register()
