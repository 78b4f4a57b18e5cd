"""What people post about an event elsewhere: the sources polled, the posts found, and the
wall's own settings (trusted handles, blocked words, blocked authors)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_INTERVAL = 60


class Source(models.Model):
    """One place polled for posts: a Mastodon hashtag, a Bluesky search, a feed, or one URL."""

    class Kind(models.TextChoices):
        MASTODON = "mastodon", _("Mastodon hashtag")
        BLUESKY = "bluesky", _("Bluesky search")
        FEED = "feed", _("RSS or Atom feed")
        URL = "url", _("Single post by URL")

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        FAILING = "failing", _("Failing, retrying")
        STOPPED = "stopped", _("Stopped")

    event = models.ForeignKey(
        "events.Event", on_delete=models.CASCADE, related_name="social_sources"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # The server (Mastodon instance, Bluesky AppView) or the feed's or post's address.
    url = models.URLField(_("server or address"), max_length=500)
    query = models.CharField(_("hashtag or search"), max_length=200, blank=True)
    interval = models.PositiveIntegerField(_("seconds between polls"), default=DEFAULT_INTERVAL)
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE)
    last_error = models.CharField(max_length=500, blank=True)
    failures = models.PositiveIntegerField(default=0)
    # Where the last poll ended: Mastodon's newest status id, Bluesky's newest createdAt.
    cursor = models.CharField(max_length=100, blank=True)
    etag = models.CharField(max_length=200, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    next_poll_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("social source")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.label}"

    @property
    def label(self) -> str:
        if self.kind in (self.Kind.MASTODON, self.Kind.BLUESKY):
            return f"{self.query} @ {self.url}"
        return self.url


class SocialPost(models.Model):
    """One post, however many sources found it (one row per event and canonical URL)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        APPROVED = "approved", _("Approved")
        FEATURED = "featured", _("Featured")
        REJECTED = "rejected", _("Rejected")

    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="social_posts")
    sources = models.ManyToManyField(Source, blank=True, related_name="posts")
    network = models.CharField(max_length=10, choices=Source.Kind.choices)
    # The post's canonical address (or at:// URI): how the same post seen twice is one item.
    uri = models.CharField(max_length=500)
    url = models.URLField(_("original"), max_length=500)
    author_name = models.CharField(max_length=200, blank=True)
    author_handle = models.CharField(max_length=200, blank=True)
    avatar = models.ImageField(upload_to="social/avatars/%Y/%m/", blank=True)
    # Sanitised once when stored; never the source's markup.
    text_html = models.TextField(blank=True)
    text = models.TextField(blank=True)
    links = models.JSONField(default=list, blank=True)
    posted_at = models.DateTimeField(db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    held_reason = models.CharField(max_length=200, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("social post")
        ordering = ["-posted_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "uri"], name="social_post_unique_uri")
        ]
        indexes = [
            models.Index(fields=["event", "status", "-posted_at"], name="social_wall"),
            models.Index(fields=["event", "url"], name="social_post_url"),
        ]

    def __str__(self):
        return f"{self.author_handle or self.author_name}: {self.url}"

    @property
    def is_shown(self) -> bool:
        return self.status in (self.Status.APPROVED, self.Status.FEATURED)

    @property
    def is_featured(self) -> bool:
        return self.status == self.Status.FEATURED


class SocialImage(models.Model):
    post = models.ForeignKey(SocialPost, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(upload_to="social/%Y/%m/")
    alt = models.CharField(max_length=1000, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.image.name


class BlockedAuthor(models.Model):
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="+")
    handle = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "handle"], name="social_blocked_unique")
        ]

    def __str__(self):
        return self.handle


class WallSettings(models.Model):
    """Per event: whose posts go straight on the wall, and words that hold any post back."""

    event = models.OneToOneField(
        "events.Event", on_delete=models.CASCADE, related_name="wall_settings"
    )
    trusted_handles = models.TextField(
        _("trusted handles"), blank=True, help_text=_("One a line; their posts are approved.")
    )
    blocked_words = models.TextField(
        _("blocked words"), blank=True, help_text=_("One a line; posts with them wait.")
    )

    def __str__(self):
        return f"{self.event} wall settings"

    @staticmethod
    def lines(text: str) -> list[str]:
        return [line.strip() for line in (text or "").splitlines() if line.strip()]
