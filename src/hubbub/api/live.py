"""Live entries over the API: the same services and permission policy as the reporter console."""

from django.http import HttpResponse
from ninja import Query, Router, Status

from hubbub.events.services import get_public_event
from hubbub.live import services
from hubbub.live.schemas import EntryIn, EntryList, EntryOut, EntryPatch

from .auth import OptionalTokenAuth, TokenAuth
from .errors import errors
from .params import EventSlug

router = Router(tags=["live entries"])
MAX_PAGE = 200


@router.get(
    "/{event}/entries",
    response={200: EntryList, 304: None, **errors(401, 404, 422)},
    auth=OptionalTokenAuth(),
    summary="List entries, newest first, or those after since_id (for clients that poll)",
)
def list_entries(
    request,
    response: HttpResponse,
    event: EventSlug,
    since_id: int | None = None,
    limit: int = Query(50, ge=1, le=MAX_PAGE),
):
    """With ``since_id``, only entries with a larger id, oldest first. Send the ETag back as
    If-None-Match: nothing changed on the event's stream answers 304 without a body."""
    event_obj = get_public_event(event, request.user)
    etag = f'"{event_obj.stream_seq}-{since_id or 0}-{limit}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
        response["ETag"] = etag
        return response
    entries = services.entries_for_event(event_obj)
    if since_id is not None:
        entries = entries.filter(pk__gt=since_id).order_by("id")
    page = list(entries[:limit])
    for entry in page:
        entry.event = event_obj
    newest = max((e.pk for e in page), default=since_id)
    body = {
        "entries": [services.entry_data(e) for e in page],
        "stream_seq": event_obj.stream_seq,
        "next_since_id": newest,
    }
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"
    return body


@router.post(
    "/{event}/entries",
    response={201: EntryOut, **errors(400, 401, 403, 404, 409, 413, 422)},
    auth=TokenAuth(),
    summary="Post an entry",
)
def create_entry(request, event: EventSlug, payload: EntryIn):
    event_obj = get_public_event(event, request.user)
    entry = services.do_create_entry(
        event=event_obj,
        author=request.user,
        body=payload.body,
        kind=payload.kind,
        session_id=payload.session_id,
    )
    return Status(201, services.entry_data(entry))


@router.get(
    "/{event}/entries/{entry_id}",
    response={200: EntryOut, **errors(401, 404, 422)},
    auth=OptionalTokenAuth(),
)
def get_entry(request, event: EventSlug, entry_id: int):
    event_obj = get_public_event(event, request.user)
    return services.entry_data(services.get_entry(event_obj, entry_id, request.user))


@router.patch(
    "/{event}/entries/{entry_id}",
    response={200: EntryOut, **errors(400, 401, 403, 404, 409, 413, 422)},
    auth=TokenAuth(),
)
def update_entry(request, event: EventSlug, entry_id: int, payload: EntryPatch):
    event_obj = get_public_event(event, request.user)
    entry = services.get_entry(event_obj, entry_id, request.user)
    changes = payload.model_dump(exclude_unset=True)
    if not changes:  # nothing to change: no edit mark, nothing republished
        return services.entry_data(entry)
    if "body" in changes and changes["body"] is None:
        changes["body"] = ""  # an explicit null body is an empty body, not "unchanged"
    entry = services.do_update_entry(entry, actor=request.user, **changes)
    return services.entry_data(entry)


@router.delete(
    "/{event}/entries/{entry_id}",
    response={204: None, **errors(401, 403, 404, 409, 422)},
    auth=TokenAuth(),
)
def delete_entry(request, event: EventSlug, entry_id: int):
    event_obj = get_public_event(event, request.user)
    entry = services.get_entry(event_obj, entry_id, request.user)
    services.do_delete_entry(entry, actor=request.user)
    return Status(204, None)
