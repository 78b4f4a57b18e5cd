"""RSS 2.0 and Atom feeds of an event's published reflections."""

from django.contrib.syndication.views import Feed
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from hubbub.events.services import get_public_event

from .services import published

FEED_SIZE = 30


class ReflectionsRss(Feed):
    def get_object(self, request, event):
        found = get_public_event(event, request.user)
        found.feed_base = request.build_absolute_uri("/").rstrip("/")
        return found

    def title(self, obj):
        return _("Reflections on %(event)s") % {"event": obj.title}

    def description(self, obj):
        return _("What stood out for the people who were there, and what they will do.")

    def link(self, obj):
        return obj.feed_base + reverse("reflections:index", kwargs={"event": obj.slug})

    def items(self, obj):
        found = list(published(obj)[:FEED_SIZE])
        for reflection in found:
            reflection.feed_base = obj.feed_base
        return found

    def item_title(self, item):
        return str(item)

    def item_description(self, item):
        return render_to_string("reflections/_feed_item.html", {"reflection": item})

    def item_link(self, item):
        return item.feed_base + item.get_absolute_url()

    def item_pubdate(self, item):
        return item.published_at

    def item_author_name(self, item):
        return item.writer_name


class ReflectionsAtom(ReflectionsRss):
    feed_type = Atom1Feed
    subtitle = ReflectionsRss.description
