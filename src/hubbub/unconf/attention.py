"""What the organiser's dashboard counts from the unconference (an events attention provider)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from hubbub.events.extensions import Attention

from .models import Outcome


def outcomes_waiting(event) -> list[Attention]:
    if not hasattr(event, "unconference"):
        return []
    count = Outcome.objects.filter(
        pitch__unconference__event=event, status=Outcome.Status.SUBMITTED
    ).count()
    return [
        Attention(
            label=_("Unconference notes waiting for an editor"),
            count=count,
            url=reverse("unconf:console", kwargs={"event": event.slug}),
        )
    ]
