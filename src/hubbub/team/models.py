from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hubbub.core.permissions import Role


class EventRoleQuerySet(models.QuerySet):
    def active(self):
        return self.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))


class EventRole(models.Model):
    """A person's role on one event. Rights never carry over to another event."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_roles"
    )
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(
        _("role"),
        max_length=20,
        choices=[(r.value, r.value.replace("_", " ").capitalize()) for r in Role],
    )
    granted_at = models.DateTimeField(auto_now_add=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField(_("lapses at"), null=True, blank=True)
    # The room the reporter usually covers: the console defaults to the session running there.
    home_room = models.ForeignKey(
        "events.Room", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = EventRoleQuerySet.as_manager()

    class Meta:
        verbose_name = _("event role")
        constraints = [
            models.UniqueConstraint(fields=["user", "event", "role"], name="one_role_grant_each")
        ]

    def __str__(self):
        return f"{self.user} — {self.role} — {self.event}"


class OrganisationRole(models.Model):
    """A person's role across every event of one organisation.

    An organisation admin creates the organisation's events and acts as organiser on each of
    them, past and future, without a grant per event.
    """

    class Kind(models.TextChoices):
        ADMIN = "admin", _("Organisation admin")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organisation_roles"
    )
    organisation = models.ForeignKey(
        "events.Organisation", on_delete=models.CASCADE, related_name="roles"
    )
    role = models.CharField(_("role"), max_length=20, choices=Kind.choices, default=Kind.ADMIN)
    granted_at = models.DateTimeField(auto_now_add=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("organisation role")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="one_organisation_role_each"
            )
        ]

    def __str__(self):
        return f"{self.user} — {self.role} — {self.organisation}"


class TeamSettings(models.Model):
    """Per-event settings of the reporting team."""

    event = models.OneToOneField(
        "events.Event", on_delete=models.CASCADE, related_name="team_settings"
    )
    recruitment_open = models.BooleanField(_("recruitment open"), default=False)
    # Roles granted through hubbub lapse this long after the event's last day.
    role_lapse_days = models.PositiveIntegerField(_("roles lapse after (days)"), default=30)

    class Meta:
        verbose_name = _("team settings")
        verbose_name_plural = _("team settings")

    def __str__(self):
        return f"{self.event} team settings"


class Application(models.Model):
    """Someone asking to join an event's reporting team through the public form."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    event = models.ForeignKey(
        "events.Event", on_delete=models.CASCADE, related_name="team_applications"
    )
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("email address"))
    social_handles = models.CharField(_("social media handles"), max_length=300, blank=True)
    experience = models.TextField(_("experience"), max_length=3000, blank=True)
    sessions = models.ManyToManyField(
        "events.Session", blank=True, related_name="+", verbose_name=_("sessions of interest")
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("reporter application")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name} — {self.event}"


class Invitation(models.Model):
    """A single-use, expiring link that grants one role on one event. Only a hash is kept."""

    event = models.ForeignKey(
        "events.Event", on_delete=models.CASCADE, related_name="team_invitations"
    )
    role = models.CharField(_("role"), max_length=20)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    note = models.CharField(_("who it is for"), max_length=150, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("link expires at"))
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("team invitation")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.role} on {self.event} ({self.note or self.pk})"


class CoverageAssignment(models.Model):
    """A reporter assigned to cover one session of the programme."""

    session = models.ForeignKey("events.Session", on_delete=models.CASCADE, related_name="coverage")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coverage"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("coverage assignment")
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="one_assignment_each")
        ]

    def __str__(self):
        return f"{self.user} covers {self.session}"


class TeamMessage(models.Model):
    """A note on the team desk: seen only by the event's team, never by readers."""

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.CharField(_("message"), max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("team desk message")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["event", "-id"], name="team_message_event_newest")]

    def __str__(self):
        return f"{self.event_id}: {self.body[:40]}"
