from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from hubbub.events.importing.model import ScheduleError
from hubbub.events.importing.service import do_import_programme_from_console
from hubbub.events.models import Event

CONTENT_TYPES = {"xml": "application/xml", "json": "application/json", "csv": "text/csv"}


class Command(BaseCommand):
    help = "Import a programme into an event: `programme import EVENT_SLUG FILE`."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser(
            "import",
            help="Create or update the event's rooms, tracks, speakers and sessions from a frab "
            "schedule.xml, a frab/pretalx schedule.json or a CSV file (see "
            "docs/programme-import.md). Importing the same file again changes nothing.",
        )
        run.add_argument("event_slug")
        run.add_argument("file", type=Path)
        run.add_argument(
            "--format",
            choices=sorted(CONTENT_TYPES),
            help="The file's format (by default, from its extension).",
        )

    def handle(self, *args, action, event_slug, file, **options):
        event = Event.objects.filter(slug=event_slug).first()
        if event is None:
            raise CommandError(f"No event with the slug {event_slug!r}.")
        kind = options.get("format") or file.suffix.lstrip(".").lower()
        if kind not in CONTENT_TYPES:
            raise CommandError("Give the file's format with --format xml, json or csv.")
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}.") from None
        try:
            report = do_import_programme_from_console(
                event, data=data, content_type=CONTENT_TYPES[kind]
            )
        except ScheduleError as exc:
            raise CommandError(f"Nothing was imported: {exc}") from None
        self.stdout.write(
            f"Imported into {event.slug}: {report.sessions} sessions, {report.rooms} rooms and "
            f"{report.speakers} speakers created or updated; {report.sessions_unchanged} "
            f"sessions unchanged; {len(report.refused)} rows refused."
        )
        for refusal in report.refused:
            title = f" “{refusal.title}”" if refusal.title else ""
            self.stdout.write(f"  refused {refusal.row}{title}: {refusal.reason}")
