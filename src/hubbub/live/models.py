from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

MAX_BODY_LENGTH = 20_000


class LiveEntry(models.Model):
    """One update on an event's live blog."""

    class Kind(models.TextChoices):
        UPDATE = "update", _("Update")
        QUOTE = "quote", _("Quote")
        KEY_MOMENT = "key_moment", _("Key moment")

    class Status(models.TextChoices):
        PUBLISHED = "published", _("Published")
        PENDING = "pending", _("Waiting for an editor")
        RETURNED = "returned", _("Returned to the reporter")

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="entries")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="live_entries",
    )
    co_authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="co_authored_entries"
    )
    session = models.ForeignKey(
        "events.Session",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="entries",
        verbose_name=_("session"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.UPDATE)
    body = models.TextField(_("update"), max_length=MAX_BODY_LENGTH, help_text=_("Markdown."))
    # Rendered and sanitised once when written, never per reader.
    body_html = models.TextField(editable=False, default="")
    image = models.ImageField(_("photo"), upload_to="live/%Y/%m/", blank=True)
    image_alt = models.CharField(_("photo description"), max_length=300, blank=True)
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    pinned = models.BooleanField(_("pinned"), default=False)
    # Entries from moderated reporters wait (pending) until an editor approves or returns them;
    # readers only ever see published ones.
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PUBLISHED
    )
    review_note = models.TextField(_("note from the editor"), blank=True)
    # Set by the reporter's phone for each new update, so a post retried over a flaky connection
    # is stored once.
    client_token = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    created_at = models.DateTimeField(_("posted"), auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)

    class Meta:
        verbose_name = _("live entry")
        verbose_name_plural = _("live entries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["event", "-created_at", "-id"], name="entry_event_newest"),
            models.Index(fields=["event", "session", "-created_at"], name="entry_event_session"),
            models.Index(fields=["event", "status"], name="entry_event_status"),
        ]

    def __str__(self):
        return f"{self.event.slug} #{self.pk}"

    def get_absolute_url(self):
        return reverse("live:entry", kwargs={"event": self.event.slug, "entry_id": self.pk})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_key_moment(self) -> bool:
        return self.kind == self.Kind.KEY_MOMENT


class StreamMessage(models.Model):
    """The durable log of an event's live stream, for readers who reconnect after a gap.

    Written in the same transaction as the change it announces; the SSE handler reads it only
    when a reconnecting reader is further behind than its in-memory log reaches. Editing or
    deleting an entry rewrites its earlier messages here, so a replay never shows old wording.
    """

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="+")
    seq = models.BigIntegerField()
    type = models.CharField(max_length=40)
    data = models.TextField()
    # What the message is about ("entry:42"), so that editing or deleting it can rewrite every
    # logged message that still shows its old form.
    subject = models.CharField(max_length=40, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "seq"], name="stream_message_seq_unique")
        ]
        indexes = [models.Index(fields=["event", "subject"], name="stream_message_subject")]

    def __str__(self):
        return f"{self.event_id}:{self.seq} {self.type}"
