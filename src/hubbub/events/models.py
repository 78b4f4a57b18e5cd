import zoneinfo
from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from .checks import check_session

# Event slugs share the URL root with the site's own paths.
RESERVED_SLUGS = frozenset(
    {
        "admin",
        "accounts",
        "api",
        "static",
        "media",
        "healthz",
        "embed",
        "search",
        "feeds",
        "me",
        "manage",
        "blog",
        "i18n",
    }
)


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("“%(value)s” is not a known time zone; use a name such as Europe/London."),
            params={"value": value},
            code="unknown_time_zone",
        )


def validate_event_slug(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(
            _("“%(value)s” is reserved for the site; choose another address."),
            params={"value": value},
            code="reserved_slug",
        )


hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Give a colour as #RRGGBB, e.g. #1d70b8."))


def import_key_field():
    """The id or guid a row had in the schedule it was imported from (programme import)."""
    return models.CharField(
        _("import key"),
        max_length=200,
        null=True,
        blank=True,
        editable=False,
        help_text=_("The row's id in the schedule it was imported from; a re-import updates it."),
    )


def import_key_unique(model_name: str) -> models.UniqueConstraint:
    # Only rows that came from an import carry one; the rest stay NULL and never collide.
    return models.UniqueConstraint(
        fields=["event", "import_key"],
        condition=models.Q(import_key__isnull=False),
        name=f"{model_name}_import_key_unique_per_event",
    )


class Organisation(models.Model):
    """The body that runs events: a council, an association, a business school."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    website = models.URLField(_("website"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="organisations/", blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")

    def __str__(self):
        return self.name


class EventQuerySet(models.QuerySet):
    def public(self):
        return self.exclude(status=Event.Status.DRAFT)


class Event(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        LIVE = "live", _("Live")
        ENDED = "ended", _("Ended")
        ARCHIVED = "archived", _("Archived")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="events", verbose_name=_("organiser")
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("web address"),
        max_length=80,
        unique=True,
        validators=[validate_event_slug],
        help_text=_("Used in every address of the event, e.g. /all-change-2011/."),
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    venue_address = models.TextField(
        _("venue address"), max_length=1000, blank=True, help_text=_("As it would go on a letter.")
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/London", validators=[validate_time_zone]
    )
    summary = models.TextField(_("summary"), blank=True, help_text=_("Markdown."))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    # On: the event goes live on its first day and ends after its last, in its own time zone
    # (see ``phase``). Changing the status by hand switches this off.
    status_by_dates = models.BooleanField(
        _("go live and end by the dates"),
        default=False,
        help_text=_("Go live at the start of the first day and end after the last day."),
    )
    # After the event has ended, organisers and editors may reopen posting for a wrap-up.
    wrapup_posting = models.BooleanField(_("posting reopened for a wrap-up"), default=False)
    # When the "event ended" effects last ran (None: not since it last went live), so they run
    # once per ending however many times the status is saved or the periodic check runs.
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True, editable=False)
    brand_colour = models.CharField(
        _("brand colour"), max_length=7, default="#1d70b8", validators=[hex_colour]
    )
    logo = models.ImageField(_("logo"), upload_to="events/logos/", blank=True)
    # Content stays in the language it was written in; this tells readers to expect both.
    bilingual = models.BooleanField(
        _("content in English and Welsh"),
        default=False,
        help_text=_("The event's own updates, posts and programme are written in both languages."),
    )
    # The number of the last message sent on this event's live stream (SSE id:). It also keys
    # the render cache of the live page: any visible change moves it on.
    stream_seq = models.BigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "title"]
        verbose_name = _("event")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="event_ends_after_it_starts",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:home", kwargs={"event": self.slug})

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The last day cannot be before the first day.")})

    @cached_property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def is_public(self) -> bool:
        return self.status != self.Status.DRAFT

    def local_now(self) -> datetime:
        return timezone.localtime(timezone.now(), self.tz)

    def day_start(self, day) -> datetime:
        """The first instant of ``day`` in the event's own time zone (aware)."""
        return datetime.combine(day, time.min, tzinfo=self.tz)

    def is_on(self, today=None) -> bool:
        today = today or self.local_now().date()
        if self.phase in (self.Status.ENDED, self.Status.ARCHIVED):
            return False
        return self.phase == self.Status.LIVE or self.starts_on <= today <= self.ends_on

    # -- lifecycle: the one place the effective status is worked out ------------------------
    def phase_at(self, now: datetime) -> str:
        """The status in effect at ``now``: the stored one, or, when the event follows its
        dates, live from the first day's midnight to the end of the last day (event's zone)
        and ended after. Drafts and archives never move by themselves."""
        if not self.status_by_dates:
            return self.status
        return self.status_by_dates_at(now, self.status)

    def status_by_dates_at(self, now: datetime, status: str) -> str:
        """What following the dates makes of ``status`` at ``now``."""
        if status in (self.Status.DRAFT, self.Status.ARCHIVED):
            return status
        if now < self.day_start(self.starts_on):
            return self.Status.PUBLISHED
        if now < self.day_start(self.ends_on) + timedelta(days=1):
            return self.Status.LIVE
        return self.Status.ENDED

    @property
    def phase(self) -> str:
        return self.phase_at(timezone.now())

    def get_phase_display(self) -> str:
        return self.Status(self.phase).label

    @property
    def has_ended(self) -> bool:
        """Ended or archived: the live blog is over."""
        return self.phase in (self.Status.ENDED, self.Status.ARCHIVED)

    @property
    def is_archive(self) -> bool:
        return self.status == self.Status.ARCHIVED


class Partner(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="partners")
    name = models.CharField(_("name"), max_length=200)
    website = models.URLField(_("website"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="events/partners/", blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("partner")

    def __str__(self):
        return self.name


class Room(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("name"), max_length=100)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    accessibility_notes = models.TextField(
        _("accessibility notes"),
        max_length=2000,
        blank=True,
        help_text=_("Step-free access, hearing loop, nearest accessible toilet, and so on."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    import_key = import_key_field()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("room")
        constraints = [
            models.UniqueConstraint(fields=["event", "name"], name="room_name_unique_per_event"),
            import_key_unique("room"),
        ]

    def __str__(self):
        return self.name


class Track(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="tracks")
    name = models.CharField(_("name"), max_length=100)
    colour = models.CharField(_("colour"), max_length=7, default="#505a5f", validators=[hex_colour])

    class Meta:
        ordering = ["name"]
        verbose_name = _("track")

    def __str__(self):
        return self.name


class Speaker(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="speakers")
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    bio = models.TextField(_("biography"), blank=True, help_text=_("Markdown."))
    photo = models.ImageField(_("photo"), upload_to="speakers/", blank=True)
    import_key = import_key_field()

    class Meta:
        ordering = ["name"]
        verbose_name = _("speaker")
        constraints = [
            models.UniqueConstraint(fields=["event", "slug"], name="speaker_slug_unique_per_event"),
            import_key_unique("speaker"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:100] or "speaker"
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("events:speaker", kwargs={"event": self.event.slug, "speaker": self.slug})


class Session(models.Model):
    class Kind(models.TextChoices):
        KEYNOTE = "keynote", _("Keynote")
        THINK_TANK = "think-tank", _("Think-tank")
        WORKSHOP = "workshop", _("Workshop")
        UNCONFERENCE = "unconference", _("Unconference")
        MARKETPLACE = "marketplace", _("Marketplace")
        BREAK = "break", _("Break")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.WORKSHOP)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    room = models.ForeignKey(
        Room,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("room"),
        help_text=_("Leave empty for sessions that involve everyone, such as breaks."),
    )
    track = models.ForeignKey(
        Track,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("track"),
    )
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    speakers = models.ManyToManyField(
        Speaker, blank=True, related_name="sessions", verbose_name=_("speakers")
    )
    import_key = import_key_field()

    class Meta:
        ordering = ["starts_at", "room__order", "title"]
        verbose_name = _("session")
        indexes = [models.Index(fields=["event", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_it_starts",
            ),
            import_key_unique("session"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.title)[:100] or "session"
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse(
            "events:session",
            kwargs={"event": self.event.slug, "session_id": self.pk, "slug": self.slug},
        )

    def clean(self):
        check_session(
            event=self.event if self.event_id else None,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            room=self.room,
            session=self,
        )

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)
