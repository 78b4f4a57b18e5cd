from django.urls import path

from . import views

app_name = "social"

urlpatterns = [
    path("", views.wall, name="wall"),
    path("screen", views.screen, name="screen"),
    path("embed", views.embed, name="embed"),
    path("queue", views.queue, name="queue"),
    path("posts/<int:post_id>/", views.post_action, name="post_action"),
    path("sources", views.sources, name="sources"),
    path("sources/<int:source_id>/", views.source_action, name="source_action"),
]
