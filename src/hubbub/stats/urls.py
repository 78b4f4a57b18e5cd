from django.urls import path

from . import views

app_name = "stats"

urlpatterns = [
    path("", views.audience, name="audience"),
    path("audience.csv", views.audience_download, name="audience_csv"),
]
