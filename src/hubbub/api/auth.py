from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.utils import check_csrf

from hubbub.core.tokens import user_for_token

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


class CsrfRefused(Exception):
    """A write carried only the session cookie and no valid CSRF token."""


class TokenAuth(HttpBearer):
    """``Authorization: Bearer TOKEN``: the request acts as the token's user, with their roles.
    The session cookie is never enough here."""

    def authenticate(self, request: HttpRequest, token: str):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class OptionalTokenAuth(TokenAuth):
    """Public operations: anonymous is fine, a valid token identifies the caller, and so does
    the site's session cookie, but a write by session must pass Django's CSRF check (the
    ``X-CSRFToken`` header), or any other site could make a signed-in editor's browser
    post for them. Bearer-token requests need no CSRF token: a browser never adds one."""

    def __call__(self, request: HttpRequest):
        header = request.headers.get("Authorization")
        if header:
            return super().__call__(request)
        user = getattr(request, "user", None)
        if (
            request.method not in SAFE_METHODS
            and user is not None
            and user.is_authenticated
            and check_csrf(request) is not None
        ):
            raise CsrfRefused
        return True
