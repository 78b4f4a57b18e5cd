"""Importing a programme from another tool into one event, in one transaction.

Rows are matched to what an earlier import created by the source's own ids (guids where it has
them), stored as ``import_key``, so importing the same file again changes nothing and an
updated file updates in place. A row that cannot be imported (outside the event's dates, a
room clash, no title…) is reported with its reason and skipped; a file that cannot be read as
a schedule raises ``ScheduleError`` and nothing at all is written. Nothing is ever deleted.
"""

import hashlib
import re
from bisect import bisect_left, insort
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from hubbub.core.audit import log_action
from hubbub.core.permissions import Action, policy

from ..checks import check_session
from ..models import Event, Room, Session, Speaker, Track
from . import csv as csv_format
from . import frab_json, frab_xml
from .model import Programme, Refusal, ScheduleError, SessionIn

PARSERS = {
    "application/xml": frab_xml.parse,
    "text/xml": frab_xml.parse,
    "application/json": frab_json.parse,
    "text/csv": csv_format.parse,
}
_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
KIND_WORDS = {
    Session.Kind.KEYNOTE: {"keynote"},
    Session.Kind.THINK_TANK: {"think-tank", "think tank", "thinktank", "panel", "discussion"},
    Session.Kind.WORKSHOP: {"workshop", "hands-on"},
    Session.Kind.UNCONFERENCE: {"unconference", "open space", "barcamp"},
    Session.Kind.MARKETPLACE: {"marketplace", "market", "exhibition"},
    Session.Kind.BREAK: {"break", "lunch", "coffee", "coffee break", "pause", "registration"},
}
_KIND_OF = {word: kind for kind, words in KIND_WORDS.items() for word in words}
KEY_LENGTH = Session._meta.get_field("import_key").max_length


class FileTooLarge(ScheduleError):
    """Over ``HUBBUB_IMPORT_MAX_BYTES``."""


class UnsupportedFormat(ScheduleError):
    """A content type no parser reads."""


@dataclass
class ImportReport:
    format: str
    sessions_created: int = 0
    sessions_updated: int = 0
    sessions_unchanged: int = 0
    rooms_created: int = 0
    rooms_updated: int = 0
    speakers_created: int = 0
    speakers_updated: int = 0
    tracks_created: int = 0
    refused: list[Refusal] = field(default_factory=list)

    @property
    def sessions(self) -> int:
        return self.sessions_created + self.sessions_updated

    @property
    def rooms(self) -> int:
        return self.rooms_created + self.rooms_updated

    @property
    def speakers(self) -> int:
        return self.speakers_created + self.speakers_updated

    def as_dict(self) -> dict:
        """The API's answer: created-or-updated counts and the refused rows."""
        return {
            "sessions": self.sessions,
            "rooms": self.rooms,
            "speakers": self.speakers,
            "unchanged": self.sessions_unchanged,
            "refused": [{"row": r.row, "title": r.title, "reason": r.reason} for r in self.refused],
        }


def parser_for(content_type: str):
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type not in PARSERS:
        raise UnsupportedFormat(
            f"hubbub cannot import “{media_type or 'no content type'}”: send frab XML as "
            "application/xml, frab or pretalx JSON as application/json, or CSV as text/csv."
        )
    return PARSERS[media_type]


def check_size(size: int) -> None:
    limit = settings.HUBBUB_IMPORT_MAX_BYTES
    if size > limit:
        raise FileTooLarge(
            f"The file is {size:,} bytes; the largest programme hubbub imports is {limit:,} bytes "
            "(HUBBUB_IMPORT_MAX_BYTES)."
        )


def do_import_programme(event: Event, *, actor, data: bytes, content_type: str) -> ImportReport:
    """Import ``data`` (frab XML, frab/pretalx JSON or CSV) into ``event`` for ``actor``."""
    policy.require(actor, Action.MANAGE_EVENT, event)
    return _import(event, actor, data, content_type)


def do_import_programme_from_console(event: Event, *, data: bytes, content_type: str):
    """The same import for the operator at the console (``hubbub programme import``)."""
    return _import(event, None, data, content_type)


def _import(event: Event, actor, data: bytes, content_type: str) -> ImportReport:
    parse = parser_for(content_type)
    check_size(len(data))
    if not data.strip():
        raise ScheduleError("The file is empty.")
    programme = parse(data, default_zone=event.tz)
    _check_same_conference(event, programme)
    with transaction.atomic():
        # One import of an event at a time: the clash checks below read what the other wrote.
        event = Event.objects.select_for_update().get(pk=event.pk)
        report = _write(event, programme)
        log_action(
            "hubbub.programme.imported",
            actor=actor,
            event=event,
            target=event,
            data={
                "format": programme.format,
                "bytes": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "sessions": report.sessions,
                "rooms": report.rooms,
                "speakers": report.speakers,
                "refused": len(report.refused),
            },
        )
    return report


def _check_same_conference(event: Event, programme: Programme) -> None:
    first, last = programme.first_day, programme.last_day
    if first is None or last is None:
        if not programme.sessions:
            return
        days = [timezone.localtime(s.starts_at, event.tz).date() for s in programme.sessions]
        first, last = min(days), max(days)
    if last < event.starts_on or first > event.ends_on:
        title = f"“{programme.title}” " if programme.title else ""
        raise ScheduleError(
            f"This schedule {title}runs from {first.isoformat()} to {last.isoformat()}, which "
            f"does not overlap this event ({event.starts_on.isoformat()} to "
            f"{event.ends_on.isoformat()}). Is it the right conference's file?"
        )


# -- planning: which rows go in ------------------------------------------------------------------
@dataclass
class _Candidate:
    row: SessionIn
    room_id: object  # an existing Room's pk, ("new", name), or None for every room
    refusal: str = ""


def _write(event: Event, programme: Programme) -> ImportReport:
    report = ImportReport(format=programme.format, refused=list(programme.refused))
    rooms = _RoomResolver(event, {room.name: room.key for room in programme.rooms})
    candidates = _checked_rows(event, programme, rooms, report)
    # Every imported session of the event and its speakers, by joins rather than ``__in`` the
    # file's keys: a long file would pass more parameters than SQLite takes in one query.
    existing = {
        s.import_key: s for s in Session.objects.filter(event=event, import_key__isnull=False)
    }
    speakers_of = defaultdict(set)
    through = Session.speakers.through.objects.filter(session__event=event)
    for session_id, speaker_id in through.values_list("session_id", "speaker_id"):
        speakers_of[session_id].add(speaker_id)
    for session in existing.values():
        session.speaker_pks = speakers_of[session.pk]
    _refuse_clashes(event, candidates, existing)
    accepted = []
    for candidate in candidates:
        row = candidate.row
        if candidate.refusal:
            report.refused.append(Refusal(row.row, candidate.refusal, row.title))
        else:
            accepted.append(row)
    for position, room in enumerate(programme.rooms):
        rooms.save(room.name, room.key, position, report)
    for row in accepted:
        if row.room:
            rooms.save(row.room, None, len(programme.rooms), report)
    tracks = _save_tracks(event, programme, accepted, report)
    speakers = _SpeakerResolver(event)
    new_sessions = []
    for row in accepted:
        new = _save_session(event, row, existing.get(row.key), rooms, tracks, speakers, report)
        if new is not None:
            new_sessions.append(new)
    _create_sessions(new_sessions)
    report.sessions_created = len(new_sessions)
    report.speakers_created, report.speakers_updated = speakers.created, speakers.updated
    return report


def _create_sessions(new_sessions: list[tuple[Session, set[int]]]) -> None:
    """New sessions and their speakers in a few bulk inserts (a first import is thousands)."""
    Session.objects.bulk_create([session for session, _ in new_sessions], batch_size=500)
    through = Session.speakers.through
    through.objects.bulk_create(
        [
            through(session_id=session.pk, speaker_id=speaker_pk)
            for session, speaker_pks in new_sessions
            for speaker_pk in sorted(speaker_pks)
        ],
        batch_size=1000,
    )


def _checked_rows(event, programme, rooms, report) -> list[_Candidate]:
    """Rows whose own fields fit the event; the others go to the report as refused."""
    candidates, keys = [], set()
    for row in programme.sessions:
        reason = _row_problem(event, row, keys)
        keys.add(row.key)
        if reason:
            report.refused.append(Refusal(row.row, reason, row.title))
            continue
        candidates.append(_Candidate(row=row, room_id=rooms.identity(row.room)))
    return candidates


def _row_problem(event, row: SessionIn, keys) -> str:
    if row.key in keys:
        return f"the id “{row.key}” appears more than once in the file"
    too_long = _too_long(row)
    if too_long:
        return too_long
    try:
        check_session(event=event, starts_at=row.starts_at, ends_at=row.ends_at)
    except ValidationError as exc:
        return " ".join(exc.messages)
    return ""


def _too_long(row: SessionIn) -> str:
    limits = [
        ("id", row.key, KEY_LENGTH),
        ("title", row.title, Session._meta.get_field("title").max_length),
        ("room", row.room or "", Room._meta.get_field("name").max_length),
        ("track", row.track or "", Track._meta.get_field("name").max_length),
    ]
    limits += [
        ("speaker name", p.name, Speaker._meta.get_field("name").max_length) for p in row.persons
    ]
    for label, value, limit in limits:
        if len(value) > limit:
            return f"its {label} is longer than {limit} characters"
    return ""


def _refuse_clashes(event, candidates: list[_Candidate], existing: dict) -> None:
    """Refuse rows that share a room at the same time with another row or a saved session.

    Saved sessions that this file moves do not count where they were; but a saved session
    whose row is refused stays where it is, and may then clash with a row accepted before.
    So the check repeats until no more rows are refused (each round only adds refusals).
    """
    saved = list(
        Session.objects.filter(event=event, room__isnull=False).values_list(
            "import_key", "room_id", "starts_at", "ends_at", "title"
        )
    )
    while True:
        moving = {c.row.key for c in candidates if not c.refusal and c.row.key in existing}
        taken = defaultdict(_RoomSlots)
        for key, room_id, starts_at, ends_at, title in saved:
            if key is None or key not in moving:
                taken[room_id].add(starts_at, ends_at, title, "already in the programme")
        refused_now = False
        for candidate in candidates:
            row = candidate.row
            if candidate.refusal or candidate.room_id is None:
                continue
            slots = taken[candidate.room_id]
            clash = slots.overlapping(row.starts_at, row.ends_at)
            if clash is None:
                slots.add(row.starts_at, row.ends_at, row.title, f"also in this file: {row.row}")
                continue
            starts_at, ends_at, title, where = clash
            candidate.refusal = (
                f"“{row.title}” clashes with “{title}” ({where}) in {row.room}, "
                f"{_local(event, starts_at)}–{_local(event, ends_at)}"
            )
            refused_now = True
        if not refused_now:
            return


class _RoomSlots:
    """One room's sessions sorted by start, so that finding an overlap looks only at those
    that start within the longest session's length before the end (not at every session)."""

    def __init__(self):
        self.slots: list[tuple] = []
        self.longest = timedelta(0)

    def add(self, starts_at, ends_at, title, where) -> None:
        insort(self.slots, (starts_at, ends_at, title, where))
        self.longest = max(self.longest, ends_at - starts_at)

    def overlapping(self, starts_at, ends_at) -> tuple | None:
        # Every slot before this index starts before ``ends_at``.
        index = bisect_left(self.slots, (ends_at,))
        for position in range(index - 1, -1, -1):
            slot = self.slots[position]
            if slot[0] + self.longest <= starts_at:
                return None  # this one and all earlier ones end by ``starts_at``
            if slot[1] > starts_at:
                return slot
        return None


def _local(event, instant) -> str:
    return timezone.localtime(instant, event.tz).strftime("%Y-%m-%d %H:%M")


# -- writing --------------------------------------------------------------------------------------
class _RoomResolver:
    """Rooms by the source's guid, else by name; new ones are made only when written."""

    def __init__(self, event, file_keys: dict[str, str | None]):
        self.event = event
        self.file_keys = file_keys
        self.rooms = list(Room.objects.filter(event=event))
        self.saved: set[str] = set()

    def _find(self, name, key):
        by_key = next((r for r in self.rooms if key and r.import_key == key), None)
        return by_key or next((r for r in self.rooms if r.name == name), None)

    def identity(self, name):
        if not name:
            return None
        room = self._find(name, self.file_keys.get(name))
        return room.pk if room is not None else ("new", name)

    def get(self, name):
        return self._find(name, None) if name else None

    def save(self, name, key, position, report) -> None:
        if name in self.saved:
            return
        self.saved.add(name)
        key = key if key and len(key) <= KEY_LENGTH else None
        room = self._find(name, key)
        if room is None:
            room = Room.objects.create(event=self.event, name=name, import_key=key, order=position)
            self.rooms.append(room)
            report.rooms_created += 1
            return
        changed = []
        name_free = all(r.name != name for r in self.rooms if r.pk != room.pk)
        if room.name != name and name_free:
            room.name = name
            changed.append("name")
        key_free = all(r.import_key != key for r in self.rooms if r.pk != room.pk)
        if key and room.import_key != key and key_free:
            room.import_key = key
            changed.append("import_key")
        if changed:
            room.save(update_fields=changed)
            report.rooms_updated += 1


def _save_tracks(event, programme, accepted, report) -> dict[str, Track]:
    tracks: dict[str, Track] = {}
    for track in Track.objects.filter(event=event).order_by("pk"):
        tracks.setdefault(track.name, track)  # names are not unique: the oldest one wins
    colours = {t.name: t.colour for t in programme.tracks}
    for name in [t.name for t in programme.tracks] + [r.track for r in accepted if r.track]:
        colour = colours.get(name)
        colour = colour if colour and _HEX_COLOUR.match(colour) else None
        track = tracks.get(name)
        if track is None:
            tracks[name] = Track.objects.create(
                event=event, name=name, **({"colour": colour} if colour else {})
            )
            report.tracks_created += 1
        elif colour and track.colour.lower() != colour.lower():
            track.colour = colour
            track.save(update_fields=["colour"])
    return tracks


class _SpeakerResolver:
    """This event's speakers by the source's person id, else by name; never another event's."""

    def __init__(self, event):
        self.event = event
        self.speakers = list(Speaker.objects.filter(event=event))
        self.by_key = {s.import_key: s for s in self.speakers if s.import_key}
        self.slugs = {s.slug for s in self.speakers}
        self.done: dict[str, Speaker] = {}
        self.created = self.updated = 0

    def get(self, person) -> Speaker:
        key = person.key if person.key and len(person.key) <= KEY_LENGTH else None
        memo = f"key:{key}" if key else f"name:{person.name}"
        if memo in self.done:
            return self.done[memo]
        speaker = self.by_key.get(key) if key else None
        if speaker is None:
            slug = _slug(person.name)
            speaker = next(
                (
                    s
                    for s in self.speakers
                    if s.slug == slug and (key is None or s.import_key is None)
                ),
                None,
            )
        if speaker is None:
            speaker = Speaker(event=self.event, name=person.name, slug=self._free_slug(person.name))
            speaker.import_key = key
            speaker.bio = person.biography or ""
            speaker.save()
            self.speakers.append(speaker)
            self.created += 1
        else:
            self._update(speaker, person, key)
        if key:
            self.by_key[key] = speaker
        self.done[memo] = speaker
        return speaker

    def _update(self, speaker, person, key) -> None:
        changed = []
        if key and speaker.import_key != key:
            speaker.import_key = key
            changed.append("import_key")
        if key and speaker.name != person.name:
            speaker.name = person.name
            changed.append("name")
        if person.biography is not None and speaker.bio != person.biography:
            speaker.bio = person.biography
            changed.append("bio")
        if changed:
            speaker.save(update_fields=changed)
            self.updated += 1

    def _free_slug(self, name) -> str:
        base = _slug(name)
        slug, n = base, 1
        while slug in self.slugs:
            n += 1
            suffix = f"-{n}"
            slug = base[: 100 - len(suffix)] + suffix
        self.slugs.add(slug)
        return slug


def _slug(name: str) -> str:
    return slugify(name)[:100] or "speaker"


def _save_session(event, row, session, rooms, tracks, speakers, report):
    """Update ``session`` from ``row``; for a new one, the unsaved session and its speakers."""
    kind = _KIND_OF.get(row.kind.lower())
    room = rooms.get(row.room)
    values = {
        "title": row.title,
        "starts_at": row.starts_at,
        "ends_at": row.ends_at,
        "room_id": room.pk if room is not None else None,
        "track_id": tracks[row.track].pk if row.track else None,
        "description": row.description,
    }
    if kind is not None or session is None:
        values["kind"] = kind or Session.Kind.WORKSHOP
    speaker_pks = {speakers.get(person).pk for person in row.persons}
    if session is None:
        slug = slugify(row.title)[:100] or "session"  # as Session.save() would; bulk skips it
        return Session(event=event, import_key=row.key, slug=slug, **values), speaker_pks
    changed = [name for name, value in values.items() if getattr(session, name) != value]
    for name in changed:
        setattr(session, name, values[name])
    if changed:
        session.save(update_fields=changed)
    if session.speaker_pks != speaker_pks:
        session.speakers.set(speaker_pks)
        changed.append("speakers")
    if changed:
        report.sessions_updated += 1
    else:
        report.sessions_unchanged += 1
    return None
