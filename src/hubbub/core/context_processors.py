from django.conf import settings


def site(request):
    return {"site_name": settings.HUBBUB_SITE_NAME}
