"""ICS and frab schedule exports, read back the way calendar and schedule apps read them."""

import io
import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

import icalendar
import pytest

from hubbub.events.models import Session
from tests.factories import EventFactory, RoomFactory, SessionFactory, SpeakerFactory, TrackFactory

pytestmark = pytest.mark.django_db
NEW_YORK = ZoneInfo("America/New_York")
# The published schemas live beside the repository (../shared/schemas); only CI has them.
SCHEMAS = Path(__file__).resolve().parents[2] / "../shared/schemas"


@pytest.fixture
def programme(db):
    """A two-day event in New York with a roomed talk, a plenary break and a second day."""
    event = EventFactory(
        title="Civic Tech Summit", slug="civic-tech-2030", time_zone="America/New_York"
    )
    first, second = event.starts_on, event.ends_on
    hall = RoomFactory(event=event, name="Main Hall", order=0)
    track = TrackFactory(event=event, name="Leadership", colour="#4c2c92")
    talk = SessionFactory(
        event=event,
        title="Leading when everything changes",
        kind=Session.Kind.KEYNOTE,
        room=hall,
        track=track,
        description="A talk about **change**.",
        starts_at=datetime(first.year, first.month, first.day, 9, 30, tzinfo=NEW_YORK),
        ends_at=datetime(first.year, first.month, first.day, 10, 15, tzinfo=NEW_YORK),
    )
    talk.speakers.set([SpeakerFactory(event=event, name="Amara Okafor")])
    SessionFactory(
        event=event,
        title="Lunch",
        kind=Session.Kind.BREAK,
        room=None,
        starts_at=datetime(first.year, first.month, first.day, 12, tzinfo=NEW_YORK),
        ends_at=datetime(first.year, first.month, first.day, 13, tzinfo=NEW_YORK),
    )
    SessionFactory(
        event=event,
        title="Day two opener",
        room=hall,
        starts_at=datetime(second.year, second.month, second.day, 9, tzinfo=NEW_YORK),
        ends_at=datetime(second.year, second.month, second.day, 10, tzinfo=NEW_YORK),
    )
    return event, talk


# -- ICS ------------------------------------------------------------------------------------------
def test_programme_ics_parses_back_with_times_in_utc(client, programme):
    event, talk = programme
    response = client.get(f"/{event.slug}/programme/schedule.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = {e["summary"]: e for e in calendar.walk("VEVENT")}
    assert set(events) == {"Leading when everything changes", "Lunch", "Day two opener"}
    keynote = events["Leading when everything changes"]
    # 09:30 in New York in June (EDT, UTC-4) is 13:30 UTC.
    assert keynote.decoded("dtstart") == datetime(2030, 6, 10, 13, 30, tzinfo=UTC)
    assert keynote.decoded("dtend") == datetime(2030, 6, 10, 14, 15, tzinfo=UTC)
    assert b"DTSTART:20300610T133000Z" in response.content
    assert str(keynote["uid"]) == f"session-{talk.pk}@testserver"
    assert str(keynote["location"]).startswith("Main Hall")
    assert "Amara Okafor" in str(keynote["description"])
    assert "A talk about change." in str(keynote["description"])
    assert str(keynote["url"]) == f"http://testserver{talk.get_absolute_url()}"


def test_session_ics_holds_just_that_session_with_a_stable_uid(client, programme):
    event, talk = programme
    url = f"/{event.slug}/programme/{talk.pk}.ics"
    first = icalendar.Calendar.from_ical(client.get(url).content)
    again = icalendar.Calendar.from_ical(client.get(url).content)
    [vevent] = first.walk("VEVENT")
    assert vevent["summary"] == talk.title
    assert vevent["uid"] == again.walk("VEVENT")[0]["uid"]


def test_session_ics_of_an_unknown_session_is_404(client, programme):
    event, _talk = programme
    assert client.get(f"/{event.slug}/programme/99999.ics").status_code == 404


def test_session_ics_of_another_event_session_is_404(client, programme):
    _event, talk = programme
    other = EventFactory()
    assert client.get(f"/{other.slug}/programme/{talk.pk}.ics").status_code == 404


# -- frab XML -------------------------------------------------------------------------------------
def _xml(client, event) -> ET.Element:
    response = client.get(f"/{event.slug}/programme/schedule.xml")
    assert response.status_code == 200
    assert "xml" in response["Content-Type"]
    return ET.fromstring(response.content)  # raises if not well-formed


def test_schedule_xml_is_well_formed_and_shaped_as_frab(client, programme):
    event, talk = programme
    root = _xml(client, event)
    assert root.tag == "schedule"
    assert [child.tag for child in root][:4] == ["generator", "url", "version", "conference"]
    conference = root.find("conference")
    assert conference.findtext("acronym") == "civic_tech_2030"
    assert conference.findtext("title") == "Civic Tech Summit"
    assert conference.findtext("start") == "2030-06-10"
    assert conference.findtext("end") == "2030-06-11"
    assert conference.findtext("days") == "2"
    assert conference.findtext("time_zone_name") == "America/New_York"
    assert conference.findtext("timeslot_duration") == "00:15"
    days = root.findall("day")
    assert [(d.get("index"), d.get("date")) for d in days] == [
        ("1", "2030-06-10"),
        ("2", "2030-06-11"),
    ]
    rooms = [room.get("name") for room in days[0].findall("room")]
    assert rooms == ["Main Hall", "All rooms"]
    item = days[0].find(f"room/event[@id='{talk.pk}']")
    assert uuid.UUID(item.get("guid")).version == 5
    assert item.findtext("title") == talk.title
    assert item.findtext("date") == "2030-06-10T09:30:00-04:00"
    assert item.findtext("start") == "09:30"
    assert item.findtext("duration") == "00:45"
    assert item.findtext("room") == "Main Hall"
    assert item.findtext("track") == "Leadership"
    assert item.findtext("type") == "Keynote"
    assert item.findtext("language") == "en"
    assert item.findtext("abstract") == "A talk about change."
    assert item.findtext("url") == f"http://testserver{talk.get_absolute_url()}"
    assert [p.text for p in item.findall("persons/person")] == ["Amara Okafor"]
    assert item.find("links/link").get("href").endswith(f"/live/?session={talk.pk}")


def test_schedule_guids_are_stable_between_downloads(client, programme):
    event, _talk = programme
    first = [e.get("guid") for e in _xml(client, event).iter("event")]
    second = [e.get("guid") for e in _xml(client, event).iter("event")]
    assert first == second and len(set(first)) == 3


# -- frab JSON ------------------------------------------------------------------------------------
def test_schedule_json_is_shaped_as_frab(client, programme):
    event, talk = programme
    document = client.get(f"/{event.slug}/programme/schedule.json").json()
    assert document["$schema"] == "https://c3voc.de/schedule/schema.json"
    assert document["generator"]["name"] == "hubbub"
    schedule = document["schedule"]
    assert schedule["base_url"] == "http://testserver/"
    conference = schedule["conference"]
    assert conference["acronym"] == "civic_tech_2030"
    assert conference["daysCount"] == 2 and len(conference["days"]) == 2
    assert conference["time_zone_name"] == "America/New_York"
    [item] = conference["days"][0]["rooms"]["Main Hall"]
    assert item["id"] == talk.pk
    assert item["date"] == "2030-06-10T09:30:00-04:00"
    assert item["persons"] == [{"id": talk.speakers.get().pk, "public_name": "Amara Okafor"}]
    assert conference["days"][0]["rooms"]["All rooms"][0]["title"] == "Lunch"


def test_schedule_version_changes_when_a_session_moves(client, programme):
    event, talk = programme
    url = f"/{event.slug}/programme/schedule.json"
    before = client.get(url).json()["schedule"]["version"]
    assert client.get(url).json()["schedule"]["version"] == before
    Session.objects.filter(pk=talk.pk).update(title="Moved")
    assert client.get(url).json()["schedule"]["version"] != before


def test_schedule_exports_of_a_draft_are_404(client):
    event = EventFactory(status="draft")
    for name in ("schedule.xml", "schedule.json", "schedule.ics"):
        assert client.get(f"/{event.slug}/programme/{name}").status_code == 404


# -- against the published schemas ----------------------------------------------------------------
def _schema(name: str) -> Path:
    path = (SCHEMAS / name).resolve()
    if not path.exists():
        pytest.skip(f"the published schedule schemas are not at {SCHEMAS.resolve()} (CI has them)")
    return path


def test_schedule_xml_validates_against_the_frab_schema(client, programme):
    import xmlschema

    schema = xmlschema.XMLSchema(str(_schema("frab-schedule.xml.xsd")))
    event, _talk = programme
    content = client.get(f"/{event.slug}/programme/schedule.xml").content.decode()
    errors = [str(e) for e in schema.iter_errors(content)]
    assert errors == []


def test_schedule_json_validates_against_the_frab_schema(client, programme):
    import jsonschema

    schema = json.loads(_schema("frab-schedule.schema.json").read_text())
    validator = jsonschema.Draft6Validator(
        schema, format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER
    )
    event, _talk = programme
    document = client.get(f"/{event.slug}/programme/schedule.json").json()
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]
    assert errors == []


def test_demo_schedules_validate_against_the_frab_schemas(client):
    import jsonschema
    import xmlschema
    from django.core.management import call_command

    xml_schema = xmlschema.XMLSchema(str(_schema("frab-schedule.xml.xsd")))
    json_schema = json.loads(_schema("frab-schedule.schema.json").read_text())
    call_command("demo", stdout=io.StringIO())
    for slug in ("all-change-2011", "lg-innovation-2008"):
        xml = client.get(f"/{slug}/programme/schedule.xml").content.decode()
        assert [str(e) for e in xml_schema.iter_errors(xml)] == []
        document = client.get(f"/{slug}/programme/schedule.json").json()
        errors = jsonschema.Draft6Validator(json_schema).iter_errors(document)
        assert [e.message for e in errors] == []
