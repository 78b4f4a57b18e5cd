"""Events and programme over the API (read-only for now)."""

from datetime import date, datetime

from ninja import Router, Schema

from hubbub.events.models import Event
from hubbub.events.services import get_public_event, programme_sessions

from .auth import OptionalTokenAuth
from .errors import errors
from .params import EventSlug

router = Router(tags=["events"])


class EventOut(Schema):
    slug: str
    title: str
    starts_on: date
    ends_on: date
    venue: str
    time_zone: str
    status: str
    url: str


class SessionOut(Schema):
    id: int
    title: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    room: str | None
    track: str | None
    speakers: list[str]
    url: str


def _event_out(event: Event) -> dict:
    return {
        "slug": event.slug,
        "title": event.title,
        "starts_on": event.starts_on,
        "ends_on": event.ends_on,
        "venue": event.venue,
        "time_zone": event.time_zone,
        "status": event.status,
        "url": event.get_absolute_url(),
    }


@router.get(
    "/",
    response={200: list[EventOut], **errors(401)},
    auth=OptionalTokenAuth(),
    summary="Public events",
)
def list_events(request):
    return [_event_out(e) for e in Event.objects.public().order_by("-starts_on")]


@router.get("/{event}", response={200: EventOut, **errors(401, 404, 422)}, auth=OptionalTokenAuth())
def get_event(request, event: EventSlug):
    return _event_out(get_public_event(event, request.user))


@router.get(
    "/{event}/sessions",
    response={200: list[SessionOut], **errors(401, 404, 422)},
    auth=OptionalTokenAuth(),
)
def list_sessions(request, event: EventSlug):
    event_obj = get_public_event(event, request.user)
    sessions = []
    for session in programme_sessions(event_obj):
        session.event = event_obj
        sessions.append(
            {
                "id": session.pk,
                "title": session.title,
                "kind": session.kind,
                "starts_at": session.starts_at,
                "ends_at": session.ends_at,
                "room": session.room.name if session.room else None,
                "track": session.track.name if session.track else None,
                "speakers": [s.name for s in session.speakers.all()],
                "url": session.get_absolute_url(),
            }
        )
    return sessions
