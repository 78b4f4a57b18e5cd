"""Programme import: real exports in, the same sessions at the same instants out through
hubbub's own ICS and frab exports; idempotent by the source's ids; bad files change nothing."""

import io
import json
import random
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from xml.etree import ElementTree as ET

import icalendar
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from hubbub.core.models import AuditEntry
from hubbub.core.permissions import Role
from hubbub.events.exports import calendar_ics, frab_schedule, frab_xml
from hubbub.events.importing.model import ScheduleError
from hubbub.events.importing.service import (
    FileTooLarge,
    UnsupportedFormat,
    _RoomSlots,
    do_import_programme,
    do_import_programme_from_console,
)
from hubbub.events.models import Room, Session, Speaker, Track
from hubbub.events.services import programme_sessions
from tests.factories import (
    LONDON,
    EventFactory,
    RoomFactory,
    SessionFactory,
    SpeakerFactory,
    UserFactory,
    grant,
)

pytestmark = pytest.mark.django_db
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


@pytest.fixture
def event(db):
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


# -- the formats ----------------------------------------------------------------------------------
def test_import_frab_xml_creates_the_programme_at_the_right_instants(event):
    report = run(event, read("schedule.xml"))

    assert report.refused == []
    assert (report.sessions, report.rooms, report.speakers) == (8, 3, 6)
    assert instants(event) == expected(XML_SESSIONS)
    assert set(Room.objects.filter(event=event).values_list("name", flat=True)) == {
        "Main Hall",
        "Seminar Room 1",
        "Ystafell Gymraeg",
    }
    panel = Session.objects.get(event=event, import_key__endswith="000000000002")
    assert panel.kind == Session.Kind.THINK_TANK
    assert panel.track.name == "Data & AI"
    assert panel.room.name == "Main Hall"
    assert "Zoë Brontë-Ōkubo" in panel.description
    assert sorted(panel.speakers.values_list("name", flat=True)) == [
        "Priya Raman",
        "Siôn Llŷr",
        "Zoë Brontë-Ōkubo",
    ]
    assert Track.objects.get(event=event, name="Cymraeg").colour == "#00703c"
    # The same person in two sessions is one speaker, and the empty fields stay empty.
    workshop = Session.objects.get(event=event, title="Workshop: mapping a service end to end")
    assert workshop.track is None and workshop.description == ""
    assert Speaker.objects.get(event=event, name="Amara Okafor").sessions.count() == 2
    assert Speaker.objects.filter(event=event, name="李 小龍 (Lee)").exists()


def test_import_reads_back_the_same_through_hubbubs_ics_and_frab_exports(event):
    run(event, read("schedule.xml"))
    sessions = programme_sessions(event)

    calendar = icalendar.Calendar.from_ical(calendar_ics(event, sessions, BASE_URL))
    from_ics = {
        str(vevent["summary"]): (vevent["dtstart"].dt, vevent["dtend"].dt)
        for vevent in calendar.walk("VEVENT")
    }
    assert from_ics == expected(XML_SESSIONS)

    root = ET.fromstring(frab_xml(event, programme_sessions(event), BASE_URL))
    from_frab = {}
    for item in root.iter("event"):
        starts_at = datetime.fromisoformat(item.findtext("date"))
        hours, minutes = map(int, item.findtext("duration").split(":"))
        length = timedelta(hours=hours, minutes=minutes)
        from_frab[item.findtext("title")] = (starts_at, starts_at + length)
        # Each instant is stated in the event's zone: +01:00 before the change, +00:00 after.
        assert starts_at.utcoffset() == LONDON.utcoffset(starts_at.replace(tzinfo=None))
    assert from_frab == expected(XML_SESSIONS)


def test_hubbubs_own_frab_export_imports_into_another_event_unchanged(event):
    run(event, read("schedule.xml"))
    # Longer than the export's 300-character abstract, which is that text cut short.
    long_text = "Councils that share one register of addresses. " * 12
    Session.objects.filter(event=event, import_key__endswith="02").update(
        description=long_text.strip()
    )
    exported = frab_xml(event, programme_sessions(event), BASE_URL)
    copy = EventFactory(starts_on=event.starts_on, ends_on=event.ends_on, time_zone="Europe/London")

    report = run(copy, exported)

    assert report.refused == []
    assert instants(copy) == instants(event)

    # The export gives descriptions as plain text on one line; the words come back unrepeated.
    def words(of):
        rows = Session.objects.filter(event=of).values_list("title", "description")
        return {title: " ".join(description.split()) for title, description in rows}

    assert words(copy) == words(event)
    assert sorted(Speaker.objects.filter(event=copy).values_list("name", flat=True)) == sorted(
        Speaker.objects.filter(event=event).values_list("name", flat=True)
    )
    json_copy = EventFactory(starts_on=event.starts_on, ends_on=event.ends_on)
    document = frab_schedule(event, programme_sessions(event), BASE_URL)
    run(json_copy, json.dumps(document).encode(), JSON)
    assert instants(json_copy) == instants(event)


def test_import_pretalx_json_with_codes_biographies_and_track_objects(event):
    report = run(event, read("schedule.json"), JSON)

    assert report.refused == []
    assert (report.sessions, report.rooms, report.speakers) == (4, 2, 4)
    assert instants(event) == expected(
        {
            "Opening keynote: services people can trust": ("2030-10-25 08:30", "2030-10-25 09:15"),
            "Panel: sharing data between councils": ("2030-10-25 09:30", "2030-10-25 10:30"),
            "Gwasanaethau digidol dwyieithog: gwersi o Gymru": (
                "2030-10-26 08:00",
                "2030-10-26 08:50",
            ),
            "Closing plenary & what we pledge": ("2030-10-27 09:30", "2030-10-27 10:30"),
        }
    )
    amara = Speaker.objects.get(event=event, name="Amara Okafor")
    assert amara.bio == "Chief digital officer at a county council."
    assert amara.import_key == "c2a0b6b0-0000-5000-8000-000000000501"  # the guid over the code
    sion = Speaker.objects.get(event=event, import_key="PERS03")
    assert sion.sessions.count() == 2
    closing = Session.objects.get(event=event, title="Closing plenary & what we pledge")
    assert closing.track.name == "Leadership"
    assert closing.kind == Session.Kind.KEYNOTE
    assert Room.objects.get(event=event, name="Ystafell Gymraeg").import_key.endswith("2b03")


def test_import_csv_with_speakers_separated_by_semicolons(event):
    report = run(event, read("programme.csv"), CSV)

    assert report.refused == []
    assert (report.sessions, report.rooms, report.speakers) == (5, 2, 4)
    registration = Session.objects.get(event=event, import_key="wk-1")
    assert registration.room is None and registration.kind == Session.Kind.BREAK
    # CSV times are the event's wall-clock times: BST on Friday, GMT on Sunday.
    assert registration.starts_at == utc("2030-10-25 07:30")
    assert Session.objects.get(event=event, import_key="wk-5").starts_at == utc("2030-10-27 09:30")
    panel = Session.objects.get(event=event, import_key="wk-3")
    assert panel.title == "Panel: sharing data between councils, safely"
    assert panel.description == "Three councils.\nOne register."
    assert sorted(panel.speakers.values_list("name", flat=True)) == [
        "Priya Raman",
        "Siôn Llŷr",
        "Zoë Brontë-Ōkubo",
    ]


def test_import_hundreds_of_sessions_over_several_days(event):
    rooms = [f"Room {n} — Ystafell {n}" for n in range(1, 11)]
    lines = ["id,title,date,start,end,room,track,speakers"]
    for day in (25, 26, 27):
        for hour in range(9, 19):
            for number, room in enumerate(rooms):
                key = f"{day}-{hour}-{number}"
                lines.append(
                    f"{key},Session {key} ✓,2030-10-{day},{hour:02d}:00,{hour:02d}:50,{room},"
                    f"Track {number % 4},Speaker {number};Speaker {hour}"
                )
    data = "\n".join(lines).encode()

    report = run(event, data, CSV)
    again = run(event, data, CSV)

    assert report.refused == [] and report.sessions == 300
    assert counts(event)["sessions"] == 300 and counts(event)["rooms"] == 10
    assert (again.sessions, again.rooms, again.speakers, again.sessions_unchanged) == (0, 0, 0, 300)


# -- idempotent, and updates by the source's ids -------------------------------------------------
@pytest.mark.parametrize(
    ("name", "content_type"),
    [("schedule.xml", XML), ("schedule.json", JSON), ("programme.csv", CSV)],
)
def test_importing_the_same_file_again_changes_nothing(event, name, content_type):
    run(event, read(name), content_type)
    before = snapshot(event)

    report = run(event, read(name), content_type)

    assert (report.sessions, report.rooms, report.speakers, report.refused) == (0, 0, 0, [])
    assert report.sessions_unchanged == counts(event)["sessions"]
    assert snapshot(event) == before


def test_an_updated_file_updates_the_same_rows_by_guid(event):
    run(event, read("schedule.xml"))
    keynote_pk = Session.objects.get(event=event, import_key__endswith="000000000001").pk
    tomas_pk = Speaker.objects.get(event=event, name="Tomás Ó Briain").pk
    before = counts(event)
    updated = (
        read("schedule.xml")
        .decode()
        .replace("Opening keynote: services people can trust", "Opening keynote: earning trust")
        .replace(
            "<date>2030-10-25T10:30:00+01:00</date>\n        <start>10:30</start>\n"
            "        <duration>01:30</duration>",
            "<date>2030-10-25T14:00:00+01:00</date>\n        <start>14:00</start>\n"
            "        <duration>01:30</duration>",
        )
        .replace("Tomás Ó Briain", "Tomás Ó Briain-Ward")
    )

    report = run(event, updated.encode())

    assert report.refused == []
    assert (report.sessions, report.rooms, report.speakers) == (2, 0, 1)
    assert {k: v for k, v in counts(event).items() if k != "imports logged"} == {
        k: v for k, v in before.items() if k != "imports logged"
    }
    keynote = Session.objects.get(pk=keynote_pk)
    assert keynote.title == "Opening keynote: earning trust"
    workshop = Session.objects.get(event=event, import_key__endswith="000000000003")
    assert workshop.starts_at == utc("2030-10-25 13:00")
    assert Speaker.objects.get(pk=tomas_pk).name == "Tomás Ó Briain-Ward"


def test_speakers_are_this_events_own_never_another_events(event, other_event):
    theirs = SpeakerFactory(event=other_event, name="Amara Okafor", bio="Their bio.")
    theirs.import_key = "501"
    theirs.save()
    ours = SpeakerFactory(event=event, name="Amara Okafor", bio="Our own words.")

    run(event, read("schedule.xml"))

    for session in Session.objects.filter(event=event):
        assert {s.event_id for s in session.speakers.all()} <= {event.pk}
    theirs.refresh_from_db()
    assert theirs.sessions.count() == 0 and theirs.bio == "Their bio."
    # Our hand-made speaker of the same name is adopted, not duplicated; XML carries no bio.
    ours.refresh_from_db()
    assert ours.import_key == "501" and ours.bio == "Our own words."
    assert ours.sessions.count() == 2
    assert Speaker.objects.filter(event=event, name="Amara Okafor").count() == 1


# -- rows refused, the rest imported -------------------------------------------------------------
def test_a_room_clash_within_the_file_refuses_that_row_naming_both_sessions(event):
    clashing = (
        read("schedule.xml")
        .decode()
        .replace("<date>2030-10-25T13:00:00+01:00</date>", "<date>2030-10-25T11:00:00+01:00</date>")
    )

    report = run(event, clashing.encode())

    assert len(report.refused) == 1
    refusal = report.refused[0]
    assert refusal.row == "a0c0a8f8-55d1-4f55-9b7e-000000000004"
    assert "Lunch ☕ and café chat" in refusal.reason
    assert "Workshop: mapping a service end to end" in refusal.reason
    assert "Seminar Room 1" in refusal.reason
    assert counts(event)["sessions"] == 7
    assert not Session.objects.filter(event=event, title="Lunch ☕ and café chat").exists()


def test_a_clash_with_a_session_already_in_the_programme_is_refused(event):
    hall = RoomFactory(event=event, name="Main Hall")
    SessionFactory(
        event=event,
        room=hall,
        title="Hand-made welcome",
        starts_at=datetime(2030, 10, 25, 9, 0, tzinfo=LONDON),
        ends_at=datetime(2030, 10, 25, 10, 0, tzinfo=LONDON),
    )

    report = run(event, read("schedule.xml"))

    assert [r.title for r in report.refused] == ["Opening keynote: services people can trust"]
    assert "Hand-made welcome" in report.refused[0].reason
    assert "already in the programme" in report.refused[0].reason
    assert counts(event)["sessions"] == 8  # the hand-made one and seven of the eight
    assert Room.objects.filter(event=event, name="Main Hall").count() == 1


def test_sessions_that_swap_slots_in_an_updated_file_do_not_clash_with_their_old_places(event):
    run(event, read("programme.csv"), CSV)
    swapped = (
        read("programme.csv")
        .decode()
        .replace("2030-10-25,09:30,10:15,Main Hall", "2030-10-25,10:30,11:15,Main Hall")
        .replace("2030-10-25,10:30,11:30,Main Hall", "2030-10-25,09:30,10:30,Main Hall")
    )

    report = run(event, swapped.encode(), CSV)

    assert report.refused == [] and report.sessions == 2
    assert Session.objects.get(event=event, import_key="wk-3").starts_at == utc("2030-10-25 08:30")


def test_a_refused_move_keeps_its_old_slot_and_blocks_a_row_that_wanted_it(event):
    run(event, read("programme.csv"), CSV)
    # wk-2 asks for a time outside the event (refused, so it stays at 09:30); wk-3 asks for
    # wk-2's old slot, which is therefore still taken.
    moved = (
        read("programme.csv")
        .decode()
        .replace("2030-10-25,09:30,10:15,Main Hall", "2030-11-02,09:30,10:15,Main Hall")
        .replace("2030-10-25,10:30,11:30,Main Hall", "2030-10-25,09:45,10:15,Main Hall")
    )

    report = run(event, moved.encode(), CSV)

    assert sorted(r.row for r in report.refused) == ["row 3 (id wk-2)", "row 4 (id wk-3)"]
    assert "Opening keynote" in report.refused[1].reason
    assert Session.objects.get(event=event, import_key="wk-2").starts_at == utc("2030-10-25 08:30")
    assert Session.objects.get(event=event, import_key="wk-3").starts_at == utc("2030-10-25 09:30")


def test_a_row_accepted_into_a_slot_whose_session_then_cannot_move_is_refused_too(event):
    run(event, read("programme.csv"), CSV)
    hall = Room.objects.get(event=event, name="Main Hall")
    SessionFactory(
        event=event,
        room=hall,
        title="Hand-made Saturday talk",
        starts_at=datetime(2030, 10, 26, 14, 0, tzinfo=LONDON),
        ends_at=datetime(2030, 10, 26, 15, 0, tzinfo=LONDON),
    )
    # wk-2 asks for wk-3's place, which looks free while wk-3 is moving away; but wk-3's new
    # place is taken, so wk-3 stays, and wk-2 must not land on top of it.
    moved = (
        read("programme.csv")
        .decode()
        .replace("2030-10-25,09:30,10:15,Main Hall", "2030-10-25,10:45,11:15,Main Hall")
        .replace("2030-10-25,10:30,11:30,Main Hall", "2030-10-26,14:30,15:30,Main Hall")
    )

    report = run(event, moved.encode(), CSV)

    assert sorted(r.row for r in report.refused) == ["row 3 (id wk-2)", "row 4 (id wk-3)"]
    assert "Hand-made Saturday talk" in report.refused[0].reason + report.refused[1].reason
    hall_sessions = Session.objects.filter(room=hall).order_by("starts_at")
    for earlier, later in pairwise(hall_sessions):
        assert earlier.ends_at <= later.starts_at, (earlier.title, later.title)


def test_the_room_clash_search_agrees_with_checking_every_pair():
    # Overlapping saved slots too (bad data already in a programme), and lengths up to a day.
    rng = random.Random(20301025)
    start_of_day = utc("2030-10-25 00:00")
    for _ in range(40):
        slots, everything = _RoomSlots(), []
        for _ in range(60):
            begins = start_of_day + timedelta(minutes=rng.randrange(0, 24 * 60, 5))
            ends = begins + timedelta(minutes=rng.choice([5, 15, 30, 60, 90, 240, 1440]))
            brute = [s for s in everything if s[0] < ends and begins < s[1]]
            found = slots.overlapping(begins, ends)
            assert (found is None) == (not brute)
            assert found is None or found in brute
            if brute and rng.random() < 0.8:
                continue
            slots.add(begins, ends, "t", "w")
            everything.append((begins, ends, "t", "w"))


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        ("2030-10-26,09:00,09:50", "2030-11-26,09:00,09:50", "during the event"),
        ("2030-10-26,09:00,09:50", "2030-10-26,09:50,09:00", "ends before it starts"),
        ("2030-10-26,09:00,09:50", "2030-10-26,9 am,09:50", "is not HH:MM"),
        ("2030-10-26,09:00,09:50", "26/10/2030,09:00,09:50", "is not YYYY-MM-DD"),
        ("wk-4,Gwasanaethau digidol dwyieithog", "wk-4,", "no title"),
        ("wk-4,Gwasanaethau", "wk-2,Gwasanaethau", "appears more than once"),
        ("wk-4,Gwasanaethau digidol dwyieithog", "wk-4," + "T" * 201, "longer than 200"),
    ],
)
def test_a_bad_csv_row_is_refused_with_its_reason_and_the_rest_imported(event, old, new, reason):
    data = read("programme.csv").decode().replace(old, new)

    report = run(event, data.encode(), CSV)

    assert len(report.refused) == 1 and reason in report.refused[0].reason
    assert report.refused[0].row.startswith("row 6")  # wk-3 above it spans lines 4 and 5
    assert counts(event)["sessions"] == 4


def test_in_the_hour_the_clocks_go_back_a_session_keeps_its_length_and_reimports_unchanged(
    event,
):
    xml = b"""<?xml version="1.0"?><schedule><conference><title>Night</title>
    <time_zone_name>Europe/London</time_zone_name></conference>
    <day index="3" date="2030-10-27"><room name="Main Hall">
      <event guid="night-1" id="1"><date></date><start>01:30</start><duration>01:00</duration>
        <title>Through the repeated hour</title></event>
    </room></day></schedule>"""
    csv = b"id,title,date,start,end,room\nc1,Twice at one,2030-10-27,01:00,01:50,Seminar Room\n"

    run(event, xml)
    run(event, csv, CSV)
    again = (run(event, xml), run(event, csv, CSV))

    # 01:30 BST is 00:30 UTC; an hour of real time later is 01:30 UTC (01:30 GMT), not 02:30.
    assert instants(event)["Through the repeated hour"] == (
        utc("2030-10-27 00:30"),
        utc("2030-10-27 01:30"),
    )
    # 01:00 happens twice that night; a programme means the first.
    assert instants(event)["Twice at one"] == (utc("2030-10-27 00:00"), utc("2030-10-27 00:50"))
    assert [(r.sessions, r.sessions_unchanged) for r in again] == [(0, 1), (0, 1)]


def test_a_skipped_clock_time_is_refused_rather_than_guessed():
    event = EventFactory(starts_on=date(2030, 3, 31), ends_on=date(2030, 3, 31))
    data = b"id,title,date,start,end\nx,In the lost hour,2030-03-31,01:30,02:30\n"

    report = run(event, data, CSV)

    assert "does not exist" in report.refused[0].reason and report.sessions == 0


def test_a_json_session_in_a_room_missing_from_the_room_list_is_refused(event):
    data = read("schedule.json").decode().replace('"Ystafell Gymraeg": [\n', '"Attic": [\n', 1)
    data = data.replace(
        '"room": "Ystafell Gymraeg",\n                "slug": "digitalgov30-2003',
        '"room": "Attic",\n                "slug": "digitalgov30-2003',
    )

    report = run(event, data.encode(), JSON)

    assert [r.title for r in report.refused] == ["Gwasanaethau digidol dwyieithog: gwersi o Gymru"]
    assert "“Attic” is not in the schedule's list of rooms" in report.refused[0].reason
    assert not Room.objects.filter(event=event, name="Attic").exists()


# -- whole files refused: nothing saved ----------------------------------------------------------
def xml_with(old: str, new: str) -> bytes:
    return read("schedule.xml").decode().replace(old, new).encode()


BAD_FILES = {
    "html": (
        b"<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>Sign in</body></html>",
        XML,
        "web page (HTML)",
    ),
    "html sent as csv": (b"<html><body>Schedule</body></html>", CSV, "web page (HTML)"),
    "truncated xml": (read("schedule.xml")[:3000], XML, "not well-formed"),
    "not xml at all": (b"id,title\n1,2\n", XML, "not well-formed"),
    "other xml": (b"<?xml version='1.0'?><rss><channel/></rss>", XML, "root element is <rss>"),
    "entity expansion": (
        b'<?xml version="1.0"?><!DOCTYPE schedule [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><schedule>&b;</schedule>',
        XML,
        "DOCTYPE",
    ),
    "external entity": (
        b'<?xml version="1.0"?><!DOCTYPE s [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<schedule><conference><title>&x;</title></conference></schedule>",
        XML,
        "DOCTYPE",
    ),
    "wrong conference": (
        xml_with("<start>2030-10-25</start>", "<start>2019-12-27</start>").replace(
            b"<end>2030-10-27</end>", b"<end>2019-12-30</end>"
        ),
        XML,
        "does not overlap this event",
    ),
    "unknown time zone": (
        xml_with("Europe/London", "Mars/Olympus_Mons"),
        XML,
        "“Mars/Olympus_Mons” is not a known time zone",
    ),
    "nul bytes in xml": (read("schedule.xml").replace(b"Main Hall", b"Main\x00Hall"), XML, "NUL"),
    "nul bytes in csv": (read("programme.csv").replace(b"wk-2", b"wk\x002"), CSV, "NUL"),
    "utf-16 json": (read("schedule.json").decode().encode("utf-16"), JSON, "NUL"),
    "truncated json": (read("schedule.json")[:2000], JSON, "cut short"),
    "json not a schedule": (b'{"talks": []}', JSON, "not a frab schedule"),
    "deep json": (b"[" * 100_000 + b"]" * 100_000, JSON, "nested"),
    "csv without the header": (b"1,Talk,2030-10-25,09:00,10:00\n", CSV, "not a programme"),
    "csv with an unknown column": (
        b"id,title,date,start,end,speaker\nx,Talk,2030-10-25,09:00,10:00,Ann\n",
        CSV,
        "does not know: speaker",
    ),
    "csv in latin-1": (
        "id,title,date,start,end\nx,Café,2030-10-25,09:00,10:00\n".encode("latin-1"),
        CSV,
        "not UTF-8",
    ),
    "empty": (b"  \n", XML, "empty"),
    "unsupported type": (read("schedule.xml"), "application/pdf", "cannot import"),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_file_that_is_not_a_usable_schedule_is_refused_whole_and_saves_nothing(event, case):
    data, content_type, message = BAD_FILES[case]
    before = counts(event)

    with pytest.raises(ScheduleError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run(event, data, content_type)

    assert counts(event) == before


def test_unsupported_content_types_are_their_own_error(event):
    with pytest.raises(UnsupportedFormat):
        run(event, read("schedule.xml"), "application/pdf")


def test_a_file_over_the_size_limit_is_refused_with_the_limit_named(event, settings):
    data = read("schedule.xml")
    settings.HUBBUB_IMPORT_MAX_BYTES = len(data) - 1

    with pytest.raises(FileTooLarge, match=f"{len(data) - 1:,} bytes"):
        run(event, data)
    assert counts(event)["sessions"] == 0

    settings.HUBBUB_IMPORT_MAX_BYTES = len(data)
    assert run(event, data).sessions == 8


# -- who may, and the record -----------------------------------------------------------------------
def test_an_organiser_imports_and_the_import_is_in_the_audit_log(event, organiser):
    do_import_programme(event, actor=organiser, data=read("schedule.xml"), content_type=XML)

    entry = AuditEntry.objects.get(event=event, action=IMPORTED)
    assert entry.actor == organiser
    assert entry.data["format"] == "frab-xml"
    assert (entry.data["sessions"], entry.data["refused"]) == (8, 0)


@pytest.mark.parametrize("who", ["reporter", "editor", "organiser elsewhere", "nobody"])
def test_only_the_events_organisers_may_import(event, other_event, who):
    user = UserFactory()
    if who == "organiser elsewhere":
        grant(user, other_event, Role.ORGANISER)
    elif who != "nobody":
        grant(user, event, who)

    with pytest.raises(PermissionDenied):
        do_import_programme(event, actor=user, data=read("schedule.xml"), content_type=XML)

    assert counts(event) == {k: 0 for k in counts(event)}


def test_the_console_command_imports_a_file_and_prints_the_report(event):
    out = io.StringIO()

    call_command("programme", "import", event.slug, str(FILES / "schedule.xml"), stdout=out)

    assert "8 sessions" in out.getvalue()
    assert counts(event)["sessions"] == 8


def test_the_console_command_lists_refused_rows(event, tmp_path):
    out = io.StringIO()
    path = tmp_path / "clash.xml"
    path.write_bytes(xml_with("2030-10-25T13:00:00+01:00", "2030-10-25T11:00:00+01:00"))

    call_command("programme", "import", event.slug, str(path), stdout=out)

    assert "Lunch ☕ and café chat" in out.getvalue() and "clashes with" in out.getvalue()
