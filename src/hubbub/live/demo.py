"""The demo live blogs: a few updates on the demo conference, and the live workshop's morning
so far (a pinned welcome, updates, a key moment, a quote and a photo).

``post_simulated_entry`` is what the simulated reporting team posts while `hubbub serve` runs
with ``HUBBUB_DEMO_LIVE=1`` (see ``demo_live.py``). Every text is written for the demo and
says so where a reader first meets it.
"""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from hubbub.core.demo_images import demo_photo
from hubbub.events.demo import WORKSHOP_SLUG
from hubbub.events.models import Event, Session

from .models import LiveEntry
from .services import do_create_entry, do_delete_entry, do_pin_entry

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
# The conference day: the updates are dated through it, not when the demo was loaded.
DEMO_ENTRY_TIMES = ["09:05", "09:40", "10:05", "10:40"]

INNOVATION_EVENT = "lg-innovation-2008"
# (day, time, kind, body) on the 2008 conference's two days.
INNOVATION_ENTRIES = [
    (
        0,
        "09:35",
        "update",
        "Helen Marsh opens the conference to a full auditorium. *(Demo update.)*",
    ),
    (
        0,
        "09:50",
        "key_moment",
        "Helen Marsh: most innovation does not fail, it is **never finished**.",
    ),
    (0, "11:20", "quote", "“Evidence first, then rollout, never the other way round.”"),
    (
        0,
        "14:10",
        "update",
        "The think-tank on scaling what works splits into three groups: housing, care, waste.",
    ),
    (
        1,
        "09:40",
        "update",
        "Day two: Gwen Llewellyn on tenants designing their own repairs service.",
    ),
    (1, "11:30", "update", "Open data workshop: five councils agree to publish spending monthly."),
]

# The workshop's morning so far: (minutes before loading, author, kind, body, photo caption).
WORKSHOP_WELCOME = (
    "**Welcome to the live blog of the personalisation workshop.** This is a demonstration of "
    "hubbub: the event, the people and every update are made up, and a simulated reporting "
    "team posts here every half minute or so while the demo server runs."
)
WORKSHOP_ENTRIES = [
    (
        140,
        "notes",
        "update",
        "Coffee, pastries and a lot of lanyards: about 120 people have signed in so far. "
        "*(Demo update.)*",
        "",
    ),
    (
        112,
        "notes",
        "quote",
        "“Nobody ever said their ambition was to receive a care package. People want a life.” "
        "— Joan Whitfield opening the day",
        "",
    ),
    (
        100,
        "desk",
        "key_moment",
        "Joan Whitfield asks the hall to swap “service user” for “person” for the whole day.",
        "",
    ),
    (
        85,
        "lens",
        "update",
        "The Assembly Hall during the opening keynote.",
        "Opening keynote, Assembly Hall",
    ),
    (
        50,
        "notes",
        "update",
        "In the Garden Room, Owen Pryce is walking through a direct payment from first "
        "conversation to the first invoice paid. Three councils in the room pay within a week.",
        "",
    ),
    (
        20,
        "desk",
        "update",
        "Two workshops start at the top of the hour: co-produced support plans in the Assembly "
        "Hall and commissioning for outcomes in the Garden Room. We have a reporter in each.",
        "",
    ),
]

# What the simulated team posts, in turn: (author, kind, body, photo caption).
SIMULATED_POSTS = [
    (
        "notes",
        "update",
        "A carer in the room: the support plan only worked once it was written in her "
        "mother's own words.",
        "",
    ),
    ("lens", "update", "Table discussions in full flow.", "Table discussions"),
    (
        "notes",
        "quote",
        "“If the plan cannot be changed by a phone call, it is not personal.” — a delegate",
        "",
    ),
    (
        "desk",
        "update",
        "Question from the floor: how do small councils pay micro-enterprises without a "
        "three-month procurement? Answers coming after lunch.",
        "",
    ),
    ("lens", "update", "Post-it notes on the ideas wall.", "The ideas wall"),
    (
        "notes",
        "update",
        "Dev Patel: Hillcross now reviews personal budgets at the person's kitchen table, "
        "not in a panel room. Reviews take half the time.",
        "",
    ),
    (
        "notes",
        "quote",
        "“Choice without information is not choice.” — Owen Pryce",
        "",
    ),
    ("lens", "update", "A break between sessions.", "Between sessions"),
    (
        "desk",
        "update",
        "Slides from the morning sessions will be on the event page after the day.",
        "",
    ),
    (
        "notes",
        "update",
        "The room votes: more direct payments through pre-paid cards? Hands up for about half.",
        "",
    ),
    (
        "notes",
        "quote",
        "“Co-production is slower at the start and faster every day after.” — Joan Whitfield",
        "",
    ),
    ("lens", "update", "Speakers comparing notes.", "Speakers comparing notes"),
]


def load_demo_entries(demo) -> None:
    _load_conference_entries(demo.events[DEMO_EVENT])
    if INNOVATION_EVENT in demo.events:
        _load_innovation_entries(demo.events[INNOVATION_EVENT])
    if WORKSHOP_SLUG in demo.events:
        load_workshop_entries(demo.events[WORKSHOP_SLUG])


def _load_conference_entries(event: Event) -> None:
    if LiveEntry.objects.filter(event=event).exists():
        return
    editor = get_user_model().objects.get(username="editor")
    for (kind, body), hhmm in zip(DEMO_ENTRIES, DEMO_ENTRY_TIMES, strict=True):
        entry = do_create_entry(event=event, author=editor, body=body, kind=kind)
        _backdate(entry, _on_day(event, hhmm))


def _load_innovation_entries(event: Event) -> None:
    """Only while the demo fills it: once it is an archive nothing more can be written."""
    if event.is_archive or LiveEntry.objects.filter(event=event).exists():
        return
    organiser = get_user_model().objects.get(username="organiser")
    for day, hhmm, kind, body in INNOVATION_ENTRIES:
        entry = do_create_entry(event=event, author=organiser, body=body, kind=kind)
        _backdate(entry, _on_day(event, hhmm, day))


def _on_day(event: Event, hhmm: str, day: int = 0):
    hours, minutes = (int(part) for part in hhmm.split(":"))
    start = event.day_start(event.starts_on + timedelta(days=day))
    return start + timedelta(hours=hours, minutes=minutes)


def load_workshop_entries(event: Event, now=None) -> None:
    """The morning so far; an earlier day's updates are removed first (readers see them go)."""
    now = now or timezone.now()
    entries = LiveEntry.objects.filter(event=event)
    stale = entries.filter(created_at__lt=event.day_start(event.starts_on))
    if stale.exists():
        desk = _team()["desk"]
        for entry in stale.select_related("event"):
            do_delete_entry(entry, actor=desk)
    if entries.exists():
        return
    team = _team()
    # Loaded just after midnight, the morning so far is squeezed into today.
    first_instant = event.day_start(event.starts_on) + timedelta(minutes=1)
    welcome = do_create_entry(event=event, author=team["desk"], body=WORKSHOP_WELCOME)
    _backdate(welcome, max(now - timedelta(minutes=150), first_instant))
    for number, (minutes, author, kind, body, caption) in enumerate(WORKSHOP_ENTRIES):
        at = max(now - timedelta(minutes=minutes), first_instant)
        entry = _post(event, team[author], kind, body, caption, seed=number, at=at)
        _backdate(entry, at)
    do_pin_entry(welcome, actor=team["desk"])


def post_simulated_entry(event: Event, number: int) -> LiveEntry:
    """Post the simulated team's next update (``number`` counts from 0), in the session on now."""
    author, kind, body, caption = SIMULATED_POSTS[number % len(SIMULATED_POSTS)]
    return _post(event, _team()[author], kind, body, caption, seed=100 + number)


def _team() -> dict:
    return get_user_model().objects.in_bulk(["desk", "notes", "lens"], field_name="username")


def _post(event, author, kind, body, caption, *, seed, at=None) -> LiveEntry:
    session = _session_at(event, at or timezone.now())
    image = demo_photo(seed, caption) if caption else None
    return do_create_entry(
        event=event,
        author=author,
        body=body,
        kind=kind,
        session_id=session.pk if session else None,
        image=image,
        image_alt=f"{caption} (a drawn demo picture of coloured shapes)" if caption else "",
    )


def _session_at(event: Event, at) -> Session | None:
    """A session (not a break) on at ``at``, picked at random when there are several."""
    on_now = Session.objects.filter(event=event, starts_at__lte=at, ends_at__gt=at).filter(
        ~Q(kind=Session.Kind.BREAK)
    )
    sessions = list(on_now)
    return random.choice(sessions) if sessions else None


def _backdate(entry: LiveEntry, at) -> None:
    LiveEntry.objects.filter(pk=entry.pk).update(created_at=at)
