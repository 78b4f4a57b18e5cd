"""The unconference: topics pitched on the day, the interest delegates mark in them, where they
are placed (room × slot), and what each topic's note-taker records afterwards.

Logic lives in ``services/``; these models carry fields, constraints and small properties.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

TOPIC_LENGTH = 120
DESCRIPTION_LENGTH = 200
NAME_LENGTH = 100
NOTES_LENGTH = 5000


class Unconference(models.Model):
    """An event's open-space sessions, run by a facilitator from the console."""

    class State(models.TextChoices):
        SETUP = "setup", _("Being set up")
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")

    event = models.OneToOneField(
        "events.Event", on_delete=models.CASCADE, related_name="unconference"
    )
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.SETUP)
    pitching_open = models.BooleanField(_("pitching open"), default=False)
    voting_open = models.BooleanField(_("marking interest open"), default=False)
    vote_cap = models.PositiveSmallIntegerField(
        _("most topics one person may mark"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty for no limit."),
    )
    # Marks count by account only: for events where anonymous marking is not trusted enough.
    marking_needs_account = models.BooleanField(
        _("delegates sign in to mark topics"),
        default=False,
        help_text=_(
            "Without this, delegates mark topics from their phone without an account, one "
            "set of marks per browser."
        ),
    )
    countdown_seconds = models.PositiveSmallIntegerField(
        _("seconds per pitch"),
        default=60,
        validators=[MinValueValidator(10), MaxValueValidator(600)],
    )
    rooms = models.ManyToManyField(
        "events.Room", blank=True, related_name="unconferences", verbose_name=_("rooms")
    )
    now_pitching = models.ForeignKey(
        "Pitch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pitch_started_at = models.DateTimeField(null=True, blank=True)
    # Moves on with every change to the board, so a placement computed while someone moved a
    # topic by hand is not written over their move.
    plan_version = models.PositiveIntegerField(default=0, editable=False)
    # The last run of the solver, as shown in the console.
    placed_at = models.DateTimeField(null=True, blank=True, editable=False)
    placement_missed = models.PositiveIntegerField(null=True, blank=True, editable=False)
    placement_bound = models.PositiveIntegerField(null=True, blank=True, editable=False)
    placement_optimal = models.BooleanField(default=False, editable=False)
    placement_moved = models.PositiveIntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("unconference")

    def __str__(self):
        return str(self.event)

    def get_absolute_url(self):
        return reverse("unconf:index", kwargs={"event": self.event.slug})

    @property
    def accepts_pitches(self) -> bool:
        return self.state == self.State.RUNNING and self.pitching_open

    @property
    def accepts_votes(self) -> bool:
        return self.state == self.State.RUNNING and self.voting_open


class Slot(models.Model):
    """A time when unconference topics run, one in each of the unconference's rooms."""

    unconference = models.ForeignKey(Unconference, on_delete=models.CASCADE, related_name="slots")
    label = models.CharField(_("label"), max_length=100, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    # The programme session this slot was made from, if any.
    session = models.ForeignKey(
        "events.Session", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("slot")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="unconf_slot_ends_after_start"
            )
        ]

    def __str__(self):
        return self.label or self.starts_at.isoformat()

    def has_started(self, at=None) -> bool:
        return self.starts_at <= (at or timezone.now())


class Pitch(models.Model):
    """A topic someone offers to host; merged duplicates point at the topic they joined."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to pitch")
        PITCHED = "pitched", _("Pitched")
        SKIPPED = "skipped", _("Skipped")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    unconference = models.ForeignKey(Unconference, on_delete=models.CASCADE, related_name="pitches")
    topic = models.CharField(_("topic"), max_length=TOPIC_LENGTH)
    description = models.CharField(
        _("one-line description"), max_length=DESCRIPTION_LENGTH, blank=True
    )
    host_name = models.CharField(_("host's name"), max_length=NAME_LENGTH)
    # Who pitched it, in the same form as Vote.voter ("u:<user id>", "d:<device id>"), or
    # "n:<name>" when the facilitator typed it in: the host counts among the topic's audience
    # and cannot hold two topics at once.
    host_key = models.CharField(max_length=80, db_index=True)
    host_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    # Arrival order in the pitch queue; putting a skipped topic back moves it to the end.
    queued_at = models.DateTimeField(default=timezone.now, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged"
    )
    room = models.ForeignKey(
        "events.Room", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    slot = models.ForeignKey(
        Slot, null=True, blank=True, on_delete=models.SET_NULL, related_name="pitches"
    )
    pinned = models.BooleanField(_("pinned"), default=False)
    unavailable_slots = models.ManyToManyField(
        Slot, blank=True, related_name="+", verbose_name=_("host not available in")
    )
    # The programme session the placed topic appears as (programme, ICS, frab).
    session = models.OneToOneField(
        "events.Session",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="unconf_pitch",
    )

    class Meta:
        ordering = ["queued_at", "id"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "room"],
                condition=Q(slot__isnull=False),
                name="unconf_one_topic_per_room_and_slot",
            ),
            models.CheckConstraint(
                condition=Q(slot__isnull=True, room__isnull=True)
                | Q(slot__isnull=False, room__isnull=False),
                name="unconf_topic_has_room_and_slot_or_neither",
            ),
        ]

    def __str__(self):
        return self.topic

    def get_absolute_url(self):
        return reverse(
            "unconf:topic",
            kwargs={"event": self.unconference.event.slug, "pitch_id": self.pk},
        )

    @property
    def is_active(self) -> bool:
        return self.merged_into_id is None and self.status != self.Status.WITHDRAWN

    @property
    def is_placed(self) -> bool:
        return self.slot_id is not None


class Vote(models.Model):
    """One person's mark of interest in one topic (approval voting)."""

    pitch = models.ForeignKey(Pitch, on_delete=models.CASCADE, related_name="votes")
    # "u:<user id>" for signed-in people, "d:<device id>" from the signed device cookie.
    voter = models.CharField(max_length=80, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mark of interest")
        constraints = [
            models.UniqueConstraint(fields=["pitch", "voter"], name="unconf_one_vote_each")
        ]

    def __str__(self):
        return f"{self.voter} → {self.pitch_id}"


class Outcome(models.Model):
    """What a topic's session discussed and decided, recorded by its note-taker."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Waiting for an editor")
        PUBLISHED = "published", _("Published")

    pitch = models.OneToOneField(Pitch, on_delete=models.CASCADE, related_name="outcome")
    note_taker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note_taker_name = models.CharField(_("note-taker"), max_length=NAME_LENGTH, blank=True)
    discussed = models.TextField(_("what was discussed"), max_length=NOTES_LENGTH, blank=True)
    decisions = models.TextField(_("decisions"), max_length=NOTES_LENGTH, blank=True)
    actions = models.TextField(
        _("actions and owners"),
        max_length=NOTES_LENGTH,
        blank=True,
        help_text=_("One per line: the action, a dash, then who will do it."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    entry = models.ForeignKey(
        "live.LiveEntry", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("outcome")

    def __str__(self):
        return f"{self.pitch}: {self.get_status_display()}"

    @property
    def is_empty(self) -> bool:
        return not (self.discussed.strip() or self.decisions.strip() or self.actions.strip())

    def action_items(self) -> list[tuple[str, str]]:
        """(action, owner) pairs from the actions text; the owner is what follows a dash."""
        items = []
        for line in self.actions.splitlines():
            line = line.strip().lstrip("-*• ").strip()
            if not line:
                continue
            for dash in (" — ", " – ", " - "):
                if dash in line:
                    action, owner = line.rsplit(dash, 1)
                    items.append((action.strip(), owner.strip()))
                    break
            else:
                items.append((line, ""))
        return items
