"""/manage/ for what spans events; /<event>/manage/… for one event's organiser tools."""

from django.urls import path

from . import import_views, views
from . import programme_views as programme

app_name = "backoffice"

urlpatterns = [
    path("manage/", views.index, name="index"),
    path("manage/new", views.create_event, name="create"),
    path("<slug:event>/manage/", views.dashboard, name="dashboard"),
    path("<slug:event>/manage/settings", views.event_settings, name="settings"),
    path("<slug:event>/manage/status", views.event_status, name="status"),
    path("<slug:event>/manage/comments", views.comment_policy, name="comment_policy"),
    path("<slug:event>/manage/next", views.copy_event, name="copy"),
    path("<slug:event>/manage/programme/", programme.programme_editor, name="programme"),
    path("<slug:event>/manage/programme/add", programme.session_add, name="session_add"),
    path(
        "<slug:event>/manage/programme/import",
        import_views.programme_import,
        name="programme_import",
    ),
    path("<slug:event>/manage/programme/<int:session_id>/", programme.session_edit, name="session"),
    path(
        "<slug:event>/manage/programme/<int:session_id>/swap",
        programme.session_swap,
        name="session_swap",
    ),
    path(
        "<slug:event>/manage/programme/<int:session_id>/delete",
        programme.session_delete,
        name="session_delete",
    ),
    path("<slug:event>/manage/speakers/copy", programme.speaker_copy, name="speaker_copy"),
]

for kind in ("rooms", "tracks", "speakers"):
    urlpatterns += [
        path(f"<slug:event>/manage/{kind}/", programme.things, {"kind": kind}, name=kind),
        path(
            f"<slug:event>/manage/{kind}/<int:pk>/",
            programme.thing_edit,
            {"kind": kind},
            name=f"{kind[:-1]}",
        ),
        path(
            f"<slug:event>/manage/{kind}/<int:pk>/delete",
            programme.thing_delete,
            {"kind": kind},
            name=f"{kind[:-1]}_delete",
        ),
    ]
