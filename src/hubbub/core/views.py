from django.http import JsonResponse
from django.shortcuts import render


def not_found(request, exception=None):
    message = ""
    if exception is not None and exception.args and isinstance(exception.args[0], str):
        message = exception.args[0]
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message or "Not found."}, status=404)
    return render(request, "core/404.html", {"message": message}, status=404)


def server_error(request):
    return render(request, "core/500.html", status=500)
