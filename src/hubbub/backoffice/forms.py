"""The back office's forms: they parse what the organiser typed; the services judge it."""

from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hubbub.comments.models import EventCommentSettings
from hubbub.comments.services.policy import MAX_CLOSE_AFTER_DAYS
from hubbub.events.models import Event, Session

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
IMAGE_TYPES = "image/jpeg,image/png,image/webp,image/gif"


class EventFieldsForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    slug = forms.CharField(
        label=_("Web address"),
        max_length=80,
        help_text=_("Lower-case letters, numbers and hyphens, e.g. digital-westbrook-2031."),
        widget=forms.TextInput(attrs={"autocapitalize": "none", "spellcheck": "false"}),
    )
    starts_on = forms.DateField(label=_("First day"), widget=DATE)
    ends_on = forms.DateField(label=_("Last day"), widget=DATE)
    time_zone = forms.CharField(
        label=_("Time zone"),
        max_length=64,
        initial="Europe/London",
        help_text=_("A name such as Europe/London or Europe/Berlin."),
        widget=forms.TextInput(attrs={"autocapitalize": "none", "spellcheck": "false"}),
    )
    venue = forms.CharField(label=_("Venue"), max_length=300, required=False)
    venue_address = forms.CharField(
        label=_("Venue address (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
    )
    summary = forms.CharField(
        label=_("Summary (optional)"),
        required=False,
        help_text=_("A few sentences for the event's home page. Markdown."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    brand_colour = forms.CharField(
        label=_("Brand colour"),
        max_length=7,
        initial="#1d70b8",
        help_text=_(
            "As #RRGGBB. The text on it is white or black, whichever reads better; a "
            "mid-tone on which neither is readable (4.5:1) is refused."
        ),
        widget=forms.TextInput(attrs={"autocapitalize": "none", "spellcheck": "false"}),
    )
    bilingual = forms.BooleanField(
        label=_("The event's content is in English and Welsh"),
        required=False,
        help_text=_(
            "Readers see a note that updates, posts and the programme come in both languages."
        ),
    )
    logo = forms.FileField(
        label=_("Logo (optional)"),
        required=False,
        help_text=_("A JPEG, PNG, WebP or GIF image up to 20 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": IMAGE_TYPES}),
    )


class CreateEventForm(EventFieldsForm):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None, empty_label=None)
    field_order = ["organisation"]

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class EditEventForm(EventFieldsForm):
    remove_logo = forms.BooleanField(label=_("Remove the current logo"), required=False)
    logo = forms.FileField(
        label=_("New logo (optional)"),
        required=False,
        help_text=_("A JPEG, PNG, WebP or GIF image up to 20 MB."),
        widget=forms.FileInput(attrs={"accept": IMAGE_TYPES}),
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Event.Status.choices)
    status_by_dates = forms.BooleanField(
        label=_("Go live and end by the dates"),
        required=False,
        help_text=_(
            "Live from the start of the first day, ended after the last day, in the event's "
            "time zone. Choosing a status the dates would not give switches this off."
        ),
    )


class CommentPolicyForm(forms.Form):
    policy = forms.ChoiceField(
        label=_("Comment policy"),
        choices=EventCommentSettings.Policy.choices,
        widget=forms.RadioSelect,
    )
    close_after_days = forms.IntegerField(
        label=_("Days after the event that comments close"),
        min_value=0,
        max_value=MAX_CLOSE_AFTER_DAYS,
        help_text=_("Used when comments stay open until a number of days after the event."),
    )


class CopyEventForm(forms.Form):
    title = forms.CharField(label=_("Title of the new event"), max_length=200)
    slug = forms.CharField(
        label=_("Web address of the new event"),
        max_length=80,
        help_text=_("Lower-case letters, numbers and hyphens."),
        widget=forms.TextInput(attrs={"autocapitalize": "none", "spellcheck": "false"}),
    )
    starts_on = forms.DateField(label=_("First day of the new event"), widget=DATE)
    with_programme = forms.BooleanField(
        label=_("Copy the programme: sessions and their speakers, moved to the new dates"),
        required=False,
    )
    with_team = forms.BooleanField(
        label=_("Copy the team: everyone's roles, lapsing after the new event"), required=False
    )


class RoomForm(forms.Form):
    name = forms.CharField(label=_("Room name"), max_length=100)
    capacity = forms.IntegerField(label=_("Capacity (optional)"), min_value=0, required=False)
    accessibility_notes = forms.CharField(
        label=_("Accessibility notes (optional)"),
        max_length=2000,
        required=False,
        help_text=_("Step-free access, hearing loop, nearest accessible toilet, and so on."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TrackForm(forms.Form):
    name = forms.CharField(label=_("Track name"), max_length=100)
    colour = forms.CharField(
        label=_("Colour"),
        max_length=7,
        initial="#505a5f",
        help_text=_("As #RRGGBB."),
        widget=forms.TextInput(attrs={"autocapitalize": "none", "spellcheck": "false"}),
    )


class SpeakerForm(forms.Form):
    name = forms.CharField(label=_("Speaker's name"), max_length=200)
    organisation = forms.CharField(
        label=_("Their organisation (optional)"), max_length=200, required=False
    )
    bio = forms.CharField(
        label=_("Biography (optional)"),
        required=False,
        help_text=_("Markdown."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class CopySpeakerForm(forms.Form):
    speaker = forms.TypedChoiceField(label=_("Speaker to copy"), coerce=int)

    def __init__(self, *args, speakers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["speaker"].choices = [
            (s.pk, f"{speaker_label(s)} — {s.event.title}") for s in speakers
        ]


def speaker_label(speaker) -> str:
    """A speaker's name, told apart from another of the same name by their organisation."""
    return f"{speaker.name} ({speaker.organisation})" if speaker.organisation else speaker.name


def distinct_speaker_labels(speakers) -> list[tuple[int, str]]:
    """(id, label) for a picker; labels still alike after the organisation get the address."""
    labels = [speaker_label(s) for s in speakers]
    return [
        (s.pk, f"{label} – {s.slug}" if labels.count(label) > 1 else label)
        for s, label in zip(speakers, labels, strict=True)
    ]


class SessionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of session"), choices=Session.Kind.choices)
    day = forms.DateField(label=_("Day"), widget=DATE)
    start = forms.TimeField(label=_("Starts"), widget=TIME)
    end = forms.TimeField(label=_("Ends"), widget=TIME)
    room = forms.TypedChoiceField(
        label=_("Room"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("No room: the session involves everyone, like a break."),
    )
    track = forms.TypedChoiceField(
        label=_("Track (optional)"), coerce=int, empty_value=None, required=False
    )
    speakers = forms.TypedMultipleChoiceField(
        label=_("Speakers"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    description = forms.CharField(
        label=_("Description (optional)"),
        required=False,
        help_text=_("Markdown."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, event, rooms, tracks, speakers, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.rooms = {r.pk: r for r in rooms}
        self.tracks = {t.pk: t for t in tracks}
        self.speaker_rows = {s.pk: s for s in speakers}
        self.fields["room"].choices = [("", _("No room (everyone)"))] + [
            (r.pk, r.name) for r in rooms
        ]
        self.fields["track"].choices = [("", _("No track"))] + [(t.pk, t.name) for t in tracks]
        self.fields["speakers"].choices = distinct_speaker_labels(speakers)

    def service_fields(self) -> dict:
        """The cleaned input as the session services take it, times in the event's zone."""
        data = self.cleaned_data
        tz = self.event.tz

        def moment(time):
            return timezone.make_aware(datetime.combine(data["day"], time), tz)

        return {
            "title": data["title"],
            "kind": data["kind"],
            "starts_at": moment(data["start"]),
            "ends_at": moment(data["end"]),
            "room": self.rooms.get(data.get("room")),
            "track": self.tracks.get(data.get("track")),
            "description": data.get("description", ""),
            "speakers": [self.speaker_rows[pk] for pk in data.get("speakers", [])],
        }


class SwapForm(forms.Form):
    other = forms.TypedChoiceField(label=_("Swap with"), coerce=int)

    def __init__(self, *args, sessions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other"].choices = [(s.pk, s.label) for s in sessions]


# The service's field names -> the forms', so an error lands beside the right control.
SESSION_ERROR_FIELDS = {"starts_at": "start", "ends_at": "end"}
