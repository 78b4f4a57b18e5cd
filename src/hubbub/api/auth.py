from django.http import HttpRequest
from ninja.security import HttpBearer

from hubbub.core.tokens import user_for_token


class TokenAuth(HttpBearer):
    """``Authorization: Bearer TOKEN``: the request acts as the token's user, with their roles."""

    def authenticate(self, request: HttpRequest, token: str):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class OptionalTokenAuth(TokenAuth):
    """Public reads: anonymous is fine, but a valid token identifies the caller."""

    def __call__(self, request: HttpRequest):
        header = request.headers.get("Authorization")
        if not header:
            return True
        return super().__call__(request)
