"""One way to build an unconference for tests: an event with an organiser, rooms and a running
unconference with hour-long slots, and delegates' pitches. Used by tests/unconf and the
unconference's browser journey."""

from datetime import datetime, timedelta
from types import SimpleNamespace

from hubbub.core.permissions import Role
from hubbub.unconf.models import Slot, Unconference
from hubbub.unconf.services.pitches import do_submit_pitch
from tests.factories import LONDON, EventFactory, RoomFactory, UserFactory, grant


def local(event, hour, minute=0, day=0):
    """``hour``:``minute`` on the event's first day (or ``day`` days later), London time."""
    return datetime.combine(
        event.starts_on + timedelta(days=day), datetime.min.time(), tzinfo=LONDON
    ).replace(hour=hour, minute=minute)


def make_unconference(
    rooms=(("Room A", 30), ("Room B", 20)),
    slots=2,
    *,
    event_fields=None,
    organiser_fields=None,
    **settings,
):
    """A running unconference (pitching and marking open) with ``rooms`` as (name, capacity)
    and ``slots`` rounds from 14:00, each 50 minutes; ``settings`` override its fields."""
    event = EventFactory(**(event_fields or {}))
    organiser = UserFactory(**(organiser_fields or {}))
    grant(organiser, event, Role.ORGANISER)
    room_rows = [
        RoomFactory(event=event, name=name, capacity=capacity, order=i)
        for i, (name, capacity) in enumerate(rooms)
    ]
    fields = {"state": Unconference.State.RUNNING, "pitching_open": True, "voting_open": True}
    unconference = Unconference.objects.create(event=event, **{**fields, **settings})
    unconference.rooms.set(room_rows)
    slot_rows = [
        Slot.objects.create(
            unconference=unconference,
            label=f"Round {n + 1}",
            starts_at=local(event, 14 + n),
            ends_at=local(event, 14 + n, 50),
        )
        for n in range(slots)
    ]
    return SimpleNamespace(
        event=event,
        organiser=organiser,
        rooms=room_rows,
        slots=slot_rows,
        u=unconference,
        base=f"/{event.slug}/unconference/",
    )


def pitch(u, topic, host=None, name=None, **fields):
    """A delegate's pitch; each topic has its own host unless ``host`` says otherwise."""
    return do_submit_pitch(
        u, topic=topic, host_name=name or topic + " host", host_key=host or f"d:{topic}", **fields
    )
