"""Back office for event roles; grants and revocations go through the team services."""

from django.contrib import admin

from .models import EventRole
from .services import LAPSE_AFTER_EVENT, do_grant_role, do_revoke_role


@admin.register(EventRole)
class EventRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "event", "role", "granted_at", "granted_by", "expires_at"]
    list_filter = ["role", "event"]
    search_fields = ["user__username", "user__email", "event__title"]
    list_select_related = ["user", "event", "granted_by"]
    autocomplete_fields = ["user", "event", "home_room"]
    fields = ["user", "event", "role", "expires_at", "home_room", "granted_by", "granted_at"]
    readonly_fields = ["granted_by", "granted_at"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        # A new grant: the service records who granted it in the audit log. Left blank, the
        # lapse time is the event's default (its last day plus the team's lapse days).
        grant = do_grant_role(
            user=obj.user,
            event=obj.event,
            role=obj.role,
            granted_by=request.user,
            home_room=obj.home_room,
            expires_at=obj.expires_at or LAPSE_AFTER_EVENT,
        )
        obj.pk, obj.granted_at, obj.granted_by = grant.pk, grant.granted_at, grant.granted_by
        obj._state.adding = False

    def delete_model(self, request, obj):
        do_revoke_role(user=obj.user, event=obj.event, role=obj.role, revoked_by=request.user)

    def delete_queryset(self, request, queryset):
        for grant in queryset.select_related("user", "event"):
            self.delete_model(request, grant)
