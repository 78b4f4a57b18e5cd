from datetime import UTC, datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hubbub.reflections.followups import send_due_followups, send_morning_after
from hubbub.reflections.services import delete_unconfirmed


class Command(BaseCommand):
    help = "Reflections: `reflections followups [--now ISO]` sends the follow-ups due now."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser(
            "followups",
            help="Send the follow-up emails due now (7 and 30 days after each event by "
            "default), the morning-after reminders, and delete guests' reflections never "
            "confirmed; print how many were sent. Running it twice sends nothing twice.",
        )
        run.add_argument(
            "--now",
            help="Act as if it were this moment (ISO 8601, e.g. 2030-06-19T09:00+01:00; "
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
        deleted = delete_unconfirmed(moment)
        sent = send_due_followups(moment)
        reminders = send_morning_after(moment)
        self.stdout.write(f"Sent {sent} follow-up email(s).")
        if reminders:
            self.stdout.write(f"Sent {reminders} morning-after reminder(s).")
        if deleted:
            self.stdout.write(f"Deleted {deleted} unconfirmed guest reflection(s).")
