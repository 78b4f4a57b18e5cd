"""Back-office views of the unconference; the facilitator's console is where it is run."""

from django.contrib import admin

from .models import Outcome, Pitch, Slot, Unconference


class SlotInline(admin.TabularInline):
    model = Slot
    extra = 0
    fields = ["label", "starts_at", "ends_at", "session"]
    raw_id_fields = ["session"]


@admin.register(Unconference)
class UnconferenceAdmin(admin.ModelAdmin):
    list_display = ["event", "state", "pitching_open", "voting_open", "vote_cap", "placed_at"]
    list_select_related = ["event"]
    filter_horizontal = ["rooms"]
    raw_id_fields = ["event", "now_pitching"]
    readonly_fields = [
        "placed_at",
        "placement_missed",
        "placement_bound",
        "placement_optimal",
        "placement_moved",
    ]
    inlines = [SlotInline]


@admin.register(Pitch)
class PitchAdmin(admin.ModelAdmin):
    list_display = ["topic", "host_name", "unconference", "status", "room", "slot", "pinned"]
    list_filter = ["status", "pinned"]
    list_select_related = ["unconference__event", "room", "slot"]
    search_fields = ["topic", "host_name", "description"]
    raw_id_fields = ["unconference", "merged_into", "room", "slot", "session", "host_user"]
    # Placement goes through the console, which keeps the programme session in step.
    readonly_fields = ["host_key", "room", "slot", "pinned", "session", "merged_into"]


@admin.register(Outcome)
class OutcomeAdmin(admin.ModelAdmin):
    list_display = ["pitch", "status", "note_taker_name", "published_at"]
    list_filter = ["status"]
    list_select_related = ["pitch"]
    raw_id_fields = ["pitch", "note_taker", "recorded_by", "entry"]
    readonly_fields = ["entry", "published_at"]
