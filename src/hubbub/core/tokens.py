"""API tokens: shown once at creation, stored only as a SHA-256 hash, revocable."""

import secrets

from django.utils import timezone

from .audit import log_action
from .models import ApiToken

TOKEN_PREFIX = "hbb_"


def do_create_token(user, name: str = "") -> tuple[ApiToken, str]:
    """Create a token for ``user``; returns the row and the secret (which is not kept)."""
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:100], prefix=key[:12], key_hash=ApiToken.hash_key(key)
    )
    log_action("hubbub.token.created", actor=user, target=token)
    return token, key


def do_revoke_token(token: ApiToken, actor=None) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        log_action("hubbub.token.revoked", actor=actor or token.user, target=token)


def user_for_token(key: str):
    """The active user behind ``key``, or None for an unknown, revoked or malformed token."""
    if not key or not key.startswith(TOKEN_PREFIX) or len(key) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    # Avoid a write on every request: a minute's precision is plenty for "last used".
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
