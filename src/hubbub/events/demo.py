"""Demo data for `hubbub demo`: two events with rooms, speakers, sessions and a small team.

Every text here is invented for the demonstration and says so. Running it again changes
nothing that already exists.
"""

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction

from .models import Event, Organisation, Room, Session, Speaker, Track

DEMO_NOTE = "*This is demo data made up for hubbub; the people and organisations are fictional.*"
LONDON = ZoneInfo("Europe/London")


@dataclass
class DemoUser:
    username: str
    password: str
    role: str | None
    event: str | None
    email: str


DEMO_USERS = [
    DemoUser("organiser", "demo-organiser-2011", "organiser", None, "organiser@example.org"),
    DemoUser("reporter1", "demo-reporter-one", "reporter", "all-change-2011", "r1@example.org"),
    DemoUser("reporter2", "demo-reporter-two", "reporter", "all-change-2011", "r2@example.org"),
    DemoUser("editor", "demo-editor-2011", "editor", "all-change-2011", "editor@example.org"),
]

ALL_CHANGE = {
    "slug": "all-change-2011",
    "title": "All Change 2011",
    "day": date(2011, 12, 9),
    "venue": "Riverside Business School, Birmingham (demo venue)",
    "status": Event.Status.LIVE,
    "summary": (
        "A one-day regional conference for local government on leading through change, run "
        "with a business school: think-tank sessions for leaders and chief executives, topical "
        "workshops, an afternoon unconference and a supplier marketplace.\n\n" + DEMO_NOTE
    ),
    "rooms": [
        ("Main Hall", 300),
        ("Seminar Room 1", 40),
        ("Seminar Room 2", 40),
        ("Seminar Room 3", 30),
        ("Boardroom", 20),
        ("Atrium", 120),
    ],
    "speakers": [
        ("Dr Amara Okafor", "Riverside Business School", "Professor of public leadership (demo)."),
        ("Councillor Ruth Pennington", "Westbrook City Council", "Council leader (demo)."),
        ("Martin Hale", "Northfield District Council", "Chief executive (demo)."),
        ("Priya Raman", "Common Ground Social Enterprise", "Founder (demo)."),
        ("Tom Ashworth", "Shire Digital Partnership", "Head of digital services (demo)."),
    ],
    "sessions": [
        ("09:00", "09:30", None, "break", "Registration and coffee", []),
        (
            "09:30",
            "10:15",
            "Main Hall",
            "keynote",
            "Leading when everything changes",
            ["Dr Amara Okafor"],
        ),
        (
            "10:30",
            "11:45",
            "Boardroom",
            "think-tank",
            "Leaders' think-tank: the next four years",
            ["Councillor Ruth Pennington"],
        ),
        (
            "10:30",
            "11:45",
            "Seminar Room 1",
            "think-tank",
            "Chief executives' think-tank: shared services",
            ["Martin Hale"],
        ),
        (
            "10:30",
            "11:45",
            "Seminar Room 2",
            "workshop",
            "Workshop: social enterprise and councils",
            ["Priya Raman"],
        ),
        (
            "10:30",
            "11:45",
            "Seminar Room 3",
            "workshop",
            "Workshop: digital by default",
            ["Tom Ashworth"],
        ),
        ("11:45", "12:30", "Atrium", "marketplace", "Supplier marketplace", []),
        ("12:30", "13:15", None, "break", "Lunch", []),
        ("13:15", "13:45", "Main Hall", "unconference", "Unconference: pitching", []),
        ("13:45", "14:45", None, "unconference", "Unconference: round one", []),
        ("15:00", "16:00", None, "unconference", "Unconference: round two", []),
        (
            "16:00",
            "16:30",
            "Main Hall",
            "keynote",
            "What we will do on Monday",
            ["Dr Amara Okafor", "Martin Hale"],
        ),
    ],
}

LG_INNOVATION = {
    "slug": "lg-innovation-2008",
    "title": "Local Government Innovation 2008",
    "day": date(2008, 11, 19),
    "last_day": date(2008, 11, 20),
    "venue": "Thameside Conference Centre, London (demo venue)",
    "status": Event.Status.ARCHIVED,
    "summary": (
        "Two days on innovation in public services: what works, what does not and how to "
        "spread it.\n\n" + DEMO_NOTE
    ),
    "rooms": [("Auditorium", 400), ("Room A", 60), ("Room B", 60)],
    "speakers": [
        ("Helen Marsh", "Eastvale County Council", "Director of innovation (demo)."),
        ("Samuel Osei", "Public Services Lab", "Researcher (demo)."),
        ("Gwen Llewellyn", "Valleys Housing Trust", "Chief executive (demo)."),
    ],
    "sessions": [
        ("09:30", "10:30", "Auditorium", "keynote", "Why innovation stalls", ["Helen Marsh"]),
        ("11:00", "12:30", "Room A", "workshop", "Evidence before rollout", ["Samuel Osei"]),
        ("11:00", "12:30", "Room B", "workshop", "Tenants as designers", ["Gwen Llewellyn"]),
        ("12:30", "13:30", None, "break", "Lunch", []),
        (
            "13:30",
            "15:00",
            "Auditorium",
            "think-tank",
            "Think-tank: scaling what works",
            ["Helen Marsh", "Samuel Osei"],
        ),
        (
            "D2 09:30",
            "10:30",
            "Auditorium",
            "keynote",
            "Day two: from pilots to practice",
            ["Gwen Llewellyn"],
        ),
        ("D2 11:00", "12:00", "Room A", "workshop", "Open data in councils", ["Samuel Osei"]),
    ],
}

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


def _at(day: date, hhmm: str) -> datetime:
    hours, minutes = (int(part) for part in hhmm.split(":"))
    return datetime(day.year, day.month, day.day, hours, minutes, tzinfo=LONDON)


@transaction.atomic
def load_demo() -> list[DemoUser]:
    organisation, _created = Organisation.objects.get_or_create(
        slug="demo-councils-network",
        defaults={"name": "Demo Councils Network", "website": "https://example.org/"},
    )
    events = [_load_event(organisation, spec) for spec in (ALL_CHANGE, LG_INNOVATION)]
    users = _load_users(events)
    _load_entries(events[0])
    _load_unconference(events[0])
    return users


def _load_event(organisation, spec) -> Event:
    event, created = Event.objects.get_or_create(
        slug=spec["slug"],
        defaults={
            "organisation": organisation,
            "title": spec["title"],
            "starts_on": spec["day"],
            "ends_on": spec.get("last_day", spec["day"]),
            "venue": spec["venue"],
            "summary": spec["summary"],
            "status": spec["status"],
        },
    )
    if not created:
        return event
    rooms = {
        name: Room.objects.create(event=event, name=name, capacity=capacity, order=i)
        for i, (name, capacity) in enumerate(spec["rooms"])
    }
    Track.objects.create(event=event, name="Main programme")
    speakers = {
        name: Speaker.objects.create(event=event, name=name, organisation=org, bio=bio)
        for name, org, bio in spec["speakers"]
    }
    for start, end, room, kind, title, speaker_names in spec["sessions"]:
        day = spec["day"]
        if start.startswith("D2 "):
            day, start = spec["last_day"], start[3:]
        session = Session.objects.create(
            event=event,
            title=title,
            kind=kind,
            starts_at=_at(day, start),
            ends_at=_at(day, end),
            room=rooms.get(room) if room else None,
            description=f"{title}. {DEMO_NOTE}",
        )
        session.speakers.set([speakers[n] for n in speaker_names])
    return event


def _load_users(events) -> list[DemoUser]:
    from hubbub.team.services import do_grant_role

    User = get_user_model()
    by_slug = {e.slug: e for e in events}
    for demo in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=demo.username, defaults={"email": demo.email}
        )
        if created:
            user.set_password(demo.password)
            user.save()
        targets = events if demo.event is None else [by_slug[demo.event]]
        for event in targets:
            # The demo events are long past: their demo roles must not lapse.
            do_grant_role(user=user, event=event, role=demo.role, expires_at=None)
    return DEMO_USERS


def _load_entries(event: Event) -> None:
    from hubbub.live.models import LiveEntry
    from hubbub.live.services import do_create_entry

    if LiveEntry.objects.filter(event=event).exists():
        return
    User = get_user_model()
    editor = User.objects.get(username="editor")
    for kind, body in DEMO_ENTRIES:
        do_create_entry(event=event, author=editor, body=body, kind=kind)


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


def _load_unconference(event: Event) -> None:
    """The afternoon's open space: its rounds, the seminar rooms, and a few pitched topics."""
    from hubbub.unconf.models import Unconference
    from hubbub.unconf.services.pitches import do_submit_pitch
    from hubbub.unconf.services.setup import do_set_up_unconference

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
