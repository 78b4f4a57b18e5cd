"""The programme editor's grid: one day, every room a column, a row every half hour.

Unlike the public programme (rows only where sessions start or end, columns only for rooms in
use), the editor shows the empty places too, so each can offer "Add session" there. Rows also
start wherever a session starts or ends, so a session off the half hour still spans whole rows.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

STEP = timedelta(minutes=30)
DAY_FROM, DAY_TO = time(9, 0), time(18, 0)


@dataclass
class Cell:
    session: object = None
    rowspan: int = 1
    colspan: int = 1
    room: object = None  # the column's room, for an empty cell's "Add session"
    show_room: bool = False


@dataclass
class Row:
    starts_at: datetime
    ends_at: datetime
    cells: list[Cell] = field(default_factory=list)


@dataclass
class Column:
    label: str
    room: object = None


@dataclass
class DayGrid:
    day: date
    columns: list[Column]
    rows: list[Row]


def day_grid(event, day: date, rooms, sessions) -> DayGrid:
    """The grid of ``day`` (in the event's zone) for ``rooms`` and that day's ``sessions``."""
    tz = event.tz
    opens = timezone.make_aware(datetime.combine(day, DAY_FROM), tz)
    closes = timezone.make_aware(datetime.combine(day, DAY_TO), tz)
    day_sessions = [s for s in sessions if timezone.localtime(s.starts_at, tz).date() == day]
    instants = {s.starts_at for s in day_sessions} | {s.ends_at for s in day_sessions}
    first = min([opens, *instants])
    last = max([closes, *instants])
    moment = opens
    while moment > first:
        moment -= STEP
    while moment <= last:
        instants.add(moment)
        moment += STEP
    instants = sorted(i for i in instants if first <= i <= last)
    row_of = {instant: i for i, instant in enumerate(instants)}
    columns = [Column(label=room.name, room=room) for room in rooms]
    if not columns:
        columns = [Column(label="")]
    room_columns = len(columns)
    column_of = {room.pk: i for i, room in enumerate(rooms)}
    taken: set[tuple[int, int]] = set()
    anchors: dict[tuple[int, int], Cell] = {}

    def free(rows, cols):
        return not any((r, c) in taken for r in rows for c in cols)

    def place(session, rows, first_col, colspan, show_room=False):
        for r in rows:
            for c in range(first_col, first_col + colspan):
                taken.add((r, c))
        anchors[(rows.start, first_col)] = Cell(
            session=session, rowspan=len(rows), colspan=colspan, show_room=show_room
        )

    roomed = [s for s in day_sessions if s.room_id in column_of]
    roomless = [s for s in day_sessions if s.room_id not in column_of]
    for session in roomed + roomless:
        rows = range(row_of[session.starts_at], row_of[session.ends_at])
        col, span = (column_of[session.room_id], 1) if session in roomed else (0, room_columns)
        if free(rows, range(col, col + span)):
            place(session, rows, col, span)
            continue
        col = room_columns  # only bad data overlaps: give it a column of its own
        while not free(rows, [col]):
            col += 1
        while col >= len(columns):
            columns.append(Column(label="…"))
        place(session, rows, col, 1, show_room=True)

    grid_rows = []
    for r, instant in enumerate(instants[:-1]):
        row = Row(
            starts_at=timezone.localtime(instant, tz),
            ends_at=timezone.localtime(instants[r + 1], tz),
        )
        for c, column in enumerate(columns):
            if (r, c) in anchors:
                row.cells.append(anchors[(r, c)])
            elif (r, c) not in taken:
                row.cells.append(Cell(room=column.room))
        grid_rows.append(row)
    return DayGrid(day=day, columns=columns, rows=grid_rows)


def event_days(event) -> list[date]:
    days, day = [], event.starts_on
    while day <= event.ends_on and len(days) < 31:
        days.append(day)
        day += timedelta(days=1)
    return days
