"""The board (rooms × slots) and the projector's pitch queue, rendered and published live.

Every change a reader must see on the projector or the board goes out through
``hubbub.live.publish`` from here, inside the change's transaction.
"""

from dataclasses import dataclass, field
from datetime import timedelta

import segno
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from hubbub.events.models import Room
from hubbub.live import publish

from ..models import Pitch, Slot, Unconference
from .access import active_pitches, pitch_queue

BOARD_CHANGED = "unconf.board"
PITCHING_CHANGED = "unconf.pitching"
QUEUE_SHOWN = 5


def problem_rooms(unconference: Unconference, pitches) -> list[Room]:
    """The chosen rooms, plus any room still holding a pinned or started topic."""
    rooms = {room.pk: room for room in unconference.rooms.all()}
    extra = {p.room_id for p in pitches if p.room_id and p.room_id not in rooms}
    if extra:
        rooms.update({room.pk: room for room in Room.objects.filter(pk__in=extra)})
    return sorted(rooms.values(), key=lambda r: (r.order, r.name, r.pk))


@dataclass
class BoardRow:
    slot: Slot
    cells: list[Pitch | None]
    is_now: bool = False


@dataclass
class Board:
    rooms: list[Room]
    rows: list[BoardRow]
    unplaced: list[Pitch] = field(default_factory=list)

    @property
    def placed_count(self) -> int:
        return sum(1 for row in self.rows for cell in row.cells if cell is not None)


def board(unconference: Unconference, at=None) -> Board:
    """Rooms × slots with the topic in each cell, in a fixed number of queries."""
    at = at or timezone.now()
    pitches = list(active_pitches(unconference).select_related("room", "slot"))
    for pitch in pitches:
        pitch.unconference = unconference
    rooms = problem_rooms(unconference, [p for p in pitches if p.room_id])
    slots = list(unconference.slots.all())
    at_cell = {(p.slot_id, p.room_id): p for p in pitches if p.is_placed}
    rows = [
        BoardRow(
            slot=slot,
            cells=[at_cell.get((slot.pk, room.pk)) for room in rooms],
            is_now=slot.starts_at <= at < slot.ends_at,
        )
        for slot in slots
    ]
    unplaced = [p for p in pitches if not p.is_placed]
    return Board(rooms=rooms, rows=rows, unplaced=unplaced)


def render_board(unconference: Unconference) -> str:
    event = unconference.event
    with timezone.override(event.tz):
        return render_to_string(
            "unconf/_board.html",
            {"event": event, "unconference": unconference, "board": board(unconference)},
        )


def board_payload(unconference: Unconference) -> dict:
    """What ``unconf.board`` carries: the rendered board, plus its data for other clients."""
    event = unconference.event
    current = board(unconference)
    placements = [
        {
            "topic_id": cell.pk,
            "topic": cell.topic,
            "host": cell.host_name,
            "room": current.rooms[i].name,
            "room_id": current.rooms[i].pk,
            "slot": row.slot.label,
            "slot_id": row.slot.pk,
            "starts_at": row.slot.starts_at,
            "ends_at": row.slot.ends_at,
            "pinned": cell.pinned,
            "url": reverse("unconf:topic", kwargs={"event": event.slug, "pitch_id": cell.pk}),
        }
        for row in current.rows
        for i, cell in enumerate(row.cells)
        if cell is not None
    ]
    with timezone.override(event.tz):
        html = render_to_string(
            "unconf/_board.html", {"event": event, "unconference": unconference, "board": current}
        )
    return {
        "event": event.slug,
        "html": html,
        "placements": placements,
        "unplaced": [{"topic_id": p.pk, "topic": p.topic} for p in current.unplaced],
        "missed": unconference.placement_missed,
        "optimal": unconference.placement_optimal,
    }


def publish_board(unconference: Unconference) -> None:
    publish(unconference.event, BOARD_CHANGED, board_payload(unconference))


def pitching_context(unconference: Unconference) -> dict:
    queue = pitch_queue(unconference)
    now_pitching = None
    if unconference.now_pitching_id:
        now_pitching = Pitch.objects.filter(pk=unconference.now_pitching_id).first()
    deadline = None
    if now_pitching is not None and unconference.pitch_started_at is not None:
        deadline = unconference.pitch_started_at + timedelta(seconds=unconference.countdown_seconds)
    return {
        "event": unconference.event,
        "unconference": unconference,
        "now_pitching": now_pitching,
        "deadline": deadline,
        "queue": queue[:QUEUE_SHOWN],
        "queue_length": len(queue),
    }


def render_pitching(unconference: Unconference) -> str:
    with timezone.override(unconference.event.tz):
        return render_to_string("unconf/_pitching.html", pitching_context(unconference))


def publish_pitching(unconference: Unconference) -> None:
    publish(
        unconference.event,
        PITCHING_CHANGED,
        {"event": unconference.event.slug, "html": render_pitching(unconference)},
    )


@dataclass
class WhatsOn:
    when: str  # "now", "next" or "none"
    slot: Slot | None
    topics: list[Pitch]


def whats_on(unconference: Unconference, at=None) -> WhatsOn:
    """The topics running now and where, or else the next slot's."""
    at = at or timezone.now()
    slots = list(unconference.slots.all())
    slot = next((s for s in slots if s.starts_at <= at < s.ends_at), None)
    when = "now"
    if slot is None:
        slot = next((s for s in slots if s.starts_at > at), None)
        when = "next" if slot else "none"
    if slot is None:
        return WhatsOn(when="none", slot=None, topics=[])
    topics = list(
        active_pitches(unconference)
        .filter(slot=slot)
        .select_related("room")
        .order_by("room__order", "room__name")
    )
    for topic in topics:
        topic.unconference = unconference
    return WhatsOn(when=when, slot=slot, topics=topics)


def qr_svg(url: str, title: str) -> str:
    """A QR code for ``url`` as SVG markup: a viewBox and no size, so CSS can scale it, and
    nothing inline for the CSP to refuse."""
    markup = segno.make(url, error="m").svg_inline(omitsize=True, svgclass="unconf-qr__code")
    label = escape(title)
    return markup.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)
