from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MAX_ACTION, MAX_ITEMS, MAX_TEXT, ReflectionItem


class ReflectionForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=100, required=False)
    email = forms.EmailField(
        label=_("Your email address"),
        required=False,
        help_text=_("Not shown. We send a link to it: nothing is published until you follow it."),
    )
    closing = forms.CharField(
        label=_("A closing thought (optional)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MAX_TEXT,
        required=False,
        help_text=_("Markdown works here."),
    )
    public_actions = forms.TypedChoiceField(
        label=_("Who may see your actions?"),
        choices=[
            ("1", _("Everyone: show them under my reflection")),
            ("0", _("Only me: use them for my follow-up, and anonymously in the totals")),
        ],
        coerce=lambda v: v == "1",
        initial="1",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and user.is_authenticated:
            del self.fields["name"]
            del self.fields["email"]


class ItemForm(forms.Form):
    session_id = forms.ChoiceField(label=_("Session (optional)"), required=False)
    text = forms.CharField(
        label=_("What stood out for me"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MAX_TEXT,
        required=False,
    )
    action_answer = forms.ChoiceField(
        label=_("Will you take any action or change what you do?"),
        choices=ReflectionItem.Answer.choices,
        initial=ReflectionItem.Answer.NOT_SURE,
        widget=forms.RadioSelect,
        required=False,
    )
    action = forms.CharField(
        label=_("If yes: what will you do?"), max_length=MAX_ACTION, required=False
    )
    with_whom = forms.CharField(label=_("Who with (optional)"), max_length=200, required=False)
    due = forms.DateField(
        label=_("By when (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, sessions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session_id"].choices = [("", _("None: something else"))] + [
            (str(s.pk), s.title) for s in sessions
        ]


ItemFormSet = forms.formset_factory(
    ItemForm, extra=0, min_num=1, max_num=MAX_ITEMS, absolute_max=MAX_ITEMS
)


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("A short note (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
    )


class MorningAfterForm(forms.Form):
    email = forms.EmailField(label=_("Your email address"))
