"""A programme as CSV, for spreadsheets: one session a row, header as in
docs/programme-import.md. Times are wall-clock times in the event's own time zone.
"""

import csv
import io

from .model import PersonIn, Programme, Refusal, RoomIn, ScheduleError, SessionIn, TrackIn
from .values import check_not_html, clean_text, decode_text, local_instant, parse_clock, parse_day

FORMAT = "csv"
REQUIRED = ("id", "title", "date", "start", "end")
OPTIONAL = ("room", "track", "speakers", "description", "kind", "language", "url")
COLUMNS = REQUIRED + OPTIONAL
SPEAKER_SEPARATOR = ";"


def parse(data: bytes, *, default_zone) -> Programme:
    check_not_html(data)
    text = decode_text(data)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [clean_text(name).lower() for name in next(reader, [])]
    except csv.Error as exc:
        raise ScheduleError(f"The CSV header cannot be read: {exc}.") from None
    _check_header(header)
    programme = Programme(format=FORMAT)
    seen_rooms, seen_tracks = set(), set()
    line = 1
    try:
        while True:
            # The line a row starts on (a quoted field may run over several lines).
            line = reader.line_num + 1
            values = next(reader, None)
            if values is None:
                break
            if not any(clean_text(v) for v in values):
                continue  # blank lines, as spreadsheets leave at the end
            if len(values) != len(header):
                programme.refused.append(
                    Refusal(
                        f"row {line}",
                        f"it has {len(values)} fields where the header has {len(header)}",
                    )
                )
                continue
            row = dict(zip(header, (clean_text(v) for v in values), strict=True))
            session = _read_row(programme, row, line, default_zone)
            if session is None:
                continue
            if session.room and session.room not in seen_rooms:
                seen_rooms.add(session.room)
                programme.rooms.append(RoomIn(name=session.room))
            if session.track and session.track not in seen_tracks:
                seen_tracks.add(session.track)
                programme.tracks.append(TrackIn(name=session.track))
    except csv.Error as exc:
        raise ScheduleError(f"The CSV cannot be read after line {line}: {exc}.") from None
    return programme


def _check_header(header: list[str]) -> None:
    missing = [name for name in REQUIRED if name not in header]
    unknown = [name for name in header if name not in COLUMNS]
    if missing or unknown or len(set(header)) != len(header):
        problems = []
        if missing:
            problems.append("it lacks " + ", ".join(missing))
        if unknown:
            problems.append("it has columns hubbub does not know: " + ", ".join(unknown))
        if len(set(header)) != len(header):
            problems.append("a column appears twice")
        raise ScheduleError(
            "This CSV is not a programme: "
            + "; ".join(problems)
            + ". The first line must name the columns: "
            + ",".join(COLUMNS)
            + f" (only {', '.join(REQUIRED)} are required)."
        )


def _read_row(programme: Programme, row: dict, line: int, zone) -> SessionIn | None:
    key = row["id"]
    label = f"row {line}" + (f" (id {key})" if key else "")
    if not key:
        programme.refused.append(
            Refusal(label, "it has no id (give every row one so that a later import updates it)")
        )
        return None
    if not row["title"]:
        programme.refused.append(Refusal(label, "it has no title"))
        return None
    try:
        day = parse_day(row["date"])
        starts_at = local_instant(day, parse_clock(row["start"]), zone)
        ends_at = local_instant(day, parse_clock(row["end"]), zone)
    except ValueError as exc:
        programme.refused.append(Refusal(label, str(exc), row["title"]))
        return None
    if ends_at <= starts_at:
        programme.refused.append(Refusal(label, "it ends before it starts", row["title"]))
        return None
    speakers = [clean_text(n) for n in row.get("speakers", "").split(SPEAKER_SEPARATOR)]
    session = SessionIn(
        key=key,
        row=label,
        title=row["title"],
        starts_at=starts_at,
        ends_at=ends_at,
        room=row.get("room") or None,
        track=row.get("track") or None,
        kind=row.get("kind", ""),
        description=row.get("description", ""),
        language=row.get("language", ""),
        url=row.get("url", ""),
        persons=[PersonIn(name=name) for name in speakers if name],
    )
    programme.sessions.append(session)
    return session
