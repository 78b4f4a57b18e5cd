from django.conf import settings
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods
from django.views.i18n import JSONCatalog
from django.views.static import serve


def not_found(request, exception=None):
    message = ""
    if exception is not None and exception.args and isinstance(exception.args[0], str):
        message = exception.args[0]
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message or "Not found."}, status=404)
    return render(request, "core/404.html", {"message": message}, status=404)


def forbidden(request, exception=None):
    message = ""
    if exception is not None and exception.args and isinstance(exception.args[0], str):
        message = exception.args[0]
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message or "Permission denied."}, status=403)
    if message.startswith("You may not "):  # the policy's terse wording names an internal action
        message = ""
    return render(request, "core/403.html", {"message": message}, status=403)


def server_error(request):
    return render(request, "core/500.html", status=500)


def media_file(request, path):
    """An uploaded file from MEDIA_ROOT (read per request, so a changed setting applies)."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)


@require_http_methods(["GET", "POST"])
def set_language(request):
    """Switch the interface language and go back to the page the visitor was on.

    A plain link (GET) or a form (POST) with ``language`` and ``next``; the choice is kept in
    Django's language cookie. ``next`` must be a path on this site; anything else goes home."""
    data = request.POST if request.method == "POST" else request.GET
    next_url = data.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ) or not next_url.startswith("/"):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    response["Cache-Control"] = "no-store"
    language = data.get("language", "")
    if language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE or request.is_secure(),
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response


_js_catalogue = JSONCatalog.as_view(domain="djangojs")


@cache_control(public=True, max_age=3600)
@require_http_methods(["GET"])
def js_catalogue(request, language):
    """The scripts' wording in ``language`` (core/static/hubbub/i18n.js fetches it)."""
    code = language.lower()
    if code not in dict(settings.LANGUAGES):
        return JsonResponse({"detail": "No such language."}, status=404)
    with translation.override(code):
        return _js_catalogue(request)
