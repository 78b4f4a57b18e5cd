"""Reflections after an event: what stood out, and whether the writer will act on it.

A reflection belongs to a signed-in writer or to a guest whose email is confirmed by a link
before anything is published. Each item may name a session of the programme and carry a
pledged action; the writer is asked about each pledge some days after the event (a
``FollowUp`` per reflection per round, unique, so a round is never sent twice), and
``ActionAnswer`` keeps the latest answer per pledge per round.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

MAX_ITEMS = 20
MAX_TEXT = 5000
MAX_ACTION = 500
MAX_NOTE = 1000


class ReflectionSettings(models.Model):
    """When an event's writers are asked about their pledges (days after the last day)."""

    event = models.OneToOneField(
        "events.Event", on_delete=models.CASCADE, related_name="reflection_settings"
    )
    first_followup_days = models.PositiveSmallIntegerField(
        _("first follow-up, days after the event"), default=7
    )
    second_followup_days = models.PositiveSmallIntegerField(
        _("second follow-up, days after the event"), default=30
    )

    class Meta:
        verbose_name = _("reflection settings")
        verbose_name_plural = _("reflection settings")

    def __str__(self):
        return str(self.event)


class Reflection(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING = "pending", _("Awaiting moderation")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Rejected")

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="reflections")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reflections",
    )
    guest_name = models.CharField(_("name"), max_length=100, blank=True)
    guest_email = models.EmailField(_("email"), blank=True)
    # A guest's email counts once they follow the link sent to it; until then nothing shows.
    email_confirmed_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    held_reason = models.CharField(max_length=200, blank=True)
    closing = models.TextField(_("closing thought"), blank=True, max_length=MAX_TEXT)
    closing_html = models.TextField(blank=True, editable=False)
    public_actions = models.BooleanField(_("show my actions under my reflection"), default=True)
    followups_stopped = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("reflection")
        indexes = [models.Index(fields=["event", "status"], name="reflection_event_status")]

    def __str__(self):
        return _("Reflection by %(name)s") % {"name": self.writer_name}

    def get_absolute_url(self):
        return reverse(
            "reflections:detail", kwargs={"event": self.event.slug, "reflection_id": self.pk}
        )

    @property
    def writer_name(self) -> str:
        if self.author_id:
            return self.author.get_full_name() or self.author.get_username()
        return self.guest_name

    @property
    def writer_email(self) -> str:
        if self.author_id:
            return self.author.email or ""
        return self.guest_email

    @property
    def is_confirmed(self) -> bool:
        return self.author_id is not None or self.email_confirmed_at is not None

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class ReflectionItem(models.Model):
    class Answer(models.TextChoices):
        YES = "yes", _("Yes")
        NOT_SURE = "not_sure", _("Not sure")
        NO = "no", _("No")

    reflection = models.ForeignKey(Reflection, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(default=0)
    # The unconference's placed topics are programme sessions too.
    session = models.ForeignKey(
        "events.Session",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reflection_items",
    )
    text = models.TextField(_("what stood out for me"), max_length=MAX_TEXT)
    text_html = models.TextField(blank=True, editable=False)
    action_answer = models.CharField(
        _("will you take any action or change what you do?"),
        max_length=10,
        choices=Answer.choices,
        default=Answer.NOT_SURE,
    )
    action = models.CharField(_("the action"), max_length=MAX_ACTION, blank=True)
    with_whom = models.CharField(_("who with"), max_length=200, blank=True)
    due = models.DateField(_("by when"), null=True, blank=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("reflection item")

    def __str__(self):
        return self.text[:60]

    @property
    def is_pledge(self) -> bool:
        return self.action_answer == self.Answer.YES and bool(self.action)


class FollowUp(models.Model):
    """One follow-up email for one reflection in one round (1: the first, 2: the second)."""

    reflection = models.ForeignKey(Reflection, on_delete=models.CASCADE, related_name="followups")
    round = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["reflection", "round"], name="one_followup_per_round")
        ]

    def __str__(self):
        return f"follow-up {self.round} of reflection {self.reflection_id}"


class ActionAnswer(models.Model):
    """The writer's latest answer about one pledge in one round."""

    class Progress(models.TextChoices):
        DONE = "done", _("Done")
        STARTED = "started", _("Started")
        NOT_YET = "not_yet", _("Not yet")
        DROPPED = "dropped", _("Dropped")

    item = models.ForeignKey(ReflectionItem, on_delete=models.CASCADE, related_name="answers")
    round = models.PositiveSmallIntegerField()
    progress = models.CharField(max_length=10, choices=Progress.choices)
    note = models.TextField(blank=True, max_length=MAX_NOTE)
    answered_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "round"], name="one_answer_per_round")
        ]

    def __str__(self):
        return f"{self.progress} (round {self.round})"


class MorningAfterRequest(models.Model):
    """An attendee who asked to be reminded to write a reflection the morning after."""

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="+")
    email = models.EmailField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "email"], name="one_morning_after_each")
        ]

    def __str__(self):
        return self.email
