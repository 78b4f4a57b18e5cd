from django.urls import path

from . import views

app_name = "archive"

urlpatterns = [
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", views.site_sitemap, name="site_sitemap"),
    path("sitemap-site.xml", views.site_pages, name="site_pages"),
    path("<slug:event>/sitemap.xml", views.event_sitemap, name="event_sitemap"),
    path("<slug:event>/manage/archive/", views.manage, name="manage"),
    path("<slug:event>/manage/archive/<int:export_id>/download", views.download, name="download"),
    path("<slug:event>/manage/archive/wordpress", views.wxr_upload, name="wxr_upload"),
]
