"""Who a delegate without an account is: one browser, one identity.

A browser's identity is derived from its CSRF cookie, and the device cookie handed out with the
pitch and marking pages carries it, signed. A mark or pitch counts for a device only when both
come back together: the device cookie matches the CSRF cookie the form's token was checked
against. So clearing the device cookie gives the same identity back, and a script has to start
a whole new browser session (new CSRF cookie, new page, then the form) for each identity it
wants, which the per-address allowance of new identities then bounds
(``services.access.admit_identity``).

Everything about the cookie lives here, so it can give way to a site-wide visitor cookie later.
"""

from dataclasses import dataclass

from django.middleware.csrf import get_token
from django.utils.crypto import salted_hmac

DEVICE_COOKIE = "hubbub_device"
# A new salt for cookies bound to the CSRF cookie: older, unbound cookies are not accepted.
DEVICE_SALT = "hubbub.unconf.device.v2"
DEVICE_MAX_AGE = 60 * 60 * 24 * 365


@dataclass(frozen=True)
class Device:
    """``id`` is this browser's identity; ``proven`` when its cookies came back together (only
    then may it mark or pitch); ``issue`` when the response must (re)send the device cookie."""

    id: str
    proven: bool
    issue: bool

    @property
    def key(self) -> str | None:
        """The voter key marks are counted by, once the device is proven."""
        return f"d:{self.id}" if self.proven else None


def _identity(csrf_secret: str) -> str:
    return salted_hmac(DEVICE_SALT, csrf_secret).hexdigest()[:24]


def _sent_identity(request) -> tuple[str | None, str | None]:
    """(the identity the browser's own CSRF cookie gives, the device cookie it sent)."""
    # The CSRF middleware has read the browser's secret into META, or flagged a replacement
    # when the browser sent none (or a broken one).
    meta = request.META
    secret = None if meta.get("CSRF_COOKIE_NEEDS_UPDATE") else meta.get("CSRF_COOKIE")
    cookie = request.get_signed_cookie(DEVICE_COOKIE, default=None, salt=DEVICE_SALT)
    return (_identity(secret) if secret else None), cookie


def read_device(request) -> Device:
    """The device of a page with a form: makes sure the browser gets both cookies."""
    sent, cookie = _sent_identity(request)
    get_token(request)  # creates the CSRF secret (and its cookie) when the browser had none
    identity = _identity(request.META["CSRF_COOKIE"])
    return Device(id=identity, proven=sent is not None and cookie == sent, issue=cookie != identity)


def device_key(request) -> str | None:
    """The voter key of a proven device, for pages without a form: sets no cookie."""
    sent, cookie = _sent_identity(request)
    return f"d:{sent}" if sent is not None and cookie == sent else None


def remember_device(request, response, device: Device):
    """Send the device cookie with ``response`` when the browser does not hold the right one."""
    if device.issue:
        response.set_signed_cookie(
            DEVICE_COOKIE,
            device.id,
            salt=DEVICE_SALT,
            max_age=DEVICE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response
