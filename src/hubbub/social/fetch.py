"""The one way the social wall reads other servers: bounded, and never inside our network.

Every request resolves the host itself and refuses it when any of its addresses is private,
loopback, link-local or otherwise not on the public internet (unless
``settings.HUBBUB_SOCIAL_ALLOW_PRIVATE``, for tests and closed installations); the connection
then goes to the address that was checked, so a second DNS answer cannot swap in another one.
Redirects are followed by hand, a few at most, each checked the same way. Bodies are read up
to a limit, and the whole request has a deadline, so a slow or endless answer costs seconds.
A 429 or an exhausted rate limit becomes ``FetchError.retry_after``, which the poller obeys.
"""

import ipaddress
import socket
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import httpx
from django.conf import settings

MAX_BYTES = 2 * 1024 * 1024
MAX_REDIRECTS = 3
TIMEOUT = httpx.Timeout(10.0, connect=5.0)
DEADLINE_SECONDS = 20.0
USER_AGENT = "hubbub-social-wall/1"
DEFAULT_RETRY_AFTER = 60
MAX_RETRY_AFTER = 3600


class FetchError(Exception):
    """A request that gave nothing usable; ``str()`` is the sentence shown to the team."""

    def __init__(self, message: str, *, retry_after: int | None = None, status: int | None = None):
        super().__init__(message)
        self.retry_after = retry_after
        self.status = status


@dataclass
class Response:
    url: str
    status: int
    headers: httpx.Headers
    content: bytes
    truncated: bool = False
    # Seconds to wait before asking this server again, from its rate-limit headers.
    wait: int | None = None
    extra: dict = field(default_factory=dict)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def text(self) -> str:
        return self.content.decode(_charset(self.headers), errors="replace")


def _charset(headers) -> str:
    for part in headers.get("content-type", "").split(";")[1:]:
        name, _eq, value = part.strip().partition("=")
        if name.lower() == "charset" and value:
            try:
                "".encode(value.strip('"'))
                return value.strip('"')
            except LookupError:
                break
    return "utf-8"


def is_public_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def check_url(url: str) -> tuple[str, int, str]:
    """(host, port, address to connect to) for ``url``, or FetchError when it may not be read."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise FetchError("Only http:// and https:// addresses can be read.")
    if parts.username or parts.password:
        raise FetchError("Addresses with a user name or password are not read.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise FetchError("The address has an invalid port.") from None
    host = parts.hostname
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        raise FetchError(f"The server {host} could not be found.") from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise FetchError(f"The server {host} could not be found.")
    if not settings.HUBBUB_SOCIAL_ALLOW_PRIVATE:
        for address in addresses:
            if not is_public_address(address):
                raise FetchError(
                    f"{host} is on a private or local network ({address}); it is not read."
                )
    return host, port, addresses[0]


def retry_after_seconds(value: str | None) -> int:
    """Seconds from a Retry-After header (seconds, or an HTTP date), within sane bounds."""
    if not value:
        return DEFAULT_RETRY_AFTER
    value = value.strip()
    try:
        seconds = int(float(value))
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
            seconds = int((when - datetime.now(UTC)).total_seconds())
        except (TypeError, ValueError, IndexError, OverflowError):
            return DEFAULT_RETRY_AFTER
    return max(1, min(seconds, MAX_RETRY_AFTER))


def rate_limit_wait(headers) -> int | None:
    """When the server says no requests are left (Mastodon's X-RateLimit-*, Bluesky's
    RateLimit-*), the seconds until its window resets."""
    for prefix in ("x-ratelimit-", "ratelimit-"):
        remaining = headers.get(prefix + "remaining")
        if remaining is None:
            continue
        try:
            if int(float(remaining)) > 0:
                return None
        except ValueError:
            return None
        reset = headers.get(prefix + "reset", "")
        try:
            number = float(reset)
            # An epoch time (Bluesky) or a number of seconds (the IETF draft).
            seconds = number - time.time() if number > 1_000_000_000 else number
        except ValueError:
            try:
                when = datetime.fromisoformat(reset.replace("Z", "+00:00"))
                seconds = (when - datetime.now(UTC)).total_seconds()
            except ValueError:
                seconds = DEFAULT_RETRY_AFTER
        return max(1, min(int(seconds) + 1, MAX_RETRY_AFTER))
    return None


def fetch(
    url: str,
    *,
    headers: dict | None = None,
    max_bytes: int = MAX_BYTES,
    truncate: bool = False,
    accept: str = "*/*",
) -> Response:
    """GET ``url`` safely. ``truncate``: keep the first ``max_bytes`` of a longer body (an HTML
    page's head) instead of refusing it. 304 comes back as a Response; other 4xx/5xx raise."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    with httpx.Client(timeout=TIMEOUT, follow_redirects=False, trust_env=False) as client:
        for _hop in range(MAX_REDIRECTS + 1):
            response = _get_once(client, url, headers, max_bytes, truncate, accept, deadline)
            if response.status in (301, 302, 303, 307, 308):
                location = response.headers.get("location")
                if not location:
                    raise FetchError("The server redirected without saying where.")
                url = urljoin(url, location)
                continue
            return response
    raise FetchError(f"More than {MAX_REDIRECTS} redirects.")


def _get_once(client, url, headers, max_bytes, truncate, accept, deadline) -> Response:
    host, port, address = check_url(url)
    parts = urlsplit(url)
    pinned_host = f"[{address}]" if ":" in address else address
    pinned = parts._replace(netloc=f"{pinned_host}:{port}").geturl()
    default_port = 443 if parts.scheme == "https" else 80
    request_headers = {
        "User-Agent": USER_AGENT,
        "Accept": accept,
        "Host": host if port == default_port else f"{host}:{port}",
        **(headers or {}),
    }
    extensions = {"sni_hostname": host} if parts.scheme == "https" else {}
    try:
        with client.stream("GET", pinned, headers=request_headers, extensions=extensions) as answer:
            status = answer.status_code
            if status == 429:
                raise FetchError(
                    "The server asked us to slow down (429).",
                    retry_after=retry_after_seconds(answer.headers.get("retry-after")),
                    status=429,
                )
            if status == 503 and answer.headers.get("retry-after"):
                raise FetchError(
                    "The server is unavailable (503).",
                    retry_after=retry_after_seconds(answer.headers.get("retry-after")),
                    status=503,
                )
            if status >= 400:
                raise FetchError(f"The server answered {status}.", status=status)
            if status in (301, 302, 303, 307, 308, 304):
                return Response(url, status, answer.headers, b"")
            declared = answer.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes and not truncate:
                raise FetchError(_too_large(max_bytes))
            body = bytearray()
            cut = False
            for chunk in answer.iter_bytes():
                body += chunk
                if len(body) > max_bytes:
                    if not truncate:
                        raise FetchError(_too_large(max_bytes))
                    del body[max_bytes:]
                    cut = True
                    break
                if time.monotonic() > deadline:
                    raise FetchError("The server took too long to answer.")
            return Response(
                url,
                status,
                answer.headers,
                bytes(body),
                truncated=cut,
                wait=rate_limit_wait(answer.headers),
            )
    except httpx.TimeoutException:
        raise FetchError("The server took too long to answer.") from None
    except httpx.HTTPError as exc:
        raise FetchError(f"Could not reach {host}: {type(exc).__name__}.") from None


def _too_large(max_bytes: int) -> str:
    return f"The answer is larger than {max_bytes // 1024:,} KB; it was not read."
