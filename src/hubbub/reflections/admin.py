from django.contrib import admin

from .models import Reflection, ReflectionItem, ReflectionSettings


class ItemInline(admin.TabularInline):
    model = ReflectionItem
    extra = 0
    raw_id_fields = ["session"]


@admin.register(Reflection)
class ReflectionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "event", "status", "published_at"]
    list_filter = ["status"]
    raw_id_fields = ["event", "author"]
    inlines = [ItemInline]


@admin.register(ReflectionSettings)
class ReflectionSettingsAdmin(admin.ModelAdmin):
    list_display = ["event", "first_followup_days", "second_followup_days"]
    raw_id_fields = ["event"]
