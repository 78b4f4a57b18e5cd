from django.urls import path

from . import views

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
    path("console/", views.console, name="console"),
    path("console/settings", views.setup, name="setup"),
    path("console/state", views.change_state, name="state"),
    path("console/queue", views.queue, name="queue"),
    path("console/topics/add", views.add_pitch, name="add_pitch"),
    path("console/topics/<int:pitch_id>/", views.topic_console, name="topic_console"),
    path("console/slots/add", views.add_slot, name="add_slot"),
    path("console/slots/<int:slot_id>/delete", views.delete_slot, name="delete_slot"),
    path("console/place", views.place, name="place"),
]
