"""What the organiser's dashboard counts from slides (an events attention provider)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from hubbub.events.extensions import Attention

from .models import Slideshow


def failed_slideshows(event) -> list[Attention]:
    count = Slideshow.objects.filter(event=event, status=Slideshow.Status.FAILED).count()
    return [
        Attention(
            label=_("Slide decks that failed to render"),
            count=count,
            url=reverse("media:index", kwargs={"event": event.slug}),
        )
    ]
