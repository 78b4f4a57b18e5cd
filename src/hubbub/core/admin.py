"""Back office for API tokens and the audit log."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import ApiToken, AuditEntry
from .tokens import do_revoke_token


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created with `hubbub token create USERNAME`, which shows the secret once;
    here they can be seen and revoked, never read back."""

    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "is_active"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["prefix", "name", "user__username", "user__email"]
    list_select_related = ["user"]
    readonly_fields = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    fields = readonly_fields
    actions = ["revoke"]

    @admin.display(boolean=True, description=_("active"))
    def is_active(self, token):
        return token.is_active

    @admin.action(description=_("Revoke the selected tokens"), permissions=["revoke"])
    def revoke(self, request, queryset):
        tokens = list(queryset.filter(revoked_at__isnull=True).select_related("user"))
        for token in tokens:
            do_revoke_token(token, actor=request.user)
        self.message_user(
            request,
            ngettext("Revoked %(count)d token.", "Revoked %(count)d tokens.", len(tokens))
            % {"count": len(tokens)},
            messages.SUCCESS,
        )

    def has_revoke_permission(self, request):
        return request.user.has_perm("core.change_apitoken")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Viewing only; the revoke action is the one change allowed.
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The log is a record: it can be read and searched, never edited."""

    list_display = ["created_at", "action", "actor", "event", "target_type", "target_id"]
    list_filter = ["action", "event"]
    search_fields = ["action", "target_id", "actor__username"]
    list_select_related = ["actor", "event"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "created_at", "action", "actor", "event", "target_type", "target_id", "data"
    ]  # fmt: skip
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
