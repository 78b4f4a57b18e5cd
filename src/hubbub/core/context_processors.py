from django.conf import settings
from django.core.exceptions import DisallowedHost


def site(request):
    return {"site_name": settings.HUBBUB_SITE_NAME, "canonical_url": canonical_url(request)}


def canonical_url(request) -> str:
    """The page's own address without its query string (filters and pages of a list), on the
    site's public origin when one is set."""
    if settings.HUBBUB_SITE_URL:
        return settings.HUBBUB_SITE_URL + request.path
    try:
        return f"{request.scheme}://{request.get_host()}{request.path}"
    except DisallowedHost:
        return ""
