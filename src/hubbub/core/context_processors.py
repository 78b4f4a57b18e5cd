from django.conf import settings


def site(request):
    return {"site_name": getattr(settings, "HUBBUB_SITE_NAME", "hubbub")}
