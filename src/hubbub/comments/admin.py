from django.contrib import admin

from .models import Comment, DisallowedWord, EventCommentSettings


@admin.register(DisallowedWord)
class DisallowedWordAdmin(admin.ModelAdmin):
    search_fields = ["word"]


@admin.register(EventCommentSettings)
class EventCommentSettingsAdmin(admin.ModelAdmin):
    list_display = ["event", "close_after_days"]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    # Read-only: approving goes through the moderation queue, which publishes and sends email.
    list_display = ["author_name", "author_email", "event", "status", "created_at"]
    list_filter = ["status", "event"]
    search_fields = ["author_name", "author_email", "body"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
