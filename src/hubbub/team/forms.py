from django import forms
from django.utils.translation import gettext_lazy as _

from hubbub.core.permissions import Role


class ApplicationForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.CharField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    social_handles = forms.CharField(
        label=_("Social media handles (optional)"),
        max_length=300,
        required=False,
        help_text=_("For example @you@mastodon.social, @you.bsky.social"),
    )
    experience = forms.CharField(
        label=_("Your experience of reporting or live blogging (optional)"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    sessions = forms.MultipleChoiceField(
        label=_("Sessions you would like to cover (optional)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, sessions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sessions"].choices = [(str(s.pk), s.label) for s in sessions]


class TeamSettingsForm(forms.Form):
    recruitment_open = forms.BooleanField(
        label=_("Recruitment is open: anyone can apply to join the reporting team"),
        required=False,
    )
    role_lapse_days = forms.IntegerField(
        label=_("Team roles lapse this many days after the event ends"),
        min_value=0,
        max_value=3650,
    )


class InvitationForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Role the link grants"),
        choices=[
            (Role.REPORTER.value, _("Reporter")),
            (Role.MODERATED_REPORTER.value, _("Reporter whose updates an editor approves")),
            (Role.EDITOR.value, _("Editor")),
            (Role.MODERATOR.value, _("Comment moderator")),
        ],
    )
    note = forms.CharField(label=_("Who it is for (optional)"), max_length=150, required=False)
    days = forms.IntegerField(label=_("Link lasts (days)"), min_value=1, max_value=90, initial=14)


class TeamMessageForm(forms.Form):
    body = forms.CharField(label=_("Message to the team"), max_length=1000)


ROLE_CHOICES = [
    (Role.ORGANISER.value, _("Organiser: runs the event, its programme and its team")),
    (Role.EDITOR.value, _("Editor: posts, edits, pins and approves updates; moderates")),
    (Role.REPORTER.value, _("Reporter: posts updates straight to the live blog")),
    (Role.MODERATED_REPORTER.value, _("Reporter whose updates an editor approves")),
    (Role.MODERATOR.value, _("Comment moderator")),
]


class MemberRolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Roles on this event"),
        choices=ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class AcceptRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES, initial=Role.REPORTER.value)


class AuditFilterForm(forms.Form):
    person = forms.ChoiceField(label=_("Who"), required=False)
    kind = forms.ChoiceField(label=_("Kind of change"), required=False)

    def __init__(self, *args, people=(), kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", _("Everyone"))] + [
            (str(p.pk), p.get_full_name() or p.get_username()) for p in people
        ]
        self.fields["kind"].choices = [("", _("Every kind")), *kinds]
