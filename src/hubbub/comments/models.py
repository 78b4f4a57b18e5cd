from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MAX_COMMENT_LENGTH = 5000
MAX_DEPTH = 3


class Comment(models.Model):
    """A reader's comment. The target is generic so slideshows and galleries need no new table."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting moderation")
        APPROVED = "approved", _("Approved")
        SPAM = "spam", _("Spam")
        TRASH = "trash", _("Bin")

    # Kept beside the generic target so moderation queues and permissions are scoped cheaply.
    event = models.ForeignKey(
        "events.Event", null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    depth = models.PositiveSmallIntegerField(default=0)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )
    author_name = models.CharField(_("name"), max_length=100)
    author_email = models.EmailField(_("email"))
    author_url = models.URLField(_("website"), blank=True)
    body = models.TextField(_("comment"), max_length=MAX_COMMENT_LENGTH)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    held_reason = models.CharField(max_length=200, blank=True)
    notify_replies = models.BooleanField(_("email me follow-up comments"), default=False)
    # The guest's reader cookie, so they can edit from the same device for a short while.
    device_key = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        indexes = [
            models.Index(fields=["content_type", "object_id", "status"], name="comment_target"),
            models.Index(fields=["event", "status", "-created_at"], name="comment_queue"),
            models.Index(fields=["author_email", "status"], name="comment_email"),
        ]

    def __str__(self):
        return f"{self.author_name}: {self.body[:40]}"

    @property
    def anchor(self) -> str:
        return f"comment-{self.pk}"


class Like(models.Model):
    """One person's like of a post, live entry or comment: a signed-in user or a reader cookie."""

    event = models.ForeignKey(
        "events.Event", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE
    )
    reader_key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "user"],
                condition=Q(user__isnull=False),
                name="one_like_per_user",
            ),
            models.UniqueConstraint(
                fields=["content_type", "object_id", "reader_key"],
                condition=Q(user__isnull=True),
                name="one_like_per_reader",
            ),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="like_target")]

    def __str__(self):
        return f"like of {self.content_type_id}:{self.object_id}"


class EmailOptOut(models.Model):
    """An address that asked for no more comment emails about one target."""

    email = models.EmailField()
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["email", "content_type", "object_id"], name="one_opt_out_each"
            )
        ]

    def __str__(self):
        return self.email


class DisallowedWord(models.Model):
    """Comments containing one of these words or phrases are marked as spam."""

    word = models.CharField(_("word or phrase"), max_length=100, unique=True)

    class Meta:
        ordering = ["word"]
        verbose_name = _("disallowed word")

    def __str__(self):
        return self.word

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        from django.core.cache import cache

        cache.delete("comments:disallowed")


class EventCommentSettings(models.Model):
    """The organiser's comment policy for one event. Without a row, comments close
    ``HUBBUB_COMMENTS_CLOSE_AFTER_DAYS`` days after the event."""

    class Policy(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        CLOSE_AFTER = "close_after", _("Open until a number of days after the event")
        APPROVAL = "approval", _("Open, but a moderator approves every comment")

    event = models.OneToOneField(
        "events.Event", on_delete=models.CASCADE, related_name="comment_settings"
    )
    policy = models.CharField(
        _("comments"), max_length=12, choices=Policy.choices, default=Policy.CLOSE_AFTER
    )
    close_after_days = models.PositiveSmallIntegerField(
        _("close comments this many days after the event"), default=14
    )

    class Meta:
        verbose_name = _("comment settings")
        verbose_name_plural = _("comment settings")

    def __str__(self):
        return str(self.event)
