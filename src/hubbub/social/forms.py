from django import forms
from django.utils.translation import gettext_lazy as _

from hubbub.core.validators import refuse_nul

from .models import DEFAULT_INTERVAL, Source


class SourceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Source.Kind.choices)
    url = forms.CharField(
        label=_("Server or address"),
        max_length=500,
        help_text=_(
            "Mastodon: the server (https://mastodon.social). Bluesky: the AppView "
            "(https://public.api.bsky.app). A feed or a single post: its address."
        ),
    )
    query = forms.CharField(
        label=_("Hashtag or search"),
        max_length=200,
        required=False,
        help_text=_("Mastodon: the hashtag. Bluesky: what to search for, e.g. #AllChange."),
    )
    interval = forms.IntegerField(
        label=_("Seconds between polls"), initial=DEFAULT_INTERVAL, min_value=30, max_value=86400
    )

    def clean(self):
        data = super().clean()
        refuse_nul(**{k: v for k, v in data.items() if isinstance(v, str)})
        return data


class WallSettingsForm(forms.Form):
    trusted_handles = forms.CharField(
        label=_("Trusted handles"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "One a line, such as @sam@social.example.org. Their posts go on the wall without "
            "waiting (the team's handles from their applications count too)."
        ),
    )
    blocked_words = forms.CharField(
        label=_("Blocked words"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One a line. A post containing any of them waits, even from trusted authors."),
    )
