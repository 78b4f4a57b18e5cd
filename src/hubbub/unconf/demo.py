"""The demo unconference: the afternoon open space of the demo conference."""

from django.contrib.auth import get_user_model

from hubbub.events.models import Session

from .models import Unconference
from .services.pitches import do_submit_pitch
from .services.setup import do_set_up_unconference

DEMO_EVENT = "all-change-2011"

DEMO_PITCHES = [
    (
        "Sharing a chief executive: what really happens",
        "Two councils, one CEO, three years on.",
        "Martin Hale",
    ),
    (
        "Social value in every contract",
        "How to score it without drowning suppliers.",
        "Priya Raman",
    ),
    (
        "Open data nobody uses",
        "Why our datasets sit unread, and what might change that.",
        "Tom Ashworth",
    ),
    (
        "Members and digital",
        "Helping councillors live online without getting burnt.",
        "Councillor Ruth Pennington",
    ),
]


def load_demo_unconference(demo) -> None:
    """The afternoon's open space: its rounds, the seminar rooms, and a few pitched topics."""
    event = demo.events[DEMO_EVENT]
    if Unconference.objects.filter(event=event).exists():
        return
    organiser = get_user_model().objects.get(username="organiser")
    rounds = event.sessions.filter(kind=Session.Kind.UNCONFERENCE, room__isnull=True)
    rooms = event.rooms.filter(name__in=["Seminar Room 1", "Seminar Room 2", "Seminar Room 3",
                                         "Boardroom"])  # fmt: skip
    unconference = do_set_up_unconference(
        event=event, actor=organiser, rooms=rooms, sessions=rounds
    )
    for topic, description, host in DEMO_PITCHES:
        do_submit_pitch(
            unconference, topic=topic, description=description, host_name=host, actor=organiser
        )
