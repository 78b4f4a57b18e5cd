"""Programme logic: validation of sessions, what is on now and next, programme queries."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from hubbub.core.permissions import Action, policy

from .checks import check_session
from .models import Event, Room, Session, Speaker

LIVE, UPCOMING, PAST = "live", "upcoming", "past"


def get_public_event(slug: str, user=None) -> Event:
    """The event at ``slug``; drafts only for people with a role on them. 404 otherwise."""
    try:
        event = Event.objects.select_related("organisation").get(slug=slug)
    except Event.DoesNotExist:
        raise Http404(_("No event at this address.")) from None
    if not event.is_public and not policy.can(user, Action.VIEW_DRAFT_EVENT, event):
        raise Http404(_("No event at this address."))
    return event


@transaction.atomic
def do_create_session(*, event: Event, speakers=(), may_share_room_with=(), **fields) -> Session:
    session = Session(event=event, **fields)
    check_session(
        event=event,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        room=session.room,
        may_share_room_with=may_share_room_with,
    )
    # The model's clean() is check_session, run above with the room sharing allowed here.
    session.clean_fields(exclude=["event", "speakers"])
    session.validate_unique(exclude=["event", "speakers"])
    session.save()
    if speakers:
        session.speakers.set(speakers)
    return session


@transaction.atomic
def do_update_session(session: Session, *, may_share_room_with=(), **fields) -> Session:
    """Change a session's fields, moving it in time or room too; checked as on creation."""
    for name, value in fields.items():
        setattr(session, name, value)
    check_session(
        event=session.event,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        room=session.room,
        session=session,
        may_share_room_with=may_share_room_with,
    )
    session.save()
    return session


@transaction.atomic
def do_delete_session(session: Session) -> None:
    """Take a session off the programme (its speakers stay, for other sessions)."""
    session.delete()


def programme_sessions(event: Event):
    """Every session of the event with what a programme shows, in a fixed number of queries."""
    return (
        Session.objects.filter(event=event)
        .select_related("room", "track")
        .prefetch_related(Prefetch("speakers", queryset=Speaker.objects.order_by("name")))
        .order_by("starts_at", "room__order", "room__name", "title")
    )


@dataclass
class NowAndNext:
    now: list[Session]
    next: list[Session]


def now_and_next(event: Event, at: datetime | None = None) -> NowAndNext:
    """The sessions running at ``at`` and the ones that start next (one start time's worth)."""
    at = at or timezone.now()
    sessions = Session.objects.filter(event=event).select_related("room").order_by("starts_at")
    running = list(sessions.filter(starts_at__lte=at, ends_at__gt=at))
    upcoming = sessions.filter(starts_at__gt=at)
    first = upcoming.first()
    following = list(upcoming.filter(starts_at=first.starts_at)) if first else []
    return NowAndNext(now=running, next=following)


def session_now_in_room(event: Event, room: Room | None, at: datetime | None = None):
    """The session running in ``room`` at ``at`` (for the reporter's default)."""
    at = at or timezone.now()
    query = Q(event=event, starts_at__lte=at, ends_at__gt=at)
    if room is not None:
        query &= Q(room=room)
    return Session.objects.filter(query).order_by("starts_at").first()


def event_phase(event: Event, today=None) -> str:
    """Whether ``event`` is live, upcoming or past, judged by the date in its own time zone."""
    local_today = today or event.local_now().date()
    if event.status == Event.Status.ARCHIVED or event.ends_on < local_today:
        return PAST
    if event.is_on(local_today):
        return LIVE
    return UPCOMING


def events_index(today=None):
    """Public events split into live now, upcoming and past (in each event's own time zone)."""
    phases = {LIVE: [], UPCOMING: [], PAST: []}
    for event in Event.objects.public().select_related("organisation").order_by("starts_on"):
        phases[event_phase(event, today)].append(event)
    phases[PAST].reverse()
    return {"live": phases[LIVE], "upcoming": phases[UPCOMING], "past": phases[PAST]}


def get_session(event: Event, session_id: int) -> Session:
    """One session of ``event`` with its room, track and speakers; 404 when there is none."""
    session = programme_sessions(event).filter(pk=session_id).first()
    if session is None:
        raise Http404(_("No session at this address."))
    session.event = event
    return session


def get_speaker(event: Event, slug: str) -> Speaker:
    """One speaker of ``event`` with their sessions (and those sessions' rooms); 404 otherwise."""
    sessions = Session.objects.select_related("room").order_by("starts_at", "title")
    speaker = (
        Speaker.objects.filter(event=event, slug=slug)
        .prefetch_related(Prefetch("sessions", queryset=sessions))
        .first()
    )
    if speaker is None:
        raise Http404(_("No speaker at this address."))
    speaker.event = event
    for session in speaker.sessions.all():
        session.event = event
    return speaker


# -- the programme grid ---------------------------------------------------------------------------
@dataclass
class GridColumn:
    label: str
    room: Room | None = None


@dataclass
class GridCell:
    """A ``<td>``: a session (spanning rows and perhaps columns) or an empty slot."""

    session: Session | None = None
    rowspan: int = 1
    colspan: int = 1
    # Set when the session is not in the room its column is headed with, so the cell names it.
    show_room: bool = False


@dataclass
class GridRow:
    starts_at: datetime
    cells: list[GridCell]


@dataclass
class ProgrammeDay:
    day: date
    columns: list[GridColumn]
    rows: list[GridRow]
    sessions: list[Session] = field(default_factory=list)


def programme_days(event: Event, sessions=None) -> list[ProgrammeDay]:
    """The programme as one time × room grid per day, in the event's time zone.

    Rows start at every time a session starts or ends, so a session covers whole rows and
    spans them with rowspan. Sessions without a room (breaks, plenaries) span every room
    column. Anything that cannot sit in its own column without overlapping (which only bad
    data could cause) moves to an extra column rather than breaking the table.
    """
    if sessions is None:
        sessions = programme_sessions(event)
    by_day: dict[date, list[Session]] = {}
    for session in sessions:
        session.event = event  # the sessions' links need the slug; saves a query each
        local_day = timezone.localtime(session.starts_at, event.tz).date()
        by_day.setdefault(local_day, []).append(session)
    return [_grid_for_day(event, day, by_day[day]) for day in sorted(by_day)]


def _grid_for_day(event: Event, day: date, sessions: list[Session]) -> ProgrammeDay:
    instants = sorted({s.starts_at for s in sessions} | {s.ends_at for s in sessions})
    row_of = {instant: i for i, instant in enumerate(instants)}
    rooms = sorted(
        {s.room for s in sessions if s.room is not None}, key=lambda r: (r.order, r.name, r.pk)
    )
    columns = [GridColumn(label=room.name, room=room) for room in rooms]
    if not columns:
        columns = [GridColumn(label=_("All rooms"))]
    room_column_count = len(columns)
    column_of = {room.pk: i for i, room in enumerate(rooms)}
    taken: set[tuple[int, int]] = set()
    anchors: dict[tuple[int, int], GridCell] = {}

    def free(first_row, last_row, first_col, last_col):
        return not any(
            (r, c) in taken for r in range(first_row, last_row) for c in range(first_col, last_col)
        )

    def place(session, first_row, last_row, first_col, colspan, show_room=False):
        for r in range(first_row, last_row):
            for c in range(first_col, first_col + colspan):
                taken.add((r, c))
        anchors[(first_row, first_col)] = GridCell(
            session=session, rowspan=last_row - first_row, colspan=colspan, show_room=show_room
        )

    roomed = [s for s in sessions if s.room is not None]
    roomless = [s for s in sessions if s.room is None]
    for session in roomed + roomless:
        first_row, last_row = row_of[session.starts_at], row_of[session.ends_at]
        if session.room is not None:
            col, span = column_of[session.room.pk], 1
        else:
            col, span = 0, room_column_count
        if free(first_row, last_row, col, col + span):
            place(session, first_row, last_row, col, span)
            continue
        # An overlap: find (or open) an extra column where the session fits.
        col = room_column_count
        while not free(first_row, last_row, col, col + 1):
            col += 1
        if col >= len(columns):
            columns.append(GridColumn(label=_("Also at this time")))
        place(session, first_row, last_row, col, 1, show_room=True)

    rows = []
    for r, instant in enumerate(instants[:-1]):
        cells = []
        for c in range(len(columns)):
            if (r, c) in anchors:
                cells.append(anchors[(r, c)])
            elif (r, c) not in taken:
                cells.append(GridCell())
        rows.append(GridRow(starts_at=timezone.localtime(instant, event.tz), cells=cells))
    return ProgrammeDay(day=day, columns=columns, rows=rows, sessions=sessions)
