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
        _("role"), max_length=20, choices=[(r.value, r.value.title()) for r in Role]
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
