from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MAX_COMMENT_LENGTH


class CommentForm(forms.Form):
    """Parses the "Leave a Reply" form; the rules live in services.check_comment."""

    name = forms.CharField(label=_("Name (required)"), required=False, max_length=200)
    email = forms.CharField(
        label=_("Email (required, never shown)"), required=False, max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )  # fmt: skip
    url = forms.CharField(
        label=_("Website (optional)"), required=False, max_length=300,
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )  # fmt: skip
    body = forms.CharField(
        label=_("Comment"), required=False,
        # One more than the limit, so an over-long paste reaches the service's clear message.
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": MAX_COMMENT_LENGTH + 1}),
    )  # fmt: skip
    notify_replies = forms.BooleanField(label=_("Email me follow-up comments"), required=False)
    parent = forms.CharField(required=False, widget=forms.HiddenInput)
    ts = forms.CharField(required=False, widget=forms.HiddenInput)
    # The honeypot: hidden from people by CSS, filled in by robots.
    homepage = forms.CharField(
        label=_("Leave this field empty"), required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )  # fmt: skip

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        if user is not None and user.is_authenticated:
            for name in ("name", "email", "url"):
                del self.fields[name]


class EditCommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"), required=False,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": MAX_COMMENT_LENGTH + 1}),
    )  # fmt: skip
