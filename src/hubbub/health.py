"""``/healthz``: database and broker status for load balancers and monitoring."""

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from hubbub.live.broker import get_broker


@never_cache
def healthz(request):
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
