from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:event>/", views.home, name="home"),
    path("<slug:event>/brand.css", views.brand_css, name="brand_css"),
    path("<slug:event>/programme/", views.programme, name="programme"),
    path("<slug:event>/programme/schedule.ics", views.programme_ics, name="programme_ics"),
    path("<slug:event>/programme/schedule.xml", views.schedule_xml, name="schedule_xml"),
    path("<slug:event>/programme/schedule.json", views.schedule_json, name="schedule_json"),
    path(
        "<slug:event>/programme/<int:session_id>-<slug:slug>/",
        views.session_detail,
        name="session",
    ),
    path(
        "<slug:event>/programme/<int:session_id>.ics",
        views.session_ics,
        name="session_ics",
    ),
    path("<slug:event>/speakers/<slug:speaker>/", views.speaker_detail, name="speaker"),
]
