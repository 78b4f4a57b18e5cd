from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaConfig(AppConfig):
    name = "hubbub.media"
    label = "media"
    verbose_name = _("Slideshows and galleries")

    def ready(self):
        from hubbub.core.search import register_search_source
        from hubbub.events.demo import register_demo_loader
        from hubbub.events.extensions import register_attention_provider

        from .attention import failed_slideshows
        from .demo import load_demo_media
        from .search import slideshow_hits

        register_search_source(slideshow_hits)
        register_attention_provider(failed_slideshows)
        register_demo_loader(load_demo_media, order=60)

        from . import audit

        audit.register()
