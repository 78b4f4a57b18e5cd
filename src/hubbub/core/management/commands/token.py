from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from hubbub.core.models import ApiToken
from hubbub.core.tokens import do_create_token, do_revoke_token


class Command(BaseCommand):
    help = "Create, list or revoke API tokens. `token create USERNAME` prints the token last."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create a token for USERNAME and print it.")
        create.add_argument("username")
        create.add_argument("--name", default="", help="A label to tell tokens apart.")
        listing = sub.add_parser("list", help="List USERNAME's tokens (prefixes only).")
        listing.add_argument("username")
        revoke = sub.add_parser("revoke", help="Revoke the token starting with PREFIX.")
        revoke.add_argument("prefix")

    def handle(self, *args, action, **options):
        if action == "create":
            user = self._user(options["username"])
            _token, key = do_create_token(user, options["name"])
            self.stderr.write(f"Token for {user.get_username()} (shown once; only a hash is kept):")
            self.stdout.write(key)
        elif action == "list":
            user = self._user(options["username"])
            for token in user.api_tokens.all():
                state = "revoked" if token.revoked_at else "active"
                self.stdout.write(
                    f"{token.prefix}…  {state}  {token.name}  {token.created_at:%Y-%m-%d}"
                )
        elif action == "revoke":
            matches = list(ApiToken.objects.filter(prefix__startswith=options["prefix"])[:2])
            if len(matches) != 1:
                raise CommandError(f"No single token starts with {options['prefix']!r}.")
            do_revoke_token(matches[0])
            self.stdout.write(f"Revoked {matches[0].prefix}…")

    def _user(self, username):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user called {username!r}.")
        return user
