from datetime import UTC, datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hubbub.events.lifecycle import tick


class Command(BaseCommand):
    help = (
        "Event lifecycle: `events tick [--now ISO]` applies the status changes the dates make due."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser(
            "tick",
            help="Move events that follow their dates to live or ended when due (in each "
            "event's own time zone), run the effects of ending once, and print each change.",
        )
        run.add_argument(
            "--now",
            help="Act as if it were this moment (ISO 8601, e.g. 2030-06-12T00:05+01:00; "
            "without an offset, UTC).",
        )

    def handle(self, *args, action, now=None, **options):
        moment = timezone.now()
        if now:
            try:
                moment = datetime.fromisoformat(now)
            except ValueError:
                raise CommandError(f"--now {now!r} is not an ISO 8601 date and time.") from None
            if timezone.is_naive(moment):
                moment = moment.replace(tzinfo=UTC)
        moved = tick(moment)
        for event, old, new in moved:
            self.stdout.write(f"{event.slug}: {old} -> {new}")
        if not moved:
            self.stdout.write("Nothing due.")
