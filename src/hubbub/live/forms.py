from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MAX_BODY_LENGTH, LiveEntry


class EntryForm(forms.Form):
    body = forms.CharField(
        label=_("Your update"),
        max_length=MAX_BODY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5, "aria-describedby": "body-hint"}),
        help_text=_("Markdown works: **bold**, > quote, [link](https://…)."),
    )
    kind = forms.ChoiceField(
        label=_("Kind of update"),
        choices=LiveEntry.Kind.choices,
        initial=LiveEntry.Kind.UPDATE,
        widget=forms.RadioSelect,
    )
    session_id = forms.TypedChoiceField(
        label=_("Session"), coerce=int, required=False, empty_value=None
    )
    image = forms.FileField(
        label=_("Photo (optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )
    image_alt = forms.CharField(
        label=_("Describe the photo for people who cannot see it"),
        max_length=300,
        required=False,
    )
    client_token = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, sessions=(), allow_key_moment=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session_id"].choices = [("", _("No particular session"))] + [
            (s.pk, s.label) for s in sessions
        ]
        if not allow_key_moment:
            self.fields["kind"].choices = [
                c for c in LiveEntry.Kind.choices if c[0] != LiveEntry.Kind.KEY_MOMENT
            ]
