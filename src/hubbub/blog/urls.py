# Included twice: under /<event>/blog/ (namespace "blog") and /blog/ (namespace "site_blog").
from django.urls import path

from . import views

urlpatterns = [
    path("", views.post_list, name="list"),
    path("write/", views.write, name="write"),
    path("<int:year>/<int:month>/", views.month_archive, name="month"),
    path("category/<slug:slug>/", views.category_archive, name="category"),
    path("tag/<slug:slug>/", views.tag_archive, name="tag"),
    path("author/<str:username>/", views.author_archive, name="author"),
    path("<slug:slug>/edit/", views.write, name="edit"),
    path("<slug:slug>/", views.post_detail, name="post"),
]
