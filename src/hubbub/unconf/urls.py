from django.urls import path

from . import console_views, views

app_name = "unconf"

urlpatterns = [
    path("", views.index, name="index"),
    path("pitch", views.pitch, name="pitch"),
    path("topics", views.vote, name="vote"),
    path("board", views.board, name="board"),
    path("now", views.now, name="now"),
    path("projector", views.projector, name="projector"),
    path("topics/<int:pitch_id>/", views.topic, name="topic"),
    path("topics/<int:pitch_id>/notes", views.notes, name="notes"),
    path("console/", console_views.console, name="console"),
    path("console/settings", console_views.setup, name="setup"),
    path("console/state", console_views.change_state, name="state"),
    path("console/queue", console_views.queue, name="queue"),
    path("console/topics/add", console_views.add_pitch, name="add_pitch"),
    path("console/topics/<int:pitch_id>/", console_views.topic_console, name="topic_console"),
    path("console/slots/add", console_views.add_slot, name="add_slot"),
    path("console/slots/<int:slot_id>/delete", console_views.delete_slot, name="delete_slot"),
    path("console/place", console_views.place, name="place"),
]
