from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from hubbub.core.permissions import Role
from hubbub.events.models import Event
from hubbub.team.services import do_grant_role, do_revoke_role, find_user


class Command(BaseCommand):
    help = "Grant or revoke a person's role on one event."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        for name in ("grant", "revoke"):
            p = sub.add_parser(name)
            p.add_argument("username")
            p.add_argument("event_slug")
            p.add_argument("role", choices=[r.value for r in Role])

    def handle(self, *args, action, username, event_slug, role, **options):
        event = Event.objects.filter(slug=event_slug).first()
        if event is None:
            raise CommandError(f"No event with the slug {event_slug!r}.")
        try:
            user = find_user(username)
            if action == "grant":
                do_grant_role(user=user, event=event, role=role)
                self.stdout.write(f"{username} is now {role} on {event_slug}.")
            else:
                removed = do_revoke_role(user=user, event=event, role=role)
                self.stdout.write(
                    f"{username} is no longer {role} on {event_slug}."
                    if removed
                    else f"{username} was not {role} on {event_slug}."
                )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
