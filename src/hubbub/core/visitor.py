"""The anonymous visitor's id: one random value in one signed cookie for the whole site.

Comments (editing within the window, trust once a comment is approved), likes and the
unconference's interest marks all recognise a browser by it. A new id counts for nothing
until it comes back from the browser, so a script that drops its cookies cannot mint
visitors for free.
"""

import secrets
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

from .http import client_ip

COOKIE = "hubbub_reader"
SALT = "hubbub.reader"
MAX_AGE = 365 * 24 * 3600
MAX_COOKIE_CHARS = 200


def visitor_id(request) -> str:
    """The id the browser sent back in the signed cookie; "" when there is none."""
    return id_from_cookie(request.COOKIES.get(COOKIE, ""))


@lru_cache(maxsize=20_000)
def id_from_cookie(raw: str) -> str:
    """The id in a visitor cookie's value when its signature holds, "" otherwise.

    A browser sends the same value with every request, and checking the signature is most of
    the cost of a like or of drawing a reader's parts of a page, so answers are remembered
    (bounded; a new ``SECRET_KEY`` takes effect on restart, as it does anyway)."""
    if not raw or len(raw) > MAX_COOKIE_CHARS:
        return ""
    holder = HttpRequest()  # Django's own reading of a signed cookie, whatever its version
    holder.COOKIES[COOKIE] = raw
    return holder.get_signed_cookie(COOKIE, default="", salt=SALT) or ""


def ensure_visitor_id(request) -> tuple[str, bool]:
    """(id, is_new): the returning id, or a new one that ``remember`` will set."""
    key = visitor_id(request) or getattr(request, "_new_visitor_id", "")
    if key:
        return key, key == getattr(request, "_new_visitor_id", None)
    key = secrets.token_urlsafe(24)
    request._new_visitor_id = key
    return key, True


def remember(request, response):
    """Set the cookie on ``response`` when this request minted a new id."""
    key = getattr(request, "_new_visitor_id", None)
    if key:
        response.set_signed_cookie(
            COOKIE,
            key,
            salt=SALT,
            max_age=MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure() or settings.SESSION_COOKIE_SECURE,
        )
    return response


def client_address(request) -> str:
    """The network address rate limits count by: the client's, behind trusted proxies only."""
    return client_ip(request) or ""
