from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.utils import translation

from . import pageparts


def html_lang(code: str) -> str:
    """A Django language code as a BCP 47 tag for ``<html lang>``: en-gb → en-GB, cy → cy."""
    language, _sep, region = code.partition("-")
    return f"{language}-{region.upper()}" if region else language


def site(request):
    return {
        "site_name": settings.HUBBUB_SITE_NAME,
        "html_lang": html_lang(translation.get_language()),
        "canonical_url": canonical_url(request),
        # For the language switcher: each language named in its own words, never translated.
        "interface_languages": [
            {"code": code, "name": name, "lang": html_lang(code)}
            for code, name in settings.LANGUAGES
        ],
    }


def shared_page(request):
    """A page rendered for the shared cache (core/pagecache.py) carries no CSRF token: it would
    be one browser's token in every reader's copy, and setting it would make the page
    personal. Its forms are accepted by their origin instead (SameOriginCsrfMiddleware)."""
    if pageparts.rendering_for_many(request):
        return {"csrf_token": "NOTPROVIDED"}
    return {}


def canonical_url(request) -> str:
    """The page's own address without its query string (filters and pages of a list), on the
    site's public origin when one is set."""
    if settings.HUBBUB_SITE_URL:
        return settings.HUBBUB_SITE_URL + request.path
    try:
        return f"{request.scheme}://{request.get_host()}{request.path}"
    except DisallowedHost:
        return ""
