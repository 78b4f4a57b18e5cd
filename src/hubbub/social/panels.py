"""The wall's places on other pages: a panel beside the live blog, and the dashboard's counts."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from hubbub.events.extensions import Attention
from hubbub.live.extensions import PagePanel

from .models import SocialPost, Source
from .services import wall_posts

PANEL_POSTS = 3


def wall_panel(event) -> PagePanel | None:
    posts = list(wall_posts(event)[:PANEL_POSTS])
    if not posts:
        return None
    return PagePanel("social/_panel.html", {"posts": posts, "event": event})


def posts_waiting(event) -> list[Attention]:
    counts = SocialPost.objects.filter(event=event).aggregate(
        waiting=Count("id", filter=Q(status=SocialPost.Status.QUEUED))
    )
    stopped = Source.objects.filter(event=event, state=Source.State.STOPPED).count()
    items = [
        Attention(
            label=_("Social posts waiting for the wall"),
            count=counts["waiting"],
            url=reverse("social:queue", kwargs={"event": event.slug}),
        )
    ]
    items.append(
        Attention(
            label=_("Social sources stopped after errors"),
            count=stopped,
            url=reverse("social:sources", kwargs={"event": event.slug}),
        )
    )
    return items
