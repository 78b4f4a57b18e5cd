"""What every schedule format is read into: plain dataclasses, free of Django.

A parser turns the bytes of one file into a ``Programme``. A row it cannot read (a time that
is not a time, a session without a title) becomes a ``Refusal`` naming the row and the reason;
a file it cannot read at all raises ``ScheduleError`` and nothing is imported.
"""

from dataclasses import dataclass, field
from datetime import date, datetime


class ScheduleError(Exception):
    """The whole file is unusable; the message says why in words an organiser understands."""


@dataclass
class Refusal:
    """One row of the file that was not imported, and why."""

    row: str  # the source's id or guid, or "row N" (CSV line, frab position) when it has none
    reason: str
    title: str = ""


@dataclass
class RoomIn:
    name: str
    key: str | None = None  # the source's guid, when it gives one


@dataclass
class TrackIn:
    name: str
    colour: str | None = None


@dataclass
class PersonIn:
    name: str
    key: str | None = None  # the source's person id / code
    biography: str | None = None  # None: the format does not carry one (leave ours alone)


@dataclass
class SessionIn:
    key: str  # guid, else the source's id: what a later import of an updated file matches on
    row: str  # how to name this row in a refusal
    title: str
    starts_at: datetime  # aware
    ends_at: datetime  # aware
    room: str | None  # a room name; None for a session in every room (breaks, plenaries)
    track: str | None = None
    kind: str = ""  # the source's type/kind, mapped to ours by the service
    description: str = ""
    language: str = ""
    url: str = ""
    persons: list[PersonIn] = field(default_factory=list)


@dataclass
class Programme:
    """One file's schedule. ``first_day``/``last_day`` are the conference's dates if given."""

    format: str
    title: str = ""
    first_day: date | None = None
    last_day: date | None = None
    rooms: list[RoomIn] = field(default_factory=list)
    tracks: list[TrackIn] = field(default_factory=list)
    sessions: list[SessionIn] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
