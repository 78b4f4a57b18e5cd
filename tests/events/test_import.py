"""Programme import: real exports in, the same sessions at the same instants out through
hubbub's own ICS and frab exports; idempotent by the source's ids; bad files change nothing."""

import io
import json
from datetime import datetime, timedelta
from xml.etree import ElementTree as ET

import icalendar
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from hubbub.core.models import AuditEntry
from hubbub.core.permissions import Role
from hubbub.events.exports import calendar_ics, frab_schedule, frab_xml
from hubbub.events.importing.service import (
    do_import_programme,
)
from hubbub.events.models import Room, Session, Speaker, Track
from hubbub.events.services import programme_sessions
from tests.events.import_helpers import (
    BASE_URL,
    CSV,
    FILES,
    IMPORTED,
    JSON,
    XML,
    XML_SESSIONS,
    counts,
    expected,
    import_event,
    instants,
    read,
    run,
    snapshot,
    utc,
    xml_with,
)
from tests.factories import (
    LONDON,
    EventFactory,
    SpeakerFactory,
    UserFactory,
    grant,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(db):
    return import_event()


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
        .replace(  # Amara leaves the workshop
            '<person id="501">Amara Okafor</person>\n          <person id="505">',
            '<person id="505">',
        )
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
    assert list(workshop.speakers.values_list("pk", flat=True)) == [tomas_pk]


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
