from django.conf import settings


def site(request):
    return {"site_name": settings.HUBBUB_SITE_NAME}


def shared_page(request):
    """A page rendered for the shared cache (core/pagecache.py) carries no CSRF token: it would
    be one browser's token in every reader's copy, and setting it would make the page
    personal. Its forms are accepted by their origin instead (SameOriginCsrfMiddleware)."""
    if getattr(request, "scope", {}).get("hubbub.shared"):
        return {"csrf_token": "NOTPROVIDED"}
    return {}
