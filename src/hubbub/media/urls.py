from django.urls import path

from . import views

app_name = "media"

urlpatterns = [
    path("slides/", views.index, name="index"),
    path("slides/upload/", views.upload, name="upload"),
    path("slides/<int:slideshow_id>/", views.slideshow, name="slideshow"),
    path("slides/<int:slideshow_id>/manage/", views.manage, name="manage"),
    path("slides/<int:slideshow_id>/download/", views.download, name="download"),
    path("photos/new/", views.gallery_new, name="gallery_new"),
    path("photos/<int:gallery_id>/", views.gallery, name="gallery"),
    path("photos/<int:gallery_id>/add/", views.gallery_add, name="gallery_add"),
    path("photos/<int:gallery_id>/<int:photo_id>/", views.photo_edit, name="photo_edit"),
    path("photos/<int:gallery_id>/<int:photo_id>/live/", views.photo_live, name="photo_live"),
]
