"""frab's ``schedule.xml`` (as written by frab, pretalx, Pentabarf and hubbub itself).

XML from outside is parsed with the standard library's expat parser, refusing any DOCTYPE:
entity declarations (the "billion laughs" expansion, external entities that read local
files or fetch URLs) can only be made inside a DOCTYPE, and no schedule needs one.
"""

from datetime import date, datetime, timezone
from xml.etree import ElementTree as ET

from .model import PersonIn, Programme, Refusal, RoomIn, ScheduleError, SessionIn, TrackIn
from .values import (
    check_not_html,
    clean_text,
    frab_start,
    join_abstract,
    parse_day,
    parse_duration,
    zone_named,
)

FORMAT = "frab-xml"


class _NoDoctype(ET.TreeBuilder):
    def doctype(self, name, pubid, system):
        raise ScheduleError(
            "The XML file declares a DOCTYPE; schedules do not need one, and it is refused "
            "because it can make the parser expand entities or read other files."
        )


def parse_xml(data: bytes) -> ET.Element:
    check_not_html(data)
    if b"\x00" in data:
        raise ScheduleError("The file contains NUL bytes, so it is not an XML schedule.")
    parser = ET.XMLParser(target=_NoDoctype())
    try:
        parser.feed(data)
        return parser.close()
    except ET.ParseError as exc:
        line, column = exc.position
        raise ScheduleError(
            f"The XML is not well-formed at line {line}, column {column + 1}; the file may be "
            "cut short or not be XML at all."
        ) from None


def parse(data: bytes, *, default_zone) -> Programme:
    root = parse_xml(data)
    if root.tag != "schedule":
        raise ScheduleError(
            f"This XML is not a frab schedule: its root element is <{root.tag}>, not <schedule>."
        )
    conference = root.find("conference")
    programme = Programme(format=FORMAT)
    zone = default_zone
    if conference is not None:
        programme.title = clean_text(conference.findtext("title"))
        zone_name = clean_text(conference.findtext("time_zone_name"))
        if zone_name:
            zone = zone_named(zone_name)
        programme.first_day, programme.last_day = _conference_days(conference)
        for track in conference.findall("track"):
            name = clean_text(track.text) or clean_text(track.get("name"))
            if name:
                programme.tracks.append(TrackIn(name=name, colour=track.get("color")))
    days = root.findall("day")
    if conference is None and not days:
        raise ScheduleError("This XML is not a frab schedule: it has no <conference> or <day>.")
    named_zone = conference is not None and bool(clean_text(conference.findtext("time_zone_name")))
    position = 0
    for day in days:
        day_date = _day_date(day)
        # Without a named zone, a day's own start (with its offset) says where it happens.
        day_zone = zone if named_zone else (_day_offset(day) or zone)
        for room in day.findall("room"):
            room_name = clean_text(room.get("name"))
            if room_name and all(r.name != room_name for r in programme.rooms):
                programme.rooms.append(RoomIn(name=room_name, key=room.get("guid") or None))
            for event in room.findall("event"):
                position += 1
                _read_event(programme, event, room_name, day_date, day_zone, position)
    return programme


def _read_event(programme, event, room_name, day_date, zone, position) -> None:
    key = clean_text(event.get("guid")) or clean_text(event.get("id"))
    row = key or f"event {position}"
    title = clean_text(event.findtext("title"))
    if not key:
        programme.refused.append(Refusal(row, "it has neither a guid nor an id", title))
        return
    if not title:
        programme.refused.append(Refusal(row, "it has no title"))
        return
    own_room = clean_text(event.findtext("room"))
    if own_room and room_name and own_room != room_name:
        programme.refused.append(
            Refusal(row, f"it names the room “{own_room}” but is listed under “{room_name}”", title)
        )
        return
    try:
        starts_at = frab_start(
            event.findtext("date"), clean_text(event.findtext("start")), day_date, zone
        )
        ends_at = starts_at + parse_duration(clean_text(event.findtext("duration")))
    except ValueError as exc:
        programme.refused.append(Refusal(row, str(exc), title))
        return
    persons = []
    for person in event.findall("persons/person"):
        name = clean_text(person.text) or clean_text(person.get("name"))
        if name:
            persons.append(PersonIn(name=name, key=clean_text(person.get("id")) or None))
    url = clean_text(event.findtext("url"))
    programme.sessions.append(
        SessionIn(
            key=key,
            row=row,
            title=title,
            starts_at=starts_at,
            ends_at=ends_at,
            room=room_name or own_room or None,
            track=clean_text(event.findtext("track")) or None,
            kind=clean_text(event.findtext("type")),
            description=join_abstract(
                clean_text(event.findtext("abstract")), clean_text(event.findtext("description"))
            ),
            language=clean_text(event.findtext("language")),
            url=url,
            persons=persons,
        )
    )


def _conference_days(conference) -> tuple[date | None, date | None]:
    try:
        first = parse_day(conference.findtext("start")) if conference.findtext("start") else None
        last = parse_day(conference.findtext("end")) if conference.findtext("end") else None
    except ValueError as exc:
        raise ScheduleError(f"The conference's dates cannot be read: {exc}.") from None
    return first, last


def _day_date(day) -> date | None:
    try:
        return parse_day(day.get("date")) if day.get("date") else None
    except ValueError:
        return None


def _day_offset(day):
    """The fixed offset of the day's ``start`` attribute, for files that name no zone."""
    from_start = clean_text(day.get("start"))
    if len(from_start) <= 10:
        return None
    try:
        offset = datetime.fromisoformat(from_start.replace("Z", "+00:00")).utcoffset()
    except ValueError:
        return None
    return timezone(offset) if offset is not None else None
