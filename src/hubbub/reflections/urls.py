# Included under /<event>/reflections/.
from django.urls import path

from . import feeds, views

app_name = "reflections"

urlpatterns = [
    path("", views.index, name="index"),
    path("new", views.write, name="new"),
    path("moderate/", views.moderate, name="moderate"),
    path("impact/", views.impact_report, name="impact"),
    path("impact.csv", views.impact_export, name="impact_csv"),
    path("remind-me/", views.morning_after, name="morning_after"),
    path("feed/rss/", feeds.ReflectionsRss(), name="rss"),
    path("feed/atom/", feeds.ReflectionsAtom(), name="atom"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("answer/<str:token>/", views.answer, name="answer"),
    path("stop/<str:token>/", views.stop, name="stop"),
    path("<int:reflection_id>/", views.detail, name="detail"),
]
