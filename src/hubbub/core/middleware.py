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
        if "Content-Security-Policy" not in response:
            # Embeds are meant to be framed by any site; everything else only by our own.
            embeddable = getattr(response, "embeddable", False)
            response["Content-Security-Policy"] = self.policy.format(
                frame_ancestors="*" if embeddable else "'self'"
            )
        return response
