"""Shared by the programme import tests: the sample files and ways to look at what they made."""

from datetime import UTC, date, datetime
from pathlib import Path

from hubbub.core.models import AuditEntry
from hubbub.events.importing.service import do_import_programme_from_console
from hubbub.events.models import Room, Session, Speaker, Track
from tests.factories import EventFactory

FILES = Path(__file__).parent / "import_files"
XML = "application/xml"
JSON = "application/json"
CSV = "text/csv"
BASE_URL = "https://hubbub.example.org"
IMPORTED = "hubbub.programme.imported"


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# What schedule.xml holds, in UTC: British Summer Time (+01:00) on the first two days, GMT
# (+00:00) on the third, after the clocks went back in the small hours of 27 October.
XML_SESSIONS = {
    "Opening keynote: services people can trust": ("2030-10-25 08:30", "2030-10-25 09:15"),
    "Panel: sharing data between councils without losing the public’s trust": (
        "2030-10-25 09:30",
        "2030-10-25 10:30",
    ),
    "Workshop: mapping a service end to end": ("2030-10-25 09:30", "2030-10-25 11:00"),
    "Lunch ☕ and café chat": ("2030-10-25 12:00", "2030-10-25 12:30"),
    "Gwasanaethau digidol dwyieithog: gwersi o Gymru": ("2030-10-26 08:00", "2030-10-26 08:50"),
    "Late session: the night the clocks go back": ("2030-10-26 22:30", "2030-10-26 22:55"),
    "Closing plenary & what we pledge": ("2030-10-27 09:30", "2030-10-27 10:30"),
    # No date, only <start>14:00 on the third day: 14:00 in London, which is GMT by then.
    "A session whose file gives only a start time": ("2030-10-27 14:00", "2030-10-27 14:45"),
}


def import_event():
    """The event the files are for: Friday to Sunday over the October clock change."""
    return EventFactory(
        title="Digital Public Services 2030",
        slug="digitalgov-2030",
        starts_on=date(2030, 10, 25),
        ends_on=date(2030, 10, 27),
        time_zone="Europe/London",
    )


def read(name: str) -> bytes:
    return (FILES / name).read_bytes()


def run(event, data, content_type=XML):
    return do_import_programme_from_console(event, data=data, content_type=content_type)


def counts(event) -> dict:
    return {
        "rooms": Room.objects.filter(event=event).count(),
        "tracks": Track.objects.filter(event=event).count(),
        "speakers": Speaker.objects.filter(event=event).count(),
        "sessions": Session.objects.filter(event=event).count(),
        "imports logged": AuditEntry.objects.filter(event=event, action=IMPORTED).count(),
    }


def snapshot(event) -> list:
    """Every imported field of every row, to show that a re-import changed nothing."""
    sessions = Session.objects.filter(event=event).order_by("pk")
    return [
        list(Room.objects.filter(event=event).order_by("pk").values()),
        list(Track.objects.filter(event=event).order_by("pk").values()),
        list(Speaker.objects.filter(event=event).order_by("pk").values()),
        list(sessions.values()),
        [sorted(s.speakers.values_list("pk", flat=True)) for s in sessions],
    ]


def instants(event) -> dict:
    return {s.title: (s.starts_at, s.ends_at) for s in Session.objects.filter(event=event)}


def expected(table: dict) -> dict:
    return {title: (utc(start), utc(end)) for title, (start, end) in table.items()}


def xml_with(old: str, new: str) -> bytes:
    return read("schedule.xml").decode().replace(old, new).encode()
