"""Forms parse input; the checks that matter live in services/ (and come back as field errors)."""

from datetime import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from hubbub.events.models import Room, Session

from .models import DESCRIPTION_LENGTH, NAME_LENGTH, NOTES_LENGTH, TOPIC_LENGTH, Slot


class PitchForm(forms.Form):
    topic = forms.CharField(
        label=_("Topic"),
        max_length=TOPIC_LENGTH,
        help_text=_("A few words people will recognise on the board."),
    )
    description = forms.CharField(
        label=_("One-line description"),
        max_length=DESCRIPTION_LENGTH,
        required=False,
        help_text=_("Optional: what you would like to talk about."),
    )
    host_name = forms.CharField(
        label=_("Your name"),
        max_length=NAME_LENGTH,
        help_text=_("You host the session: shown on the board and in the programme."),
    )


class PitchEditForm(PitchForm):
    unavailable_slots = forms.ModelMultipleChoiceField(
        label=_("The host cannot make"),
        queryset=Slot.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, unconference, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host_name"].label = _("Host's name")
        self.fields["host_name"].help_text = ""
        self.fields["topic"].help_text = ""
        self.fields["unavailable_slots"].queryset = unconference.slots.all()
        self.fields["unavailable_slots"].label_from_instance = lambda slot: slot.label


class VoteForm(forms.Form):
    topics = forms.TypedMultipleChoiceField(
        label=_("Topics you want to join"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, pitches=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].choices = [(p.pk, p.topic) for p in pitches]


class SetupForm(forms.Form):
    rooms = forms.ModelMultipleChoiceField(
        label=_("Rooms the unconference may use"),
        queryset=Room.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sessions = forms.ModelMultipleChoiceField(
        label=_("Programme sessions to turn into slots"),
        queryset=Session.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each different time becomes one slot. Slots already made stay."),
    )
    vote_cap = forms.IntegerField(
        label=_("Most topics one person may mark"),
        min_value=1,
        max_value=100,
        required=False,
        help_text=_("Leave empty for no limit."),
    )
    countdown_seconds = forms.IntegerField(
        label=_("Seconds per pitch"), min_value=10, max_value=600, initial=60
    )
    marking_needs_account = forms.BooleanField(
        label=_("Delegates sign in to mark topics"),
        required=False,
        help_text=_(
            "Leave unticked to let delegates mark topics from their phone without an account "
            "(one set of marks per browser)."
        ),
    )

    def __init__(self, *args, event, rooms, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rooms"].queryset = rooms
        self.fields["rooms"].label_from_instance = _room_label
        self.fields["sessions"].queryset = sessions
        self.fields["sessions"].label_from_instance = lambda s: _session_label(event, s)


def _room_label(room) -> str:
    if room.capacity is None:
        return str(_("%(room)s (capacity not set)") % {"room": room.name})
    return str(_("%(room)s (%(seats)s seats)") % {"room": room.name, "seats": room.capacity})


def _session_label(event, session) -> str:
    from django.utils import dateformat, timezone

    starts = timezone.localtime(session.starts_at, event.tz)
    ends = timezone.localtime(session.ends_at, event.tz)
    where = f", {session.room.name}" if session.room else ""
    # Day and month names in the language of the page.
    return f"{dateformat.format(starts, 'D j M H:i')}–{ends:%H:%M}{where}: {session.title}"


class SlotForm(forms.Form):
    label = forms.CharField(label=_("Label"), max_length=100, required=False)
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    starts = forms.TimeField(label=_("Starts"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends = forms.TimeField(label=_("Ends"), widget=forms.TimeInput(attrs={"type": "time"}))

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["day"].help_text = _("Times in the event's zone, %(zone)s.") % {
            "zone": event.time_zone
        }

    def times(self) -> tuple[datetime, datetime]:
        """The start and end as aware datetimes in the event's zone."""
        day = self.cleaned_data["day"]
        tz = self.event.tz
        return (
            datetime.combine(day, self.cleaned_data["starts"], tzinfo=tz),
            datetime.combine(day, self.cleaned_data["ends"], tzinfo=tz),
        )


class MergeForm(forms.Form):
    into = forms.TypedChoiceField(label=_("Merge into"), coerce=int)

    def __init__(self, *args, pitches=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].choices = [("", _("Choose the topic to keep"))] + [
            (p.pk, p.topic) for p in pitches
        ]


class PlaceForm(forms.Form):
    room = forms.TypedChoiceField(label=_("Room"), coerce=int)
    slot = forms.TypedChoiceField(label=_("Slot"), coerce=int)
    pinned = forms.BooleanField(
        label=_("Pin it there (re-planning will not move it)"), required=False, initial=True
    )

    def __init__(self, *args, rooms=(), slots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].choices = [("", _("Choose a room"))] + [(r.pk, r.name) for r in rooms]
        self.fields["slot"].choices = [("", _("Choose a slot"))] + [(s.pk, s.label) for s in slots]


class NoteTakerForm(forms.Form):
    HOST = "host"
    OTHER = "other"
    note_taker = forms.ChoiceField(label=_("Note-taker"))
    name = forms.CharField(
        label=_("Or someone else, by name"), max_length=NAME_LENGTH, required=False
    )

    def __init__(self, *args, pitch, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note_taker"].choices = [
            (self.HOST, _("The host, %(name)s") % {"name": pitch.host_name}),
            *[(str(u.pk), u.get_full_name() or u.get_username()) for u in candidates],
            (self.OTHER, _("Someone else (name below)")),
        ]


class OutcomeForm(forms.Form):
    discussed = forms.CharField(
        label=_("What was discussed"),
        max_length=NOTES_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    decisions = forms.CharField(
        label=_("Decisions"),
        max_length=NOTES_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    actions = forms.CharField(
        label=_("Actions and owners"),
        max_length=NOTES_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: the action, a dash, then who will do it."),
    )
