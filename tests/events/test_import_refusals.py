"""Programme import: a row that cannot go in is reported with its reason and skipped; a file
that is not a usable schedule is refused whole and saves nothing."""

import random
from datetime import date, datetime, timedelta
from itertools import pairwise

import pytest

from hubbub.events.importing.model import ScheduleError
from hubbub.events.importing.service import (
    FileTooLarge,
    UnsupportedFormat,
    _RoomSlots,
)
from hubbub.events.models import Room, Session
from tests.events.import_helpers import (
    CSV,
    JSON,
    XML,
    counts,
    import_event,
    instants,
    read,
    run,
    utc,
    xml_with,
)
from tests.factories import (
    LONDON,
    EventFactory,
    RoomFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(db):
    return import_event()


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
    "csv for another year": (
        read("programme.csv").replace(b"2030-10-2", b"2019-10-2"),
        CSV,
        "runs from 2019-10-25 to 2019-10-27, which does not overlap",
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
