from django.urls import path

from . import views

app_name = "team"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("members/<int:user_id>/", views.member, name="member"),
    path("join/", views.join, name="join"),
    path("applications/", views.applications, name="applications"),
    path("invitations/", views.invitations, name="invitations"),
    path("invitations/<str:key>/", views.invitation, name="invitation"),
    path("coverage/", views.coverage, name="coverage"),
    path("me/", views.me, name="me"),
    path("desk/", views.desk, name="desk"),
    path("audit/", views.audit, name="audit"),
]
