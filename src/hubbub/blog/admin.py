from django.contrib import admin

from .models import Category, Post, Tag


@admin.register(Category, Tag)
class NameSlugAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["title", "event", "author", "status", "publish_at"]
    list_filter = ["status", "event"]
    search_fields = ["title", "body"]
    # Body HTML, the search index and the audit log are written by the service; the admin is
    # for looking and for small fixes, the site's own writing page is where posts are written.
    readonly_fields = ["body", "author", "created_at", "updated_at"]
    filter_horizontal = ["categories", "tags"]
