"""The SQLite search index: an FTS5 table of posts and live entries.

Live entries are kept in step by triggers, so the live app's services need not know about
search; posts are written by blog.services.sync_search_post. PostgreSQL needs no index table:
it searches the rows with SearchVector.
"""

from django.db import migrations

from ._search_sql import FILL, TABLE, TRIGGERS

CREATE = TABLE + FILL + TRIGGERS
DROP = [
    "DROP TRIGGER IF EXISTS hubbub_search_entry_ai",
    "DROP TRIGGER IF EXISTS hubbub_search_entry_au",
    "DROP TRIGGER IF EXISTS hubbub_search_entry_ad",
    "DROP TRIGGER IF EXISTS hubbub_search_post_ad",
    "DROP TABLE IF EXISTS hubbub_search",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "sqlite":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("blog", "0001_initial"), ("live", "0001_initial")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP), elidable=False)]
