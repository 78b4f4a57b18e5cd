"""Setting up events over the API: create, edit, change status, copy; rooms, tracks, speakers and
sessions. The same services and permission policy as the organiser's back office.

This router is mounted before the read-only events router: where both answer one address
(``/events/<event>``, ``/events/<event>/sessions``) Django sends every method here, so the reads
are answered by the events router's own functions.
"""

import inspect
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import StrictInt

from hubbub.core.permissions import Action, policy
from hubbub.events import programme_setup as programme
from hubbub.events import setup
from hubbub.events.models import Event, Organisation, Room, Session, Speaker, Track
from hubbub.events.services import get_public_event

from . import events as public_events
from .auth import OptionalTokenAuth, TokenAuth
from .errors import errors
from .params import EventSlug

router = Router(tags=["event set-up"])

# The service's field names -> the API's, so a 422 names what the client sent.
EVENT_FIELD_NAMES = {"starts_on": "start_date", "ends_on": "end_date"}
SESSION_FIELD_NAMES = {"room": "room_id", "track": "track_id", "speakers": "speaker_ids"}


def _renamed(exc: ValidationError, names: dict) -> ValidationError:
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({names.get(k, k): v for k, v in exc.message_dict.items()})


# -- schemas -------------------------------------------------------------------------------------
class EventIn(Schema):
    organisation: str
    title: str
    slug: str
    start_date: date
    end_date: date
    time_zone: str = "Europe/London"
    venue: str = ""
    venue_address: str = ""
    summary: str = ""
    brand_colour: str = "#1d70b8"
    # The event's own content is written in English and Welsh.
    bilingual: bool = False


class EventPatch(Schema):
    title: str | None = None
    slug: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    time_zone: str | None = None
    venue: str | None = None
    venue_address: str | None = None
    summary: str | None = None
    brand_colour: str | None = None
    bilingual: bool | None = None
    status: str | None = None
    # Go live and end by the dates (in the event's time zone); a status set by hand against the
    # dates switches it off.
    status_by_dates: bool | None = None


class CopyIn(Schema):
    slug: str
    title: str
    start_date: date
    with_programme: bool = False
    with_team: bool = False


class EventSetupOut(Schema):
    slug: str
    title: str
    organisation: str
    start_date: date
    end_date: date
    time_zone: str
    venue: str
    venue_address: str
    summary: str
    brand_colour: str
    bilingual: bool
    status: str
    status_by_dates: bool
    # The status in effect now: the stored one, or what the dates say when it follows them.
    phase: str
    url: str


class RoomIn(Schema):
    name: str
    capacity: StrictInt | None = None
    accessibility_notes: str = ""


class RoomPatch(Schema):
    name: str | None = None
    capacity: StrictInt | None = None
    accessibility_notes: str | None = None
    order: StrictInt | None = None


class RoomOut(Schema):
    id: int
    name: str
    capacity: int | None
    accessibility_notes: str
    order: int


class TrackIn(Schema):
    name: str
    colour: str = "#505a5f"


class TrackPatch(Schema):
    name: str | None = None
    colour: str | None = None


class TrackOut(Schema):
    id: int
    name: str
    colour: str


class SpeakerIn(Schema):
    name: str
    organisation: str = ""
    bio: str = ""


class SpeakerPatch(Schema):
    name: str | None = None
    organisation: str | None = None
    bio: str | None = None


class SpeakerCopyIn(Schema):
    speaker_id: StrictInt


class SpeakerOut(Schema):
    id: int
    name: str
    slug: str
    organisation: str
    bio: str


class SessionIn(Schema):
    title: str
    kind: str = Session.Kind.WORKSHOP.value
    starts_at: datetime
    ends_at: datetime
    room_id: StrictInt | None = None
    track_id: StrictInt | None = None
    description: str = ""
    speaker_ids: list[StrictInt] = []


class SessionPatch(Schema):
    title: str | None = None
    kind: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    room_id: StrictInt | None = None
    track_id: StrictInt | None = None
    description: str | None = None
    speaker_ids: list[StrictInt] | None = None


class SwapIn(Schema):
    other: StrictInt


class SessionSetupOut(Schema):
    id: int
    title: str
    kind: str
    starts_at: datetime
    ends_at: datetime
    room_id: int | None
    track_id: int | None
    description: str
    speaker_ids: list[int]
    url: str


# -- output --------------------------------------------------------------------------------------
def event_data(event: Event) -> dict:
    return {
        "slug": event.slug,
        "title": event.title,
        "organisation": event.organisation.slug,
        "start_date": event.starts_on,
        "end_date": event.ends_on,
        "time_zone": event.time_zone,
        "venue": event.venue,
        "venue_address": event.venue_address,
        "summary": event.summary,
        "brand_colour": event.brand_colour,
        "bilingual": event.bilingual,
        "status": event.status,
        "status_by_dates": event.status_by_dates,
        "phase": event.phase,
        "url": event.get_absolute_url(),
    }


def session_data(session: Session) -> dict:
    return {
        "id": session.pk,
        "title": session.title,
        "kind": session.kind,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "room_id": session.room_id,
        "track_id": session.track_id,
        "description": session.description,
        "speaker_ids": sorted(s.pk for s in session.speakers.all()),
        "url": session.get_absolute_url(),
    }


def _managed_event(request, slug: str) -> Event:
    event = get_public_event(slug, request.user)
    policy.require(request.user, Action.MANAGE_EVENT, event)
    return event


def _one(model, event: Event, pk: int | None, field: str):
    """A room, track or speaker of ``event`` by id; a 422 naming ``field`` otherwise."""
    if pk is None:
        return None
    found = model.objects.filter(event=event, pk=pk).first()
    if found is None:
        raise ValidationError({field: [f"No {model._meta.model_name} {pk} in this event."]})
    return found


def _own(model, event: Event, pk: int):
    found = model.objects.filter(event=event, pk=pk).first()
    if found is None:
        raise Http404(f"No {model._meta.model_name} {pk} in this event.")
    found.event = event
    return found


def _changes(payload) -> dict:
    """The fields a PATCH sends. A field may be left out, not set to null: every field here
    has a value (an empty string clears a text)."""
    fields = payload.dict(exclude_unset=True)
    nulls = sorted(name for name, value in fields.items() if value is None)
    if nulls:
        raise ValidationError(
            {name: [_("Give a value, or leave the field out.")] for name in nulls}
        )
    return fields


# -- events --------------------------------------------------------------------------------------
@router.get(
    "",
    response={200: list[public_events.EventOut], **errors(401, 422)},
    auth=OptionalTokenAuth(),
    summary="Events",
)
def list_events_here(request):
    return public_events.list_events(request)


@router.post(
    "",
    response={201: EventSetupOut, **errors(400, 401, 403, 409, 422)},
    auth=TokenAuth(),
    summary="Create an event",
)
def create_event(request, payload: EventIn):
    organisation = Organisation.objects.filter(slug=payload.organisation).first()
    if organisation is None:
        raise ValidationError({"organisation": ["No organisation with this slug."]})
    try:
        event = setup.do_create_event(
            actor=request.user,
            organisation=organisation,
            title=payload.title,
            slug=payload.slug,
            starts_on=payload.start_date,
            ends_on=payload.end_date,
            time_zone=payload.time_zone,
            venue=payload.venue,
            venue_address=payload.venue_address,
            summary=payload.summary,
            brand_colour=payload.brand_colour,
            bilingual=payload.bilingual,
        )
    except ValidationError as exc:
        raise _renamed(exc, EVENT_FIELD_NAMES) from None
    return Status(201, event_data(event))


@router.get(
    "/{event}",
    response={200: public_events.EventOut, **errors(401, 404, 422)},
    auth=OptionalTokenAuth(),
)
def read_event(request, event: EventSlug):
    return public_events.get_event(request, event)


@router.patch(
    "/{event}",
    response={200: EventSetupOut, **errors(400, 401, 403, 404, 409, 422)},
    auth=TokenAuth(),
    summary="Change an event",
)
def update_event(request, event: EventSlug, payload: EventPatch):
    found = _managed_event(request, event)
    fields = _changes(payload)
    status = fields.pop("status", None)
    by_dates = fields.pop("status_by_dates", None)
    renamed = {v: k for k, v in EVENT_FIELD_NAMES.items()}
    fields = {renamed.get(k, k): v for k, v in fields.items()}
    try:
        with transaction.atomic():
            # Status first: taking an event out of the archive lets the same request edit it.
            if status is not None or by_dates is not None:
                found = setup.do_set_status(
                    found, actor=request.user, status=status, by_dates=by_dates
                )
            if fields:
                setup.do_update_event(found, actor=request.user, **fields)
    except ValidationError as exc:
        raise _renamed(exc, EVENT_FIELD_NAMES) from None
    return event_data(found)


@router.post(
    "/{event}/copy",
    response={201: EventSetupOut, **errors(400, 401, 403, 404, 409, 422)},
    auth=TokenAuth(),
    summary="Start the next event from this one",
)
def copy_event(request, event: EventSlug, payload: CopyIn):
    found = _managed_event(request, event)
    try:
        copy = setup.do_copy_event(
            found,
            actor=request.user,
            slug=payload.slug,
            title=payload.title,
            starts_on=payload.start_date,
            with_programme=payload.with_programme,
            with_team=payload.with_team,
        )
    except ValidationError as exc:
        raise _renamed(exc, EVENT_FIELD_NAMES) from None
    return Status(201, event_data(copy))


# -- rooms, tracks, speakers ---------------------------------------------------------------------
def _programme_part_routes(plural: str, model, out, add_in, patch_in) -> None:
    """List, add, change and delete one kind of programme part (rooms, tracks or speakers).

    The four routes differ only in names, so one definition serves all three kinds; each
    view keeps its own name (and so its OpenAPI operation id) and its own id parameter.
    """
    singular = model._meta.model_name
    id_name = f"{singular}_id"
    add = getattr(programme, f"do_add_{singular}")
    update = getattr(programme, f"do_update_{singular}")
    delete = getattr(programme, f"do_delete_{singular}")

    def listing(request, event: EventSlug):
        return list(getattr(get_public_event(event, request.user), plural).all())

    def adding(request, event: EventSlug, payload: add_in):
        found = _managed_event(request, event)
        return Status(201, add(found, actor=request.user, **payload.dict()))

    def updating(request, event: EventSlug, payload: patch_in, **item):
        part = _own(model, _managed_event(request, event), item[id_name])
        return update(part, actor=request.user, **_changes(payload))

    def deleting(request, event: EventSlug, **item):
        part = _own(model, _managed_event(request, event), item[id_name])
        delete(part, actor=request.user)
        return HttpResponse(status=204)

    def named(view, name):
        # The id arrives under the part's own name (room_id, …), as the path spells it.
        signature = inspect.signature(view)
        params = [p for p in signature.parameters.values() if p.kind != p.VAR_KEYWORD]
        params.insert(
            2, inspect.Parameter(id_name, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=int)
        )
        view.__signature__ = signature.replace(parameters=params)
        view.__name__ = view.__qualname__ = name
        return view

    listing.__name__ = listing.__qualname__ = f"list_{plural}"
    adding.__name__ = adding.__qualname__ = f"add_{singular}"
    collection, item = f"/{{event}}/{plural}", f"/{{event}}/{plural}/{{{id_name}}}"
    changes = errors(400, 401, 403, 404, 409, 422)
    router.get(
        collection, response={200: list[out], **errors(401, 404, 422)}, auth=OptionalTokenAuth()
    )(listing)
    router.post(collection, response={201: out, **changes}, auth=TokenAuth())(adding)
    router.patch(item, response={200: out, **changes}, auth=TokenAuth())(
        named(updating, f"update_{singular}")
    )
    router.delete(item, response={204: None, **changes}, auth=TokenAuth())(
        named(deleting, f"delete_{singular}")
    )


_programme_part_routes("rooms", Room, RoomOut, RoomIn, RoomPatch)
_programme_part_routes("tracks", Track, TrackOut, TrackIn, TrackPatch)


# Registered before the speaker routes, so that "copy" is never read as a speaker's id.
@router.post(
    "/{event}/speakers/copy",
    response={201: SpeakerOut, **errors(400, 401, 403, 404, 409, 422)},
    auth=TokenAuth(),
    summary="Copy a speaker from another event of the same organisation",
)
def copy_speaker(request, event: EventSlug, payload: SpeakerCopyIn):
    found = _managed_event(request, event)
    source = Speaker.objects.select_related("event").filter(pk=payload.speaker_id).first()
    if source is None:
        raise ValidationError({"speaker_id": ["No such speaker."]})
    try:
        copy = programme.do_copy_speaker(source, found, actor=request.user)
    except ValidationError as exc:
        raise _renamed(exc, {"speaker": "speaker_id"}) from None
    return Status(201, copy)


_programme_part_routes("speakers", Speaker, SpeakerOut, SpeakerIn, SpeakerPatch)


# -- sessions ------------------------------------------------------------------------------------
def _session_fields(event: Event, fields: dict) -> dict:
    """The payload's ids as this event's rows, and times without a zone read as event time."""
    out = dict(fields)
    for name in ("starts_at", "ends_at"):
        if isinstance(out.get(name), datetime) and timezone.is_naive(out[name]):
            out[name] = timezone.make_aware(out[name], event.tz)
    if "room_id" in out:
        out["room"] = _one(Room, event, out.pop("room_id"), "room_id")
    if "track_id" in out:
        out["track"] = _one(Track, event, out.pop("track_id"), "track_id")
    if "speaker_ids" in out:
        ids = out.pop("speaker_ids")
        if ids is not None:
            speakers = list(Speaker.objects.filter(event=event, pk__in=ids))
            if len(speakers) != len(set(ids)):
                raise ValidationError({"speaker_ids": ["Give speakers of this event."]})
            out["speakers"] = speakers
    return out


@router.get(
    "/{event}/sessions",
    response={200: list[public_events.SessionOut], **errors(401, 404, 422)},
    auth=OptionalTokenAuth(),
)
def read_sessions(request, event: EventSlug):
    return public_events.list_sessions(request, event)


@router.post(
    "/{event}/sessions",
    response={201: SessionSetupOut, **errors(400, 401, 403, 404, 409, 422)},
    auth=TokenAuth(),
)
def add_session(request, event: EventSlug, payload: SessionIn):
    found = _managed_event(request, event)
    try:
        fields = _session_fields(found, payload.dict())
        session = programme.do_add_session(found, actor=request.user, **fields)
    except ValidationError as exc:
        raise _renamed(exc, SESSION_FIELD_NAMES) from None
    return Status(201, session_data(session))


@router.patch(
    "/{event}/sessions/{session_id}",
    response={200: SessionSetupOut, **errors(400, 401, 403, 404, 409, 422)},
    auth=TokenAuth(),
)
def update_session(request, event: EventSlug, session_id: int, payload: SessionPatch):
    found = _managed_event(request, event)
    session = _own(Session, found, session_id)
    try:
        fields = _session_fields(found, _changes(payload))
        programme.do_change_session(session, actor=request.user, **fields)
    except ValidationError as exc:
        raise _renamed(exc, SESSION_FIELD_NAMES) from None
    return session_data(session)


@router.delete(
    "/{event}/sessions/{session_id}",
    response={204: None, **errors(400, 401, 403, 404, 409, 422)},
    auth=TokenAuth(),
)
def delete_session(request, event: EventSlug, session_id: int):
    session = _own(Session, _managed_event(request, event), session_id)
    programme.do_remove_session(session, actor=request.user)
    return HttpResponse(status=204)


@router.post(
    "/{event}/sessions/{session_id}/swap",
    response={200: list[SessionSetupOut], **errors(400, 401, 403, 404, 409, 422)},
    auth=TokenAuth(),
    summary="Swap two sessions' start times and rooms",
)
def swap_sessions(request, event: EventSlug, session_id: int, payload: SwapIn):
    found = _managed_event(request, event)
    first = _own(Session, found, session_id)
    other = Session.objects.filter(event=found, pk=payload.other).first()
    if other is None:
        raise ValidationError({"other": ["No such session in this event."]})
    other.event = found
    return [session_data(s) for s in programme.do_swap_sessions(first, other, actor=request.user)]
