from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve as serve_media

from hubbub.api.urls import api
from hubbub.core import views as core_views

admin.site.site_header = "hubbub back office"
admin.site.site_title = "hubbub"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
    # User uploads; production deployments may serve MEDIA_ROOT from nginx or object storage.
    path("media/<path:path>", serve_media, {"document_root": settings.MEDIA_ROOT}),
    path("", include("hubbub.events.urls")),
    path("<slug:event>/live/", include("hubbub.live.urls")),
    path("<slug:event>/team/", include("hubbub.team.urls")),
]

handler404 = "hubbub.core.views.not_found"
handler500 = "hubbub.core.views.server_error"
