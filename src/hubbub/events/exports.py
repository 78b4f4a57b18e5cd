"""Calendar and schedule exports: ICS (RFC 5545) and the frab-compatible schedule.xml/json.

The frab format is what pretalx, frab and Pentabarf publish and what schedule apps such as
Giggity, ConfClerk and EventFahrplan read. Both files are built from one dictionary so that
they never disagree.
"""

import hashlib
import math
import re
import uuid
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

import icalendar
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

import hubbub
from hubbub.core.text import plain_text

from .models import Event, Session

SCHEMA_URL = "https://c3voc.de/schedule/schema.json"
ABSTRACT_LENGTH = 300
_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# -- ICS ------------------------------------------------------------------------------------------
def session_uid(session: Session, host: str) -> str:
    """A UID that stays the same across downloads, so calendars update instead of duplicating."""
    return f"session-{session.pk}@{_hostname(host)}"


def calendar_ics(event: Event, sessions, base_url: str) -> bytes:
    """An iCalendar file with one VEVENT per session; times in UTC, so no VTIMEZONE is needed."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//hubbub//hubbub {hubbub.__version__}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", event.title)
    # Readers' apps show the times in their own zone; this names the event's zone for them.
    calendar.add("x-wr-timezone", event.time_zone)
    stamp = timezone.now().astimezone(UTC)
    for session in sessions:
        session.event = event
        calendar.add_component(_vevent(event, session, base_url, stamp))
    return calendar.to_ical()


def _vevent(event: Event, session: Session, base_url: str, stamp: datetime) -> icalendar.Event:
    vevent = icalendar.Event()
    vevent.add("uid", session_uid(session, base_url))
    vevent.add("dtstamp", stamp)
    vevent.add("dtstart", session.starts_at.astimezone(UTC))
    vevent.add("dtend", session.ends_at.astimezone(UTC))
    vevent.add("summary", session.title)
    location = session.room.name if session.room else ""
    if event.venue:
        location = f"{location}, {event.venue}" if location else event.venue
    if location:
        vevent.add("location", location)
    description = plain_text(session.description)
    speakers = ", ".join(s.name for s in session.speakers.all())
    if speakers:
        description = f"{_('Speakers')}: {speakers}\n\n{description}".strip()
    if description:
        vevent.add("description", description)
    vevent.add("url", _absolute(base_url, session.get_absolute_url()))
    vevent.add("categories", [session.get_kind_display()])
    return vevent


# -- frab schedule --------------------------------------------------------------------------------
def frab_acronym(event: Event) -> str:
    """The event's slug shaped to the schemas' acronym patterns (hyphens are not allowed there)."""
    acronym = re.sub(r"[^a-z0-9_]", "_", event.slug.lower())
    return acronym.ljust(4, "_")


def session_guid(session: Session, base_url: str) -> uuid.UUID:
    """A UUID5 from the session's address on this site: stable, and unique across sites."""
    return uuid.uuid5(uuid.NAMESPACE_URL, _absolute(base_url, f"/sessions/{session.pk}"))


def _room_guid(name: str, event: Event, base_url: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, _absolute(base_url, f"/{event.slug}/rooms/{name}"))


def frab_schedule(event: Event, sessions, base_url: str) -> dict:
    """The schedule as the frab JSON document (``schedule.json``)."""
    sessions = list(sessions)
    for session in sessions:
        session.event = event
    everywhere = _("All rooms")
    by_day: dict[date, dict[str, list[dict]]] = {}
    for session in sessions:
        local_day = timezone.localtime(session.starts_at, event.tz).date()
        room = session.room.name if session.room else everywhere
        by_day.setdefault(local_day, {}).setdefault(room, []).append(
            _frab_event(event, session, room, base_url)
        )
    # Every day of the event, even an empty one, plus any day a stray session falls on.
    all_days = {
        event.starts_on + timedelta(days=n)
        for n in range((event.ends_on - event.starts_on).days + 1)
    }
    all_days |= set(by_day)
    days = []
    for index, day in enumerate(sorted(all_days), start=1):
        day_sessions = [
            s for s in sessions if timezone.localtime(s.starts_at, event.tz).date() == day
        ]
        start = event.day_start(day)
        end = event.day_start(day + timedelta(days=1))
        if day_sessions:
            end = max(end, max(s.ends_at for s in day_sessions).astimezone(event.tz))
        days.append(
            {
                "index": index,
                "date": day.isoformat(),
                "day_start": start.isoformat(),
                "day_end": end.isoformat(),
                "rooms": by_day.get(day, {}),
            }
        )
    room_names = [r.name for r in event.rooms.all()]
    if any(s.room is None for s in sessions):
        room_names.append(everywhere)
    conference = {
        "acronym": frab_acronym(event),
        "title": event.title,
        "start": event.starts_on.isoformat(),
        "end": event.ends_on.isoformat(),
        "daysCount": len(days),
        "timeslot_duration": _hh_mm(_timeslot_minutes(event, sessions)),
        "time_zone_name": event.time_zone,
        "url": _absolute(base_url, event.get_absolute_url()),
        "tracks": [
            {"name": t.name, **({"color": t.colour} if _HEX_COLOUR.match(t.colour) else {})}
            for t in event.tracks.all()
        ],
        "rooms": [
            {"name": name, "guid": str(_room_guid(name, event, base_url))} for name in room_names
        ],
        "days": days,
    }
    return {
        "$schema": SCHEMA_URL,
        "generator": {"name": "hubbub", "version": hubbub.__version__},
        "schedule": {
            "version": programme_version(sessions),
            "base_url": _absolute(base_url, "/"),
            "conference": conference,
        },
    }


def _frab_event(event: Event, session: Session, room: str, base_url: str) -> dict:
    local_start = timezone.localtime(session.starts_at, event.tz)
    url = _absolute(base_url, session.get_absolute_url())
    live_url = _absolute(base_url, reverse("live:page", args=[event.slug])) + (
        f"?session={session.pk}"
    )
    slug = (session.slug or "").lower().strip("-_") or "session"
    return {
        "guid": str(session_guid(session, base_url)),
        "id": session.pk,
        "date": local_start.isoformat(),
        "start": local_start.strftime("%H:%M"),
        "duration": _hh_mm(session.duration_minutes),
        "room": room,
        "slug": f"{frab_acronym(event)}-{session.pk}-{slug}",
        "url": url,
        "title": session.title,
        "subtitle": "",
        "track": session.track.name if session.track else None,
        "type": session.get_kind_display(),
        "language": "en",
        "abstract": plain_text(session.description, ABSTRACT_LENGTH),
        "description": plain_text(session.description),
        "persons": [{"id": s.pk, "public_name": s.name} for s in session.speakers.all()],
        "links": [{"url": live_url, "title": _("Live blog"), "type": "blog"}],
        "attachments": [],
    }


def frab_xml(event: Event, sessions, base_url: str) -> bytes:
    """The schedule as frab's ``schedule.xml``, element for element from the JSON document."""
    document = frab_schedule(event, sessions, base_url)
    schedule = document["schedule"]
    conference = schedule["conference"]
    root = ET.Element("schedule")
    ET.SubElement(root, "generator", name="hubbub", version=hubbub.__version__)
    ET.SubElement(root, "url").text = _absolute(
        base_url, reverse("events:schedule_xml", args=[event.slug])
    )
    ET.SubElement(root, "version").text = schedule["version"]
    conf = ET.SubElement(root, "conference")
    for name in ("title", "acronym", "start", "end"):
        ET.SubElement(conf, name).text = conference[name]
    ET.SubElement(conf, "days").text = str(conference["daysCount"])
    ET.SubElement(conf, "timeslot_duration").text = conference["timeslot_duration"]
    ET.SubElement(conf, "base_url").text = schedule["base_url"]
    ET.SubElement(conf, "url").text = conference["url"]
    ET.SubElement(conf, "time_zone_name").text = conference["time_zone_name"]
    for track in conference["tracks"]:
        ET.SubElement(conf, "track", **track).text = track["name"]
    for day in conference["days"]:
        day_el = ET.SubElement(
            root,
            "day",
            index=str(day["index"]),
            date=day["date"],
            start=day["day_start"],
            end=day["day_end"],
        )
        guids = {r["name"]: r["guid"] for r in conference["rooms"]}
        for room_name, events in day["rooms"].items():
            room_el = ET.SubElement(day_el, "room", name=room_name)
            if room_name in guids:
                room_el.set("guid", guids[room_name])
            for item in events:
                _xml_event(room_el, item)
    for element in root.iter():
        element.text = _xml_safe(element.text)
        for name, value in element.attrib.items():
            element.set(name, _xml_safe(value))
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _xml_safe(text: str | None) -> str | None:
    """Drop control characters that XML 1.0 cannot carry (a stray one would break the file)."""
    return _XML_INVALID.sub("", text) if text else text


def _xml_event(parent: ET.Element, item: dict) -> None:
    event_el = ET.SubElement(parent, "event", id=str(item["id"]), guid=item["guid"])
    for name in ("date", "start", "duration", "room", "slug", "url", "title", "subtitle"):
        ET.SubElement(event_el, name).text = item[name]
    ET.SubElement(event_el, "track").text = item["track"] or ""
    for name in ("type", "language", "abstract", "description"):
        ET.SubElement(event_el, name).text = item[name] or ""
    persons = ET.SubElement(event_el, "persons")
    for person in item["persons"]:
        ET.SubElement(persons, "person", id=str(person["id"])).text = person["public_name"]
    links = ET.SubElement(event_el, "links")
    for link in item["links"]:
        ET.SubElement(links, "link", href=link["url"]).text = link["title"]
    attachments = ET.SubElement(event_el, "attachments")
    for attachment in item["attachments"]:
        ET.SubElement(attachments, "attachment", href=attachment["url"]).text = attachment["title"]


def programme_version(sessions) -> str:
    """A short fingerprint of the timetable: apps see a new version whenever a slot changes."""
    digest = hashlib.sha256()
    for s in sorted(sessions, key=lambda s: s.pk):
        room = s.room.name if s.room else ""
        digest.update(
            f"{s.pk}|{s.starts_at.isoformat()}|{s.ends_at.isoformat()}|{room}|{s.title}\n".encode()
        )
    return digest.hexdigest()[:12]


def _timeslot_minutes(event: Event, sessions) -> int:
    """The largest step (at least 5 minutes) that every start, end and length is a multiple of."""
    step = 0
    for s in sessions:
        local = timezone.localtime(s.starts_at, event.tz)
        step = math.gcd(step, local.hour * 60 + local.minute, s.duration_minutes)
    return max(step, 5) if step else 15


def _hh_mm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _absolute(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + path


def _hostname(base_url: str) -> str:
    """The host of ``base_url`` (or of a bare host), without port or brackets."""
    if "//" not in base_url:
        base_url = "//" + base_url
    return urlsplit(base_url).hostname or "localhost"
