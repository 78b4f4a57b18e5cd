from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from hubbub.archive.management.commands.archive import error_text
from hubbub.archive.services import do_export_wxr, get_archivable_event


class Command(BaseCommand):
    help = (
        "WordPress eXtended RSS (WXR 1.2): `wxr export EVENT_SLUG --out FILE.xml` or "
        "`wxr import FILE.xml --event EVENT_SLUG | --site`."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="Write the event's blog and live blog as WXR.")
        export.add_argument("event_slug")
        export.add_argument("--out", type=Path, required=True)
        export.add_argument(
            "--entries-as-posts",
            action="store_true",
            help="One post per live entry instead of one post per day.",
        )
        export.add_argument("--force", action="store_true", help="Replace a file that is there.")
        imp = sub.add_parser("import", help="Bring a WordPress export into an event's blog.")
        imp.add_argument("file", type=Path)
        target = imp.add_mutually_exclusive_group(required=True)
        target.add_argument("--event", dest="event_slug")
        target.add_argument("--site", action="store_true", help="Into the site-wide blog.")
        imp.add_argument("--pages-as-posts", action="store_true")
        imp.add_argument(
            "--download",
            action="store_true",
            help="Fetch featured images from public hosts as post covers (otherwise linked).",
        )

    def handle(self, *args, action, **options):
        try:
            if action == "export":
                self._export(**options)
            else:
                self._import(**options)
        except ValidationError as exc:
            raise CommandError(error_text(exc)) from None

    def _export(self, event_slug, out, entries_as_posts, force, **options):
        event = get_archivable_event(event_slug)
        report = do_export_wxr(event, out=out, entries_as_posts=entries_as_posts, force=force)
        self.stdout.write(
            f"Exported {event.slug} to {out}: {report['posts']} posts, "
            f"{report['attachments']} attachments, {report['comments']} comments."
        )

    def _import(self, file, event_slug, site, pages_as_posts, download, **options):
        from hubbub.archive.wxr_import import do_import_wxr_file

        report = do_import_wxr_file(
            file, event_slug=event_slug, pages_as_posts=pages_as_posts, download=download
        )
        for line in report.lines():
            self.stdout.write(line)
