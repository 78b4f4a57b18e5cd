"""``hubbub social poll [--event SLUG]``: poll every active source once, now, and say what came.

Polls the sources of one event, or of every event (whether or not it is on). A source that
fails is reported and recorded on the source; the others are polled all the same.
"""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hubbub.events.models import Event
from hubbub.social import services


class Command(BaseCommand):
    help = "Social wall tools. `poll [--event SLUG]` polls every active source once now."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
        poll = actions.add_parser("poll", help="Poll every active source once and print what came.")
        poll.add_argument("--event", metavar="SLUG", help="only this event's sources")

    def handle(self, *args, **options) -> None:
        if options["action"] == "poll":
            self.poll(options.get("event"))

    def poll(self, slug: str | None) -> None:
        events = Event.objects.all()
        if slug:
            events = events.filter(slug=slug)
            if not events.exists():
                raise CommandError(f"No event {slug!r}.")
        polled = 0
        for event in events.order_by("slug"):
            for report in services.poll_event(event):
                polled += 1
                source = report.source
                if report.error:
                    self.stdout.write(f"{event.slug}: {source}: error: {report.error}")
                    continue
                line = f"{event.slug}: {source}: {len(report.new)} new, {report.seen} already seen"
                if report.skipped:
                    line += f", {report.skipped} from blocked authors"
                self.stdout.write(line)
                for post in report.new:
                    who = post.author_handle or post.author_name or "?"
                    self.stdout.write(f"  + {post.get_status_display()}: {who}: {post.url}")
        if not polled:
            self.stdout.write("No active sources.")
