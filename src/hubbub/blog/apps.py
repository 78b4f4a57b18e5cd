from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class BlogConfig(AppConfig):
    name = "hubbub.blog"
    label = "blog"
    verbose_name = _("Blog")

    def ready(self):
        from hubbub.comments.targets import register
        from hubbub.events.demo import register_demo_loader

        from .demo import load_demo_posts
        from .models import Post
        from .services import post_target

        register("post", Post, post_target)
        register_demo_loader(load_demo_posts, order=50)
        post_migrate.connect(ensure_search_index, sender=self)

        from . import audit

        audit.register()


def ensure_search_index(using="default", **kwargs):
    """Recreate the SQLite search table and triggers if missing: SQLite rebuilds a table for
    some schema changes (the live app's later migrations), which drops the triggers on it."""
    from django.db import connections

    from .migrations import _search_sql

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for sql in _search_sql.TABLE + _search_sql.TRIGGERS:
            cursor.execute(sql)
