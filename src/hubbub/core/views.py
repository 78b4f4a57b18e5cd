from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.static import serve


@never_cache
def healthz(request):
    """Database and broker status for load balancers and monitoring."""
    from hubbub.live.broker import get_broker

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = {"ok": True, "vendor": connection.vendor}
    except Exception as exc:
        database = {"ok": False, "vendor": connection.vendor, "error": str(exc)}
    try:
        broker = get_broker().check()
    except Exception as exc:
        broker = {"ok": False, "error": str(exc)}
    ok = database["ok"] and broker["ok"]
    return JsonResponse(
        {"status": "ok" if ok else "error", "database": database, "broker": broker},
        status=200 if ok else 503,
    )


def not_found(request, exception=None):
    message = ""
    if exception is not None and exception.args and isinstance(exception.args[0], str):
        message = exception.args[0]
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message or "Not found."}, status=404)
    return render(request, "core/404.html", {"message": message}, status=404)


def server_error(request):
    return render(request, "core/500.html", status=500)


def media_file(request, path):
    """An uploaded file from MEDIA_ROOT (read per request, so a changed setting applies)."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)
