from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from hubbub.archive.crawl import MAX_RESOURCES
from hubbub.archive.services import FORMATS, do_export_archive, get_archivable_event


def error_text(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return " ".join(f"{m}" for msgs in exc.message_dict.values() for m in msgs)
    return " ".join(exc.messages)


class Command(BaseCommand):
    help = (
        "Write a permanent copy of an event's public pages: `archive EVENT_SLUG --format "
        "static|zip|wacz --out PATH`. A static copy opens from file:// or any static host."
    )

    def add_arguments(self, parser):
        parser.add_argument("event_slug")
        parser.add_argument("--format", choices=FORMATS, default="static", dest="fmt")
        parser.add_argument("--out", type=Path, required=True, help="A directory (static) or file.")
        parser.add_argument(
            "--force", action="store_true", help="Replace a directory or file that is there."
        )

    def handle(self, *args, event_slug, fmt, out, force, **options):
        verbosity = options.get("verbosity", 1)

        def progress(done, total):
            if verbosity >= 2:
                self.stderr.write(f"\r{done}/{total}", ending="")

        try:
            event = get_archivable_event(event_slug)
            report = do_export_archive(event, fmt=fmt, out=out, force=force, progress=progress)
        except ValidationError as exc:
            raise CommandError(error_text(exc)) from None
        self.stdout.write(
            f"Archived {event.slug} as {report.format} in {report.out}: {report.pages} pages, "
            f"{report.files} files."
        )
        if report.truncated:
            self.stderr.write(
                f"The crawl stopped at {MAX_RESOURCES} addresses: the copy is not complete."
            )
        for url, status in sorted(report.skipped.items()):
            self.stdout.write(f"  left out {url}: the site answered {status}")
