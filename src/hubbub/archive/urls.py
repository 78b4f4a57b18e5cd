from django.urls import path

from . import views

app_name = "archive"

urlpatterns = [
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", views.site_sitemap, name="site_sitemap"),
    path("sitemap-site.xml", views.site_pages, name="site_pages"),
    path("<slug:event>/sitemap.xml", views.event_sitemap, name="event_sitemap"),
]
