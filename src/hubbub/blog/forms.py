from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Post


class PostForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    body = forms.CharField(
        label=_("Post"), required=False, help_text=_("Markdown: **bold**, _italic_, [link](https://…)."),
        widget=forms.Textarea(attrs={"rows": 16}),
    )  # fmt: skip
    excerpt = forms.CharField(
        label=_("Excerpt (optional)"), required=False, max_length=500,
        help_text=_("Shown in lists and feeds; the start of the post is used when empty."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    slug = forms.SlugField(
        label=_("Web address (optional)"), required=False, max_length=120,
        help_text=_("Made from the title when empty."),
    )  # fmt: skip
    categories = forms.CharField(
        label=_("Categories"), required=False, help_text=_("Separate them with commas.")
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, help_text=_("Separate them with commas.")
    )
    cover = forms.ImageField(label=_("Cover image (optional)"), required=False)
    cover_alt = forms.CharField(label=_("Cover image description"), required=False, max_length=300)
    status = forms.ChoiceField(label=_("Status"), choices=Post.Status.choices)
    publish_at = forms.DateTimeField(
        label=_("Publish at (optional)"), required=False,
        help_text=_("In the event's time zone. A time in the future schedules the post."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )  # fmt: skip
    comments_open = forms.BooleanField(label=_("Allow comments"), required=False, initial=True)
