from allauth.account.app_settings import EmailVerificationMethod
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.account.internal.flows.login import perform_login
from allauth.account.internal.flows.signup import complete_signup
from allauth.account.models import Login
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class LoginForm(AllauthLoginForm):
    """allauth's sign-in form with a label that says what to type."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("Username or email")


class SignupForm(AllauthSignupForm):
    """Sign-up that answers the same for a new and a registered address.

    allauth hides a registered address only when verification is mandatory for everyone,
    which would stop existing accounts signing in until they confirm. Here only sign-up
    demands it: a new address gets a confirmation link, a registered one a notice that it
    already has an account, and both see the same "check your email" page.
    """

    def validate_unique_email(self, value) -> str:
        try:
            return super().validate_unique_email(value)
        except ValidationError as exc:
            if getattr(exc, "code", None) != "email_taken":
                raise
            self.account_already_exists = True
            return value

    def try_save(self, request):
        if self.account_already_exists:
            login = Login(
                user=None,
                email=self.cleaned_data.get("email"),
                signup=True,
                email_verification=EmailVerificationMethod.MANDATORY,
            )
            return None, perform_login(request, login)
        user = self.save(request)
        response = complete_signup(
            request, user=user, email_verification=EmailVerificationMethod.MANDATORY
        )
        return user, response
