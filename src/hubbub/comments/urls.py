# Included under /<event>/comments/ (namespace "comments") and /blog/comments/ ("site_comments").
from django.urls import path

from . import views

urlpatterns = [
    path("moderate/", views.moderate, name="moderate"),
    path("likes/", views.like_counts, name="like_counts"),
    path("edit/<int:comment_id>/", views.edit_comment, name="edit"),
    path("<slug:kind>/<int:object_id>/like/", views.like, name="like"),
    path("<slug:kind>/<int:object_id>/", views.target_comments, name="target"),
]
