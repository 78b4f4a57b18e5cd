from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_BODY_LENGTH = 100_000


class Category(models.Model):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.name


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")

    def __str__(self):
        return self.name


class PostQuerySet(models.QuerySet):
    def visible(self, now=None):
        """Published posts, and scheduled ones whose time has come (no job flips them)."""
        now = now or timezone.now()
        return self.filter(
            status__in=[Post.Status.PUBLISHED, Post.Status.SCHEDULED], publish_at__lte=now
        )


class Post(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")

    # Null for the site-wide blog.
    event = models.ForeignKey(
        "events.Event", null=True, blank=True, on_delete=models.CASCADE, related_name="posts"
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("web address"), max_length=120)
    body = models.TextField(_("post"), max_length=MAX_BODY_LENGTH, help_text=_("Markdown."))
    body_html = models.TextField(editable=False, default="")
    excerpt = models.TextField(_("excerpt"), max_length=500, blank=True)
    cover = models.ImageField(_("cover image"), upload_to="blog/%Y/%m/", blank=True)
    cover_alt = models.CharField(_("cover image description"), max_length=300, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="posts"
    )
    categories = models.ManyToManyField(Category, blank=True, related_name="posts")
    tags = models.ManyToManyField(Tag, blank=True, related_name="posts")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    publish_at = models.DateTimeField(_("publish at"), default=timezone.now, db_index=True)
    comments_open = models.BooleanField(_("comments open"), default=True)
    # So that deleting a post deletes its comments and likes too.
    comments = GenericRelation("comments.Comment")
    likes = GenericRelation("comments.Like")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-id"]
        verbose_name = _("post")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "slug"],
                name="post_slug_per_event",
                condition=Q(event__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["slug"], name="post_slug_site_wide", condition=Q(event__isnull=True)
            ),
        ]
        indexes = [models.Index(fields=["event", "status", "-publish_at"], name="post_listing")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        if self.event_id:
            return reverse("blog:post", kwargs={"event": self.event.slug, "slug": self.slug})
        return reverse("site_blog:post", kwargs={"slug": self.slug})

    @property
    def is_visible(self) -> bool:
        return self.status != self.Status.DRAFT and self.publish_at <= timezone.now()
