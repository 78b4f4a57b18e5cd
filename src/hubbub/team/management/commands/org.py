from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from hubbub.team.organisations import (
    do_grant_organisation_admin,
    do_revoke_organisation_admin,
    find_organisation,
)
from hubbub.team.services import find_user


class Command(BaseCommand):
    help = "Make a person an organisation admin (they create and run its events), or undo it."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        for name in ("grant", "revoke"):
            p = sub.add_parser(name)
            p.add_argument("username")
            p.add_argument("organisation_slug")

    def handle(self, *args, action, username, organisation_slug, **options):
        try:
            user = find_user(username)
            organisation = find_organisation(organisation_slug)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        if action == "grant":
            do_grant_organisation_admin(user=user, organisation=organisation)
            self.stdout.write(f"{username} is now an organisation admin of {organisation_slug}.")
        else:
            removed = do_revoke_organisation_admin(user=user, organisation=organisation)
            self.stdout.write(
                f"{username} is no longer an organisation admin of {organisation_slug}."
                if removed
                else f"{username} was not an organisation admin of {organisation_slug}."
            )
