"""The demo live blog: a few updates on the demo conference, written by the demo editor."""

from django.contrib.auth import get_user_model

from .models import LiveEntry
from .services import do_create_entry

DEMO_EVENT = "all-change-2011"

DEMO_ENTRIES = [
    (
        "update",
        "Doors are open and the coffee is on. Registration is in the atrium. *(Demo update.)*",
    ),
    ("key_moment", "Dr Okafor opens: **“Change is not an event, it is the job.”**"),
    ("quote", "We cannot cut our way to better services; we have to redesign them."),
    (
        "update",
        "The think-tanks have started. We have reporters in the Boardroom and Seminar Room 1.",
    ),
]


def load_demo_entries(demo) -> None:
    event = demo.events[DEMO_EVENT]
    if LiveEntry.objects.filter(event=event).exists():
        return
    editor = get_user_model().objects.get(username="editor")
    for kind, body in DEMO_ENTRIES:
        do_create_entry(event=event, author=editor, body=body, kind=kind)
