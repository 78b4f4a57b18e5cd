from django.urls import path

from . import views

app_name = "live"

urlpatterns = [
    path("", views.reader_page, name="page"),
    path("embed", views.embed_page, name="embed"),
    path("write", views.console, name="console"),
    path("write/wrap-up", views.wrapup, name="wrapup"),
    path("review", views.review_queue, name="review"),
    path("write/<int:entry_id>/edit", views.edit_entry, name="edit"),
    path("write/<int:entry_id>/delete", views.delete_entry, name="delete"),
    path("write/<int:entry_id>/pin", views.pin_entry, name="pin"),
    path("<int:entry_id>/", views.entry_detail, name="entry"),
]
