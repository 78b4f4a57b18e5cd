"""What needs the organiser's attention now, counted for the event dashboard.

Each count is one query whatever the numbers. The apps below this one are counted here;
slides and the unconference (feature apps this one must not import) report through the events
app's attention providers.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from hubbub.comments.models import Comment
from hubbub.events.extensions import Attention, attention_from_apps
from hubbub.events.models import Session
from hubbub.live.models import LiveEntry
from hubbub.team.models import Application


def attention(event) -> list[Attention]:
    slug = {"event": event.slug}
    items = [
        Attention(
            label=_("Live updates waiting for approval"),
            count=LiveEntry.objects.filter(event=event, status=LiveEntry.Status.PENDING).count(),
            url=reverse("live:review", kwargs=slug),
        ),
        Attention(
            label=_("Comments held for moderation"),
            count=Comment.objects.filter(event=event, status=Comment.Status.PENDING).count(),
            url=reverse("comments:moderate", kwargs=slug),
        ),
        Attention(
            label=_("Applications to join the team"),
            count=Application.objects.filter(
                event=event, status=Application.Status.PENDING
            ).count(),
            url=reverse("team:applications", kwargs=slug),
        ),
        Attention(
            label=_("Sessions nobody is covering"),
            count=Session.objects.filter(event=event, coverage__isnull=True)
            .exclude(kind=Session.Kind.BREAK)
            .count(),
            url=reverse("team:coverage", kwargs=slug),
        ),
    ]
    return items + attention_from_apps(event)
