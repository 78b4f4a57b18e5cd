from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
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
