"""Slideshows from the talks (rendered to images in the background) and photo galleries."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def slideshow_path(instance, filename):
    # Random names: the uploader's file name is not published, and never collides.
    extension = filename.rsplit(".", 1)[-1].lower()[:5] if "." in filename else "bin"
    return f"slideshows/{instance.event_id}/{uuid.uuid4().hex}.{extension}"


def slide_path(instance, filename):
    return f"slides/{instance.slideshow_id}/{uuid.uuid4().hex[:8]}-{filename}"


def photo_path(instance, filename):
    return f"photos/{instance.gallery_id}/{uuid.uuid4().hex}-{filename}"


class SlideshowQuerySet(models.QuerySet):
    def public(self):
        return self.filter(status=Slideshow.Status.READY)


class Slideshow(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be rendered")
        PROCESSING = "processing", _("Being rendered")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        PPTX = "pptx", "PowerPoint (PPTX)"
        ODP = "odp", "OpenDocument (ODP)"

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="slideshows")
    session = models.ForeignKey(
        "events.Session",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="slideshows",
        verbose_name=_("session"),
    )
    speaker = models.ForeignKey(
        "events.Speaker",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="slideshows",
        verbose_name=_("speaker"),
    )
    title = models.CharField(_("title"), max_length=200)
    source = models.FileField(_("file"), upload_to=slideshow_path)
    kind = models.CharField(max_length=4, choices=Kind.choices, default=Kind.PDF, editable=False)
    allow_download = models.BooleanField(_("readers may download the original file"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    error = models.TextField(_("why rendering failed"), blank=True)
    # Every slide's text, for site search.
    text = models.TextField(blank=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    rendered_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = SlideshowQuerySet.as_manager()

    class Meta:
        verbose_name = _("slideshow")
        verbose_name_plural = _("slideshows")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["event", "status"], name="slideshow_event_status")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(
            "media:slideshow", kwargs={"event": self.event.slug, "slideshow_id": self.pk}
        )

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY


class Slide(models.Model):
    slideshow = models.ForeignKey(Slideshow, on_delete=models.CASCADE, related_name="slides")
    number = models.PositiveIntegerField()
    image = models.ImageField(upload_to=slide_path)
    image_small = models.ImageField(upload_to=slide_path)
    thumbnail = models.ImageField(upload_to=slide_path)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    text = models.TextField(_("text on the slide"), blank=True)
    # Empty means the slide's own text (or "Slide N") describes it.
    alt_text = models.CharField(_("description"), max_length=1000, blank=True)

    class Meta:
        ordering = ["slideshow", "number"]
        constraints = [
            models.UniqueConstraint(fields=["slideshow", "number"], name="slide_number_unique")
        ]

    def __str__(self):
        return f"{self.slideshow_id}#{self.number}"

    @property
    def alt(self) -> str:
        return (
            self.alt_text
            or " ".join(self.text.split())[:1000]
            or _("Slide %(n)s") % {"n": self.number}
        )


class Gallery(models.Model):
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="galleries")
    session = models.ForeignKey(
        "events.Session",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="galleries",
        verbose_name=_("session"),
    )
    title = models.CharField(_("title"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("gallery")
        verbose_name_plural = _("galleries")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("media:gallery", kwargs={"event": self.event.slug, "gallery_id": self.pk})


class Photo(models.Model):
    gallery = models.ForeignKey(Gallery, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to=photo_path)
    thumbnail = models.ImageField(upload_to=photo_path)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    caption = models.CharField(_("caption"), max_length=500, blank=True)
    credit = models.CharField(_("credit"), max_length=200, blank=True)
    alt_text = models.CharField(_("description"), max_length=1000, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.gallery_id}/{self.pk}"

    @property
    def alt(self) -> str:
        return self.alt_text or self.caption or _("Photo %(n)s") % {"n": self.pk}
