"""allauth's adapter with hubbub's sign-in lockout and wording."""

from allauth.account.adapter import DefaultAccountAdapter
from django.utils.translation import gettext_lazy as _


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": _(
            "Too many wrong passwords for this account from your network, so sign-in from here "
            "is paused for a few minutes. Wait and try again, or reset your password. "
            "Signing in from another network or device still works."
        ),
    }

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        # Failed sign-ins count per account *and address* (as django-axes does): someone
        # guessing passwords from one place cannot lock the real person out everywhere.
        login = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{login}@{self.get_client_ip(request)}"
