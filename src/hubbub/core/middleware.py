from django.middleware.csrf import CsrfViewMiddleware

from . import http


class TrustedProxyMiddleware:
    """First in the chain: the client's address and scheme, believing proxies we trust only.

    REMOTE_ADDR becomes the client's address (``http.client_ip``), so every reader of it, ours
    or a library's, sees the same one; the connection's own address stays in META under
    ``http.PEER_ADDR``. A trusted proxy's ``X-Forwarded-Proto: https`` makes the request secure
    (SECURE_PROXY_SSL_HEADER reads the META key set here, which no client can send). On a
    secure request every cookie set is marked Secure, and SecurityMiddleware adds HSTS.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        settle_client(request)
        return secure_cookies(request, self.get_response(request))


def settle_client(request) -> None:
    """Set the client's address and scheme on ``request`` (also used by the like gate, which
    answers in front of this middleware)."""
    meta = request.META
    meta.setdefault(http.PEER_ADDR, meta.get("REMOTE_ADDR", ""))
    meta["REMOTE_ADDR"] = http.client_ip(request) or ""
    proto = http.forwarded_proto(request)
    if proto:
        meta[http.FORWARDED_PROTO] = proto
    else:
        meta.pop(http.FORWARDED_PROTO, None)


def secure_cookies(request, response):
    if request.is_secure():
        for morsel in response.cookies.values():
            morsel["secure"] = True
    return response


class ContentSecurityPolicyMiddleware:
    """A strict CSP: no inline script or style anywhere, so injected markup cannot run."""

    policy = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
        "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
        "form-action 'self' https:; frame-ancestors {frame_ancestors}"
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        return add_content_security_policy(response)


def add_content_security_policy(response):
    if "Content-Security-Policy" not in response:
        # Embeds are meant to be framed by any site; everything else only by our own.
        embeddable = getattr(response, "embeddable", False)
        response["Content-Security-Policy"] = ContentSecurityPolicyMiddleware.policy.format(
            frame_ancestors="*" if embeddable else "'self'"
        )
    return response


class SameOriginCsrfMiddleware(CsrfViewMiddleware):
    """Django's CSRF check, which also accepts a form the browser says it sent from one of
    this site's own pages, without a token (docs/security.md, "Forms on cached pages").

    Public pages are cached whole and shared by every reader, so their forms cannot carry a
    per-browser token. Browsers say where a request comes from in headers no page script can
    set: ``Sec-Fetch-Site`` (every current browser) and ``Origin`` (sent with every POST). A
    request that says ``Sec-Fetch-Site: same-origin``, or has no ``Sec-Fetch-Site`` but an
    ``Origin`` that is this site, came from this site's own pages; anything else (another site,
    a sibling subdomain, no headers at all) still needs the token, as before."""

    def process_view(self, request, callback, callback_args, callback_kwargs):
        if (
            request.method not in ("GET", "HEAD", "OPTIONS", "TRACE")
            and not getattr(request, "csrf_processing_done", False)
            and not getattr(callback, "csrf_exempt", False)
            and self._sent_from_this_site(request)
        ):
            return self._accept(request)
        return super().process_view(request, callback, callback_args, callback_kwargs)

    def _sent_from_this_site(self, request) -> bool:
        fetch_site = request.META.get("HTTP_SEC_FETCH_SITE")
        origin = request.META.get("HTTP_ORIGIN")
        if origin is not None and (origin == "null" or not self._origin_verified(request)):
            return False
        if fetch_site is not None:
            return fetch_site == "same-origin"
        return origin is not None
