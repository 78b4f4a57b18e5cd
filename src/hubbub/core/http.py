"""Who is on the other end of a request, when reverse proxies stand in between.

Only a proxy listed in ``HUBBUB_TRUSTED_PROXIES`` may say where a request came from
(``X-Forwarded-For``) and whether it arrived over HTTPS (``X-Forwarded-Proto``). From anyone
else those headers are whatever the client chose to send, so they are ignored: a rate limit
keyed on them could be dodged by sending a new address each time.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings

# request.META keys set here; a client cannot send them (its headers all start with HTTP_).
PEER_ADDR = "HUBBUB_PEER_ADDR"
FORWARDED_PROTO = "HUBBUB_FORWARDED_PROTO"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "192.0.2.1:443"
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    # An IPv4 client reaching an IPv6 socket shows up as ::ffff:a.b.c.d.
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def is_trusted_proxy(value: str | None) -> bool:
    """Whether ``value`` is the address of one of HUBBUB_TRUSTED_PROXIES."""
    return _is_trusted(value or "", tuple(settings.HUBBUB_TRUSTED_PROXIES))


# Asked several times for every request (the like gate asks it for every like); the answer
# depends only on the two arguments.
@lru_cache(maxsize=4096)
def _is_trusted(value: str, proxies: tuple[str, ...]) -> bool:
    address = _address(value)
    if address is None:
        return False
    return any(address in network for network in _networks(proxies))


def peer_address(request) -> str:
    """The address of whoever opened the connection (a proxy, or the client itself)."""
    return request.META.get(PEER_ADDR) or request.META.get("REMOTE_ADDR") or ""


def client_ip(request) -> str | None:
    """The client's address: the connection's, or, when that is a trusted proxy, the rightmost
    address in X-Forwarded-For that is not one of our proxies (the ones to its left were
    written by the client and prove nothing)."""
    peer = peer_address(request)
    if not is_trusted_proxy(peer):
        return peer or None
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [h for h in hops if h]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            # Garbage where an address should be: stop believing anything further left.
            return str(_address(peer))
        if not is_trusted_proxy(hop):
            return str(address)
    # Every hop is one of ours: the leftmost is as close to the client as we can tell.
    first = _address(hops[0]) if hops else None
    return str(first or _address(peer))


def forwarded_proto(request) -> str | None:
    """``https`` or ``http`` as a trusted proxy reports it, else None."""
    if not is_trusted_proxy(peer_address(request)):
        return None
    value = request.META.get("HTTP_X_FORWARDED_PROTO", "").split(",", 1)[0].strip().lower()
    return value if value in {"http", "https"} else None
