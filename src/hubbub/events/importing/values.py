"""Reading the values a schedule file holds (text, days, clock times, durations, zones), as
every parser does; anything unusable raises ``ScheduleError`` naming it.
"""

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .model import ScheduleError

_DURATION = re.compile(r"^\s*(\d{1,3}):([0-5]\d)(?::([0-5]\d))?\s*$")
_CLOCK = re.compile(r"^\s*([01]?\d|2[0-3])[:.]([0-5]\d)(?::[0-5]\d)?\s*$")
_HTML_START = re.compile(
    rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(!doctype\s+html|html[\s>]|head[\s>]|body[\s>])",
    re.I | re.S,
)


def check_not_html(data: bytes) -> None:
    """A login page or a schedule's web page saved by mistake gets a message that says so."""
    if _HTML_START.match(data.lstrip(b"\xef\xbb\xbf")[:2048]):
        raise ScheduleError(
            "This file is a web page (HTML), not a schedule. Export the programme as "
            "frab schedule.xml, schedule.json or CSV and import that file."
        )


def decode_text(data: bytes) -> str:
    """UTF-8 text (a byte-order mark, as spreadsheets write, is allowed) without NUL bytes."""
    if b"\x00" in data:
        raise ScheduleError(
            "The file contains NUL bytes, so it is not a text schedule (if it was saved as "
            "UTF-16, save it as UTF-8 instead)."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ScheduleError(
            f"The file is not UTF-8 text (byte {exc.start + 1} cannot be read); "
            "save it as UTF-8 and import it again."
        ) from None


def zone_named(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(
            f"The schedule's time zone “{name}” is not a known time zone "
            "(use a name such as Europe/London)."
        ) from None


def parse_duration(text: str) -> timedelta:
    """frab's ``HH:MM`` (some tools write ``H:MM:SS``); a length must be more than zero."""
    match = _DURATION.match(text or "")
    if not match:
        raise ValueError(f"the duration “{text}” is not HH:MM")
    hours, minutes, seconds = (int(g or 0) for g in match.groups())
    length = timedelta(hours=hours, minutes=minutes, seconds=seconds)
    if length <= timedelta(0):
        raise ValueError("the duration is zero")
    return length


def parse_clock(text: str) -> tuple[int, int]:
    match = _CLOCK.match(text or "")
    if not match:
        raise ValueError(f"the time “{text}” is not HH:MM")
    return int(match.group(1)), int(match.group(2))


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat((text or "").strip()[:10])
    except ValueError:
        raise ValueError(f"the date “{text}” is not YYYY-MM-DD") from None


def local_instant(day: date, clock: tuple[int, int], zone) -> datetime:
    """``day`` at ``clock`` in ``zone``, in UTC. A wall time skipped by a clock change is
    refused; one that happens twice (when the clocks go back) is the first of the two.

    UTC because arithmetic on zoned datetimes is wall-clock arithmetic (an hour after 01:30 on
    the night the clocks go back would be 02:30, two hours later), and because Python never
    finds a zoned time in the repeated hour equal to the same instant from the database.
    """
    naive = datetime(day.year, day.month, day.day, *clock)
    instant = naive.replace(tzinfo=zone).astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != naive:
        raise ValueError(f"{naive:%Y-%m-%d %H:%M} does not exist in {zone} (the clocks change)")
    return instant


def frab_start(date_text: str, start_text: str, day: date | None, zone) -> datetime:
    """A frab event's start: its ``date`` when that carries an offset, else ``start`` on the
    day (from ``date`` or the enclosing day) in the schedule's zone."""
    date_text = (date_text or "").strip()
    if date_text:
        try:
            stamp = datetime.fromisoformat(date_text.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"the date “{date_text}” is not an ISO 8601 date and time") from None
        if stamp.tzinfo is not None and len(date_text) > 10:
            return stamp.astimezone(UTC)
        day = stamp.date()
        if len(date_text) > 10 and not start_text:
            return local_instant(day, (stamp.hour, stamp.minute), zone)
    if day is None:
        raise ValueError("it has no date")
    return local_instant(day, parse_clock(start_text), zone)


def join_abstract(abstract: str, description: str) -> str:
    """frab's abstract and description as one description; an abstract that is only the start
    of the description (cut short with an ellipsis, as frab exporters do) is not repeated."""
    stem = abstract.rstrip("…").rstrip(". ").strip()
    if not stem or stem in description:
        return description
    return f"{abstract}\n\n{description}".strip()


def clean_text(value) -> str:
    """Text from a source field: None and non-strings become "", whitespace trimmed."""
    if value is None:
        return ""
    return str(value).strip()
