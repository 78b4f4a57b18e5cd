"""RSS 2.0 and Atom feeds (Django syndication) and a JSON Feed 1.1 for each event."""

from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from hubbub.comments.models import Comment
from hubbub.events.services import get_public_event

from .models import Category, Post
from .services import post_summary, visible_posts
from .urlnames import blog_url

FEED_SIZE = 30


@dataclass
class Scope:
    base: str  # scheme and host, so links point at the host readers used
    event: object = None
    category: object = None


def _base(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


class ScopedFeed(Feed):
    """A feed of the whole site, linked to the blog; subclasses narrow the scope."""

    def get_object(self, request, *args, **kwargs):
        return Scope(base=_base(request))

    def link(self, obj):
        return obj.base + blog_url("list", obj.event)


class PostsFeed(ScopedFeed):
    """Site-wide posts; subclasses narrow it to an event or a category."""

    def title(self, obj):
        return _("hubbub blog")

    def description(self, obj):
        return _("Posts from the site-wide blog.")

    def posts(self, obj):
        return visible_posts(obj.event)

    def items(self, obj):
        posts = list(self.posts(obj)[:FEED_SIZE])
        for post in posts:
            post.feed_base = obj.base
        return posts

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.body_html

    def item_link(self, item):
        return item.feed_base + item.get_absolute_url()

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        if item.author is None:
            return None
        return item.author.get_full_name() or item.author.get_username()

    def item_categories(self, item):
        return [c.name for c in item.categories.all()]


class SitePostsAtomFeed(PostsFeed):
    feed_type = Atom1Feed
    subtitle = PostsFeed.description


SitePostsFeed = PostsFeed


class EventPostsFeed(PostsFeed):
    def get_object(self, request, event):
        return Scope(base=_base(request), event=get_public_event(event, request.user))

    def title(self, obj):
        return _("%(title)s: blog") % {"title": obj.event.title}

    def description(self, obj):
        return _("Posts about %(title)s.") % {"title": obj.event.title}


class EventPostsAtomFeed(EventPostsFeed):
    feed_type = Atom1Feed
    subtitle = EventPostsFeed.description


class CategoryFeed(PostsFeed):
    def get_object(self, request, slug):
        return Scope(base=_base(request), category=get_object_or_404(Category, slug=slug))

    def title(self, obj):
        return _("Posts in %(name)s") % {"name": obj.category.name}

    def description(self, obj):
        return _("Posts in the category %(name)s, from every event.") % {"name": obj.category.name}

    def link(self, obj):
        return obj.base + blog_url("category", None, slug=obj.category.slug)

    def posts(self, obj):
        return (
            Post.objects.visible()
            .filter(categories=obj.category)
            .exclude(event__status="draft")
            .select_related("author", "event")
            .prefetch_related("categories")
        )


class CategoryAtomFeed(CategoryFeed):
    feed_type = Atom1Feed
    subtitle = CategoryFeed.description


class CommentsFeed(ScopedFeed):
    def title(self, obj):
        return _("Latest comments")

    def description(self, obj):
        return _("The latest published comments.")

    def comments(self, obj):
        return Comment.objects.filter(status=Comment.Status.APPROVED).exclude(event__status="draft")

    def items(self, obj):
        comments = list(
            self.comments(obj).select_related("event").prefetch_related("target")
            .order_by("-created_at")[:FEED_SIZE]
        )  # fmt: skip
        for comment in comments:
            comment.feed_base = obj.base
            if comment.target is not None:
                comment.target.event = comment.event
        return [c for c in comments if c.target is not None]

    def item_title(self, item):
        return _("%(name)s on %(target)s") % {"name": item.author_name, "target": str(item.target)}

    def item_description(self, item):
        return item.body

    def item_link(self, item):
        return f"{item.feed_base}{item.target.get_absolute_url()}#comment-{item.pk}"

    def item_pubdate(self, item):
        return item.created_at

    def item_author_name(self, item):
        return item.author_name


class CommentsAtomFeed(CommentsFeed):
    feed_type = Atom1Feed
    subtitle = CommentsFeed.description


class EventCommentsFeed(CommentsFeed):
    def get_object(self, request, event):
        return Scope(base=_base(request), event=get_public_event(event, request.user))

    def title(self, obj):
        return _("%(title)s: comments") % {"title": obj.event.title}

    def comments(self, obj):
        return Comment.objects.filter(status=Comment.Status.APPROVED, event=obj.event)


class EventCommentsAtomFeed(EventCommentsFeed):
    feed_type = Atom1Feed
    subtitle = EventCommentsFeed.description


def event_json_feed(request, event):
    """JSON Feed 1.1 (https://jsonfeed.org/version/1.1) of an event's posts."""
    event = get_public_event(event, request.user)
    base = _base(request)
    items = []
    for post in visible_posts(event)[:FEED_SIZE]:
        item = {
            "id": base + post.get_absolute_url(),
            "url": base + post.get_absolute_url(),
            "title": post.title,
            "content_html": post.body_html,
            "summary": post_summary(post),
            "date_published": post.publish_at.isoformat(),
            "date_modified": post.updated_at.isoformat(),
            "tags": [t.name for t in post.tags.all()],
        }
        if post.author is not None:
            item["authors"] = [{"name": post.author.get_full_name() or post.author.get_username()}]
        if post.cover:
            item["image"] = base + post.cover.url
        items.append(item)
    if event is None:
        raise Http404
    data = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": _("%(title)s: blog") % {"title": event.title},
        "home_page_url": base + blog_url("list", event),
        "feed_url": request.build_absolute_uri(),
        "language": "en-GB",
        "items": items,
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/feed+json; charset=utf-8"
    return response
