from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hubbub.core.permissions import Role
from hubbub.events.models import Event
from hubbub.team.services import LAPSE_AFTER_EVENT, do_grant_role, do_revoke_role, find_user


class Command(BaseCommand):
    help = "Grant or revoke a person's role on one event."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        for name in ("grant", "revoke"):
            p = sub.add_parser(name)
            p.add_argument("username")
            p.add_argument("event_slug")
            p.add_argument("role", choices=[r.value for r in Role])
            if name == "grant":
                p.add_argument(
                    "--no-lapse",
                    action="store_true",
                    help="Keep the role after the event (by default it lapses the team's "
                    "lapse days after the event ends).",
                )

    def handle(self, *args, action, username, event_slug, role, **options):
        event = Event.objects.filter(slug=event_slug).first()
        if event is None:
            raise CommandError(f"No event with the slug {event_slug!r}.")
        try:
            user = find_user(username)
            if action == "grant":
                expires_at = None if options.get("no_lapse") else LAPSE_AFTER_EVENT
                granted = do_grant_role(user=user, event=event, role=role, expires_at=expires_at)
                lapse = (
                    f" (it lapses at {granted.expires_at:%Y-%m-%d %H:%M %Z})"
                    if granted.expires_at
                    else ""
                )
                self.stdout.write(f"{username} is now {role} on {event_slug}{lapse}.")
                if granted.expires_at and granted.expires_at <= timezone.now():
                    self.stderr.write("That is already past: grant it again with --no-lapse.")
            else:
                removed = do_revoke_role(user=user, event=event, role=role)
                self.stdout.write(
                    f"{username} is no longer {role} on {event_slug}."
                    if removed
                    else f"{username} was not {role} on {event_slug}."
                )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
