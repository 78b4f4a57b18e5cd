"""Spam defence: the honeypot, the signed single-use timing token, link counts, disallowed
words and the rate limits (per visitor tight, per network address generous)."""

import re
import secrets

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hubbub.core import ratelimit

from ..models import DisallowedWord

MAX_LINKS = 2
TOKEN_MAX_AGE = 24 * 3600
_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)
_TIMESTAMP_SALT = "hubbub.comments.form-time"
_FORM_TOKEN = "comment-form"

# Kept importable from here: the same limiter and exception as the rest of the site.
RateLimited = ratelimit.RateLimited


def min_fill_seconds() -> int:
    return settings.HUBBUB_COMMENT_MIN_FILL_SECONDS


def form_timestamp(started: float | None = None) -> str:
    """A signed token saying when the form was shown; each one is good for one comment."""
    started = timezone.now().timestamp() if started is None else started
    return signing.dumps([started, secrets.token_urlsafe(9)], salt=_TIMESTAMP_SALT)


def _started(timestamp: str) -> float:
    value = signing.loads(timestamp or "", salt=_TIMESTAMP_SALT, max_age=TOKEN_MAX_AGE)
    return float(value[0] if isinstance(value, list) else value)


def keep_or_new_timestamp(timestamp: str) -> str:
    """For a form shown again after an error: the same token while it is valid (it is
    released when a comment is refused), so fixing a mistake quickly is not taken for a
    robot; a new one otherwise."""
    try:
        _started(timestamp)
    except (signing.BadSignature, TypeError, ValueError, IndexError):
        return form_timestamp()
    return timestamp


def check_not_a_robot(*, honeypot: str, timestamp: str, now=None) -> None:
    """The hidden field is empty, the form took a human amount of time to fill in, and its
    token has not been used before (a script cannot replay one token for many comments)."""
    if honeypot:
        raise ValidationError({None: _("Your comment could not be accepted.")})
    try:
        started = _started(timestamp)
    except (signing.BadSignature, TypeError, ValueError, IndexError):
        raise ValidationError(
            {None: _("The form has expired. Please reload the page and try again.")}
        ) from None
    elapsed = (now or timezone.now()).timestamp() - started
    if elapsed < min_fill_seconds():
        raise ValidationError(
            {None: _("That was very quick. Please check your comment and send it again.")}
        )
    if not ratelimit.use_once(_FORM_TOKEN, timestamp, TOKEN_MAX_AGE):
        raise ValidationError(
            {None: _("This form was already sent. Please reload the page to comment again.")}
        )


def release_form_token(timestamp: str) -> None:
    """The comment sent with ``timestamp`` was refused: the corrected form may use it again."""
    ratelimit.forget_use(_FORM_TOKEN, timestamp)


def check_comment_rate(*, visitor: str = "", email: str = "", address: str = "") -> None:
    """Count one comment; RateLimited when the visitor, email or address is over its limit."""
    ratelimit.hit("comment", visitor=visitor, email=email, address=address)


def wait_message(retry_after: int) -> str:
    """ "Please wait N minutes and try again." for a RateLimited's ``retry_after``."""
    minutes = max(1, round(retry_after / 60))
    return ngettext(
        "Please wait a minute and try again.",
        "Please wait %(minutes)s minutes and try again.",
        minutes,
    ) % {"minutes": minutes}


def check_like_rate(*, visitor: str = "", address: str = "") -> None:
    ratelimit.hit("like", visitor=visitor, address=address)


def disallowed_words() -> list[str]:
    words = cache.get("comments:disallowed")
    if words is None:
        words = [w.lower() for w in DisallowedWord.objects.values_list("word", flat=True)]
        words += [w.lower() for w in settings.HUBBUB_DISALLOWED_WORDS]
        cache.set("comments:disallowed", words, 60)
    return words


def count_links(text: str) -> int:
    return len(_LINK.findall(text or ""))
