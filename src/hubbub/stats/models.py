"""Audience figures per event and day. Nothing here identifies a reader: unique readers are
a HyperLogLog of salted hashes (registers only, never the hashes), the rest are counts."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DailyFigures(models.Model):
    """One event's day (in the site's zone, TIME_ZONE): unique readers, peak concurrent live
    readers, page views."""

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    unique_readers = models.PositiveIntegerField(default=0)
    peak_concurrent = models.PositiveIntegerField(default=0)
    page_views = models.PositiveBigIntegerField(default=0)
    # The HyperLogLog's registers when counting in process (empty when Redis counts).
    registers = models.BinaryField(blank=True, default=b"")

    class Meta:
        ordering = ["day"]
        verbose_name = _("daily audience figures")
        verbose_name_plural = _("daily audience figures")
        constraints = [
            models.UniqueConstraint(fields=["event", "day"], name="one_figures_row_per_day")
        ]

    def __str__(self):
        return f"{self.event_id} {self.day}: {self.unique_readers}"


class DailyCount(models.Model):
    """How many readers one thing had on one day: an entry, a session, an embedding site, a
    referring site."""

    class Kind(models.TextChoices):
        ENTRY = "entry", _("Live update")
        SESSION = "session", _("Session")
        EMBED = "embed", _("Embedding site")
        REFERRER = "referrer", _("Referring site")

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    key = models.CharField(max_length=255)
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["day", "kind", "-count"]
        verbose_name = _("daily audience count")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "day", "kind", "key"], name="one_count_per_day_and_key"
            )
        ]
        indexes = [models.Index(fields=["event", "kind"], name="stats_count_event_kind")]

    def __str__(self):
        return f"{self.event_id} {self.day} {self.kind} {self.key}: {self.count}"
