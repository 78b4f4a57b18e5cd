"""The organisers' back office for events and their programme."""

import zoneinfo

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.utils import dateformat, timezone
from django.utils.translation import gettext_lazy as _

from hubbub.core.images import check_image_header

from .checks import check_session, find_overlaps
from .models import Event, Organisation, Partner, Room, Session, Speaker, Track
from .setup import check_brand_colour


class EventTimeMixin:
    """Show and read session times in the event's own zone, not the server's.

    An organiser in London entering a programme for Berlin types Berlin times; without this the
    admin would read them as London times.
    """

    def zone_for_request(self, request, object_id) -> str | None:
        return None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        zone = self.zone_for_request(request, object_id)
        request.hubbub_time_zone = zone
        if zone is None:
            return super().changeform_view(request, object_id, form_url, extra_context)
        with timezone.override(zoneinfo.ZoneInfo(zone)):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            # Render now, while the event's zone is still the current one.
            if hasattr(response, "render"):
                response.render()
            return response


class EventTimeHelpMixin:
    """Says beside every date-time field which zone it is in."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and isinstance(db_field, models.DateTimeField):
            zone = getattr(request, "hubbub_time_zone", None)
            formfield.help_text = (
                _("In the event’s time zone, %(zone)s.") % {"zone": zone}
                if zone
                else _("In the time zone of the event (%(zone)s unless it says otherwise).")
                % {"zone": settings.TIME_ZONE}
            )
        return formfield


def _known_zone(name) -> str | None:
    return name if name and name in zoneinfo.available_timezones() else None


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "website"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class RoomInline(admin.TabularInline):
    model = Room
    extra = 0
    fields = ["name", "capacity", "order"]


class TrackInline(admin.TabularInline):
    model = Track
    extra = 0


class PartnerInline(admin.TabularInline):
    model = Partner
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    extra = 0
    fields = ["name", "website", "logo", "order"]


class SessionInlineFormSet(BaseInlineFormSet):
    """Checks the programme as it will be after saving, including rows added together."""

    def clean(self):
        super().clean()
        event = self.instance
        if not (event.starts_on and event.ends_on) or event.ends_on < event.starts_on:
            return  # the event's own fields already carry the error
        rows = []
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                continue
            if form.cleaned_data.get("DELETE"):
                continue
            data = form.cleaned_data
            if form.errors or data.get("starts_at") is None or data.get("ends_at") is None:
                continue
            if not event.pk:
                # A new event: the sessions' own clean() could not see its dates yet.
                try:
                    check_session(
                        event=event,
                        starts_at=data["starts_at"],
                        ends_at=data["ends_at"],
                        room=data.get("room"),
                    )
                except ValidationError as error:
                    _add_errors(form, error)
                    continue
            rows.append((form, data))
        clashes = find_overlaps(
            [(data.get("room"), data["starts_at"], data["ends_at"], form) for form, data in rows]
        )
        for form, other in clashes:
            local = timezone.localtime(other.cleaned_data["starts_at"], event.tz)
            form.add_error(
                "room",
                _("%(room)s is already taken then by “%(title)s” (%(time)s).")
                % {
                    "room": other.cleaned_data["room"].name,
                    "title": other.cleaned_data.get("title") or _("another session"),
                    "time": local.strftime("%H:%M"),
                },
            )
        if clashes:
            raise ValidationError(_("Two sessions cannot share a room at the same time."))


def _add_errors(form, error: ValidationError) -> None:
    for field, messages in error.message_dict.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)


class SessionInline(EventTimeHelpMixin, admin.TabularInline):
    model = Session
    formset = SessionInlineFormSet
    extra = 0
    fields = ["title", "kind", "room", "starts_at", "ends_at"]
    show_change_link = True
    ordering = ["starts_at", "room__order"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "room":
            # Only this event's rooms; a new event has none until it is saved.
            object_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = Room.objects.filter(event_id=object_id or None)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class EventAdminForm(forms.ModelForm):
    """The admin refuses what the back office refuses: an unreadable brand colour, a logo
    that is not a photo (SVG can carry script), too large or of too many pixels."""

    def clean_brand_colour(self):
        colour = (self.cleaned_data.get("brand_colour") or "").strip().lower()
        errors: dict = {}
        check_brand_colour(colour, errors)
        if errors:
            raise ValidationError(errors["brand_colour"])
        return colour

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and hasattr(logo, "content_type"):  # a new upload, not the stored file
            try:
                check_image_header(logo, field="logo")
            except ValidationError as error:
                raise ValidationError(error.message_dict["logo"]) from None
        return logo


@admin.register(Event)
class EventAdmin(EventTimeMixin, admin.ModelAdmin):
    form = EventAdminForm
    list_display = ["title", "starts_on", "ends_on", "organisation", "status", "venue"]
    list_filter = ["status", "organisation"]
    search_fields = ["title", "slug", "venue", "organisation__name"]
    date_hierarchy = "starts_on"
    prepopulated_fields = {"slug": ["title"]}
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "organisation", "status"]}),
        (_("When and where"), {"fields": ["starts_on", "ends_on", "time_zone", "venue"]}),
        (_("About"), {"fields": ["summary", "logo", "brand_colour"]}),
    ]
    inlines = [RoomInline, TrackInline, PartnerInline, SessionInline]

    def zone_for_request(self, request, object_id):
        if object_id is None:
            # A new event: its sessions are in the zone being chosen for it.
            return _known_zone(request.POST.get("time_zone"))
        return Event.objects.filter(pk=object_id).values_list("time_zone", flat=True).first()


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["name", "event", "capacity", "order"]
    list_filter = ["event"]
    search_fields = ["name", "event__title"]
    list_select_related = ["event"]


@admin.register(Track)
class TrackAdmin(admin.ModelAdmin):
    list_display = ["name", "event", "colour"]
    list_filter = ["event"]
    search_fields = ["name", "event__title"]
    list_select_related = ["event"]


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "event"]
    list_filter = ["event"]
    search_fields = ["name", "organisation", "bio"]
    list_select_related = ["event"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["event"]


class SpeakerChoiceField(forms.ModelMultipleChoiceField):
    """Speakers named so two of the same name can be told apart."""

    def label_from_instance(self, speaker):
        if speaker.organisation:
            return f"{speaker.name} ({speaker.organisation})"
        return f"{speaker.name} ({speaker.slug})"


def _event_id_of_form(request) -> int | None:
    """The event the session form is for: the one chosen in it, else the saved session's."""
    chosen = request.POST.get("event") or request.GET.get("event")
    if chosen and str(chosen).isdigit():
        return int(chosen)
    object_id = request.resolver_match.kwargs.get("object_id") if request.resolver_match else None
    if object_id and str(object_id).isdigit():
        return Session.objects.filter(pk=object_id).values_list("event_id", flat=True).first()
    return None


@admin.register(Session)
class SessionAdmin(EventTimeMixin, EventTimeHelpMixin, admin.ModelAdmin):
    list_display = ["title", "event", "kind", "local_start", "room", "track"]
    list_filter = ["event", "kind", "track"]
    search_fields = ["title", "description", "speakers__name", "event__title"]
    list_select_related = ["event", "room", "track"]
    # Rooms, tracks and speakers are plain pickers limited to the session's own event: a
    # search box over every event's rooms and speakers invited borrowing another event's.
    autocomplete_fields = ["event"]
    date_hierarchy = "starts_at"
    fieldsets = [
        (None, {"fields": ["event", "title", "slug", "kind"]}),
        (_("When and where"), {"fields": ["starts_at", "ends_at", "room", "track"]}),
        (_("About"), {"fields": ["description", "speakers"]}),
    ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in {"room", "track"}:
            # Nothing to offer a new session until its event is chosen and saved.
            kwargs["queryset"] = db_field.related_model.objects.filter(
                event_id=_event_id_of_form(request)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "speakers":
            kwargs["queryset"] = Speaker.objects.filter(event_id=_event_id_of_form(request))
            kwargs["form_class"] = SpeakerChoiceField
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("starts (event time)"), ordering="starts_at")
    def local_start(self, session):
        return dateformat.format(
            timezone.localtime(session.starts_at, session.event.tz), "j M Y H:i"
        )

    def zone_for_request(self, request, object_id):
        # The event chosen in the form when there is one, else the session's saved event.
        event_id = request.POST.get("event") or request.GET.get("event")
        if not (event_id and str(event_id).isdigit()) and object_id is not None:
            event_id = (
                Session.objects.filter(pk=object_id).values_list("event_id", flat=True).first()
            )
        if not event_id or not str(event_id).isdigit():
            return None
        return Event.objects.filter(pk=event_id).values_list("time_zone", flat=True).first()
