"""Demo data for `hubbub demo`: two past events and one that is live today, with rooms,
speakers, sessions and a small team.

The events, programme and users are made here; the apps above add their own parts (team
roles, live entries, the unconference) through ``register_demo_loader``.

The live workshop (``personalisation-workshop``) is dated today in its own time zone, with a
programme around the current time; loading the demo on a later day moves it to that day.

Every text here is invented for the demonstration and says so. Running it again changes
nothing that already exists.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .lifecycle import apply_status
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
    name: str = ""


DEMO_USERS = [
    DemoUser("organiser", "demo-organiser-2011", "organiser", None, "organiser@example.org"),
    DemoUser("reporter1", "demo-reporter-one", "reporter", "all-change-2011", "r1@example.org"),
    DemoUser("reporter2", "demo-reporter-two", "reporter", "all-change-2011", "r2@example.org"),
    DemoUser("editor", "demo-editor-2011", "editor", "all-change-2011", "editor@example.org"),
    # The live workshop's reporting team (the simulated team posts as them).
    DemoUser(
        "desk",
        "demo-desk-editor",
        "editor",
        "personalisation-workshop",
        "desk@example.org",
        "Nia Evans (demo editor)",
    ),
    DemoUser(
        "notes",
        "demo-notes-reporter",
        "reporter",
        "personalisation-workshop",
        "notes@example.org",
        "Callum Reid (demo reporter)",
    ),
    DemoUser(
        "lens",
        "demo-lens-reporter",
        "reporter",
        "personalisation-workshop",
        "lens@example.org",
        "Hana Malik (demo reporter)",
    ),
]

ALL_CHANGE = {
    "slug": "all-change-2011",
    "title": "All Change 2011",
    "day": date(2011, 12, 9),
    "venue": "Riverside Business School, Birmingham (demo venue)",
    # Ended, not archived: its record stays open to readers' comments.
    "status": Event.Status.ENDED,
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


WORKSHOP_SLUG = "personalisation-workshop"

WORKSHOP = {
    "slug": WORKSHOP_SLUG,
    "title": "Personalisation in Adult Social Care: a practice workshop",
    "venue": "Canal Side Community Hub, Manchester (demo venue)",
    "summary": (
        "A one-day workshop for social workers, commissioners and people who draw on care and "
        "support: personal budgets, direct payments, co-produced support plans and small "
        "community services. It is live today: the reporting team posts as the day goes on.\n\n"
        + DEMO_NOTE
    ),
    "rooms": [("Assembly Hall", 150), ("Garden Room", 40), ("Studio", 30)],
    "speakers": [
        ("Joan Whitfield", "Independent Living Forum (demo)", "Chair of a user-led group (demo)."),
        ("Dev Patel", "Hillcross Borough Council (demo)", "Head of adult social care (demo)."),
        ("Marta Nowak", "Small Good Things (demo)", "Runs a network of micro-enterprises (demo)."),
        ("Owen Pryce", "Northbank Carers Centre (demo)", "Carers' lead (demo)."),
    ],
    # (minutes from the anchor, length in minutes, room, kind, title, speakers); the anchor is
    # the current half hour when the demo is loaded, so some sessions are over, some are on
    # now and some are still to come.
    "sessions": [
        (-150, 30, None, "break", "Arrival, coffee and name badges", []),
        (
            -120,
            45,
            "Assembly Hall",
            "keynote",
            "A good life, not a care package",
            ["Joan Whitfield"],
        ),
        (-60, 45, "Garden Room", "workshop", "Direct payments that work", ["Owen Pryce"]),
        (-60, 45, "Studio", "workshop", "Personal budgets in practice", ["Dev Patel"]),
        (
            -15,
            60,
            "Assembly Hall",
            "workshop",
            "Co-producing support plans with people who draw on care",
            ["Joan Whitfield", "Dev Patel"],
        ),
        (-15, 60, "Garden Room", "think-tank", "Commissioning for outcomes", ["Dev Patel"]),
        (45, 30, None, "break", "Lunch", []),
        (
            75,
            60,
            "Studio",
            "workshop",
            "Micro-enterprises and community support",
            ["Marta Nowak"],
        ),
        (
            150,
            60,
            "Assembly Hall",
            "keynote",
            "What we will change next week",
            ["Joan Whitfield", "Owen Pryce"],
        ),
    ],
}
WORKSHOP_FIRST_OFFSET = min(spec[0] for spec in WORKSHOP["sessions"])
WORKSHOP_LAST_END = max(spec[0] + spec[1] for spec in WORKSHOP["sessions"])


def _at(day: date, hhmm: str) -> datetime:
    hours, minutes = (int(part) for part in hhmm.split(":"))
    return datetime(day.year, day.month, day.day, hours, minutes, tzinfo=LONDON)


@dataclass
class Demo:
    """What the demo has made so far, handed to each app's demo loader."""

    events: dict[str, Event]
    users: dict[str, DemoUser]


# Apps above this one add their part of the demo (roles, live entries, unconference topics…)
# from their AppConfig.ready(); loaders run in ascending order and must be idempotent.
_demo_loaders: list[tuple[int, Callable[[Demo], None]]] = []


def register_demo_loader(loader: Callable[[Demo], None], *, order: int) -> None:
    if all(existing is not loader for _order, existing in _demo_loaders):
        _demo_loaders.append((order, loader))
        _demo_loaders.sort(key=lambda pair: pair[0])


@transaction.atomic
def load_demo() -> list[DemoUser]:
    organisation, _created = Organisation.objects.get_or_create(
        slug="demo-councils-network",
        defaults={"name": "Demo Councils Network", "website": "https://example.org/"},
    )
    specs = (ALL_CHANGE, LG_INNOVATION)
    # A new past event is filled while it is still live (ended events take no new updates and
    # archives refuse every write), then moved to its status.
    to_close = {
        spec["slug"]: spec["status"]
        for spec in specs
        if spec["status"] != Event.Status.LIVE
        and not Event.objects.filter(slug=spec["slug"]).exists()
    }
    events = [_load_event(organisation, spec) for spec in specs]
    events.append(_load_workshop(organisation))
    _load_users()
    demo = Demo(events={e.slug: e for e in events}, users={u.username: u for u in DEMO_USERS})
    for _order, loader in _demo_loaders:
        loader(demo)
    for slug, status in to_close.items():
        apply_status(Event.objects.select_for_update().get(slug=slug), status)
    return DEMO_USERS


def _load_users() -> None:
    User = get_user_model()
    for demo in DEMO_USERS:
        first, _space, last = demo.name.partition(" ")
        user, created = User.objects.get_or_create(
            username=demo.username,
            defaults={"email": demo.email, "first_name": first, "last_name": last},
        )
        if created:
            user.set_password(demo.password)
            user.save()


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
            "status": Event.Status.LIVE,
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


# -- the workshop that is live today --------------------------------------------------------------
def workshop_anchor(now: datetime | None = None) -> datetime:
    """The current half hour in London, kept far enough from midnight for the whole programme
    to fit in today."""
    local = timezone.localtime(now or timezone.now(), LONDON)
    anchor = local.replace(minute=local.minute - local.minute % 30, second=0, microsecond=0)
    day_start = datetime.combine(local.date(), time.min, tzinfo=LONDON)
    earliest = day_start + timedelta(minutes=-WORKSHOP_FIRST_OFFSET)
    latest = day_start + timedelta(days=1, minutes=-WORKSHOP_LAST_END)
    return min(max(anchor, earliest), latest)


def _load_workshop(organisation, now: datetime | None = None) -> Event:
    """The workshop, dated today (London); an earlier showing moves to today, programme and
    all, and is live again."""
    anchor = workshop_anchor(now)
    today = anchor.date()
    event = Event.objects.filter(slug=WORKSHOP_SLUG).first()
    if event is None:
        return _create_workshop(organisation, anchor)
    if event.starts_on != today:
        first = event.sessions.order_by("starts_at").first()
        if first is not None:
            shift = anchor - (first.starts_at + timedelta(minutes=-WORKSHOP_FIRST_OFFSET))
            event.sessions.update(starts_at=F("starts_at") + shift, ends_at=F("ends_at") + shift)
        Event.objects.filter(pk=event.pk).update(starts_on=today, ends_on=today)
        event.refresh_from_db()
    if event.status != Event.Status.LIVE:
        apply_status(event, Event.Status.LIVE)
    return event


def _create_workshop(organisation, anchor: datetime) -> Event:
    spec = WORKSHOP
    event = Event.objects.create(
        slug=spec["slug"],
        organisation=organisation,
        title=spec["title"],
        starts_on=anchor.date(),
        ends_on=anchor.date(),
        venue=spec["venue"],
        summary=spec["summary"],
        status=Event.Status.LIVE,
        time_zone="Europe/London",
    )
    rooms = {
        name: Room.objects.create(event=event, name=name, capacity=capacity, order=i)
        for i, (name, capacity) in enumerate(spec["rooms"])
    }
    Track.objects.create(event=event, name="Workshop programme")
    speakers = {
        name: Speaker.objects.create(event=event, name=name, organisation=org, bio=bio)
        for name, org, bio in spec["speakers"]
    }
    for offset, minutes, room, kind, title, speaker_names in spec["sessions"]:
        starts_at = anchor + timedelta(minutes=offset)
        session = Session.objects.create(
            event=event,
            title=title,
            kind=kind,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=minutes),
            room=rooms.get(room) if room else None,
            description=f"{title}. {DEMO_NOTE}",
        )
        session.speakers.set([speakers[n] for n in speaker_names])
    return event
