from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportedItem(models.Model):
    """What a WordPress import made from an item of the file, so that importing the same file
    again changes nothing. ``scope`` is "site" or "event:<pk>"; ``guid`` is the item's guid (a
    comment's is its post's guid and its WordPress id)."""

    class Kind(models.TextChoices):
        POST = "post", _("post")
        COMMENT = "comment", _("comment")

    scope = models.CharField(max_length=40)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    guid = models.CharField(max_length=500)
    object_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "kind", "guid"], name="imported_item_once")
        ]

    def __str__(self):
        return f"{self.scope} {self.kind} {self.guid}"


class ArchiveExport(models.Model):
    """An archive an organiser asked for from the back office: its progress, then its file.
    Only the latest finished one per event and format is kept."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        DONE = "done", _("Ready to download")
        FAILED = "failed", _("Failed")

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="+")
    format = models.CharField(max_length=10)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    pages_done = models.PositiveIntegerField(default=0)
    pages_total = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="archives/", blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.event} {self.format} {self.status}"
