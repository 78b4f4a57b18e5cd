from django.contrib import admin
from django.urls import include, path

from hubbub.api.urls import api
from hubbub.blog import views as blog_views
from hubbub.blog.feed_urls import event_urlpatterns as event_feed_urls
from hubbub.comments import views as comments_views
from hubbub.core.views import js_catalogue, media_file, set_language
from hubbub.health import healthz

admin.site.site_header = "hubbub back office"
admin.site.site_title = "hubbub"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("api/v1/", api.urls),
    # User uploads; production deployments may serve MEDIA_ROOT from nginx or object storage.
    path("media/<path:path>", media_file),
    path("i18n/setlang/", set_language, name="set_language"),
    path("i18n/catalogue/<str:language>.json", js_catalogue, name="js_catalogue"),
    path("search/", blog_views.search, name="search"),
    path("me/unsubscribe/<str:token>/", comments_views.unsubscribe, name="unsubscribe"),
    path("feeds/", include("hubbub.blog.feed_urls")),
    path(
        "blog/comments/",
        include(("hubbub.comments.urls", "comments"), namespace="site_comments"),
    ),
    path("blog/", include(("hubbub.blog.urls", "blog"), namespace="site_blog")),
    # robots.txt, sitemaps; the archive's pages under /<event>/manage/archive/.
    path("", include("hubbub.archive.urls")),
    path("<slug:event>/manage/audience/", include("hubbub.stats.urls")),
    # /manage/ and /<event>/manage/…: before the event's own paths.
    path("", include("hubbub.backoffice.urls")),
    path("<slug:event>/blog/", include(("hubbub.blog.urls", "blog"), namespace="blog")),
    path(
        "<slug:event>/comments/",
        include(("hubbub.comments.urls", "comments"), namespace="comments"),
    ),
    path("<slug:event>/feed/", include(event_feed_urls)),
    path("<slug:event>/unconference/", include("hubbub.unconf.urls")),
    path("<slug:event>/reflections/", include("hubbub.reflections.urls")),
    path("<slug:event>/wall/", include("hubbub.social.urls")),
    path("<slug:event>/", include("hubbub.media.urls")),
    path("", include("hubbub.events.urls")),
    path("<slug:event>/live/", include("hubbub.live.urls")),
    path("<slug:event>/team/", include("hubbub.team.urls")),
]

handler403 = "hubbub.core.views.forbidden"
handler404 = "hubbub.core.views.not_found"
handler500 = "hubbub.core.views.server_error"
