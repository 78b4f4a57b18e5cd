"""frab's ``schedule.json``, as pretalx, frab and hubbub write it (the c3voc schema)."""

import json

from .model import PersonIn, Programme, Refusal, RoomIn, ScheduleError, SessionIn, TrackIn
from .values import (
    check_not_html,
    clean_text,
    decode_text,
    frab_start,
    join_abstract,
    parse_day,
    parse_duration,
    zone_named,
)

FORMAT = "frab-json"


def parse(data: bytes, *, default_zone) -> Programme:
    check_not_html(data)
    text = decode_text(data)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScheduleError(
            f"The JSON cannot be read at line {exc.lineno}, column {exc.colno} ({exc.msg}); "
            "the file may be cut short."
        ) from None
    except RecursionError:
        raise ScheduleError("The JSON is nested far too deeply to be a schedule.") from None
    schedule = document.get("schedule") if isinstance(document, dict) else None
    conference = schedule.get("conference") if isinstance(schedule, dict) else None
    if not isinstance(conference, dict) or not isinstance(conference.get("days", []), list):
        raise ScheduleError(
            "This JSON is not a frab schedule: it has no schedule.conference with its days."
        )
    programme = Programme(format=FORMAT, title=clean_text(conference.get("title")))
    zone = default_zone
    if clean_text(conference.get("time_zone_name")):
        zone = zone_named(clean_text(conference.get("time_zone_name")))
    try:
        if conference.get("start"):
            programme.first_day = parse_day(clean_text(conference["start"]))
        if conference.get("end"):
            programme.last_day = parse_day(clean_text(conference["end"]))
    except ValueError as exc:
        raise ScheduleError(f"The conference's dates cannot be read: {exc}.") from None
    for track in _dicts(conference.get("tracks")):
        if clean_text(track.get("name")):
            programme.tracks.append(
                TrackIn(name=clean_text(track["name"]), colour=track.get("color") or None)
            )
    for room in _dicts(conference.get("rooms")):
        name = clean_text(room.get("name"))
        if name and all(r.name != name for r in programme.rooms):
            programme.rooms.append(RoomIn(name=name, key=clean_text(room.get("guid")) or None))
    # With a list of rooms, a session in a room left off it is refused; without one, the
    # rooms are the ones the days name.
    has_room_list = bool(programme.rooms)
    listed_rooms = {r.name for r in programme.rooms}
    position = 0
    for day in _dicts(conference.get("days")):
        try:
            day_date = parse_day(clean_text(day.get("date"))) if day.get("date") else None
        except ValueError:
            day_date = None
        rooms = day.get("rooms") if isinstance(day.get("rooms"), dict) else {}
        for room_name, events in rooms.items():
            room_name = clean_text(room_name)
            if room_name and not has_room_list and room_name not in listed_rooms:
                listed_rooms.add(room_name)
                programme.rooms.append(RoomIn(name=room_name))
            for event in events if isinstance(events, list) else []:
                position += 1
                if not isinstance(event, dict):
                    programme.refused.append(Refusal(f"event {position}", "it is not an object"))
                    continue
                _read_event(programme, event, room_name, listed_rooms, day_date, zone, position)
    return programme


def _read_event(programme, event, room_name, listed_rooms, day_date, zone, position) -> None:
    key = clean_text(event.get("guid")) or clean_text(event.get("id"))
    row = key or f"event {position}"
    title = clean_text(event.get("title"))
    if not key:
        programme.refused.append(Refusal(row, "it has neither a guid nor an id", title))
        return
    if not title:
        programme.refused.append(Refusal(row, "it has no title"))
        return
    own_room = clean_text(event.get("room")) or room_name
    if own_room != room_name:
        programme.refused.append(
            Refusal(row, f"it names the room “{own_room}” but is listed under “{room_name}”", title)
        )
        return
    if not room_name:
        programme.refused.append(Refusal(row, "it has no room", title))
        return
    if room_name not in listed_rooms:
        programme.refused.append(
            Refusal(row, f"the room “{room_name}” is not in the schedule's list of rooms", title)
        )
        return
    try:
        starts_at = frab_start(
            clean_text(event.get("date")), clean_text(event.get("start")), day_date, zone
        )
        ends_at = starts_at + parse_duration(clean_text(event.get("duration")))
    except ValueError as exc:
        programme.refused.append(Refusal(row, str(exc), title))
        return
    track = event.get("track")
    if isinstance(track, dict):
        track = track.get("name")
    description = join_abstract(
        clean_text(event.get("abstract")), clean_text(event.get("description"))
    )
    programme.sessions.append(
        SessionIn(
            key=key,
            row=row,
            title=title,
            starts_at=starts_at,
            ends_at=ends_at,
            room=room_name or None,
            track=clean_text(track) or None,
            kind=clean_text(event.get("type")),
            description=description,
            language=clean_text(event.get("language")),
            url=clean_text(event.get("url")),
            persons=[_person(p) for p in _dicts(event.get("persons")) if _person_name(p)],
        )
    )


def _person(person: dict) -> PersonIn:
    key = clean_text(person.get("guid")) or clean_text(person.get("code"))
    key = key or clean_text(person.get("id"))
    biography = person.get("biography")
    return PersonIn(
        name=_person_name(person),
        key=key or None,
        biography=clean_text(biography) if biography is not None else None,
    )


def _person_name(person: dict) -> str:
    return clean_text(person.get("public_name")) or clean_text(person.get("name"))


def _dicts(value) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []
