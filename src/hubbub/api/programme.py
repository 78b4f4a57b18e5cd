"""Programme import over the API: the file is the request body, its type the Content-Type."""

from django.conf import settings
from ninja import Router, Schema, Status

from hubbub.events.importing.model import ScheduleError
from hubbub.events.importing.service import (
    FileTooLarge,
    UnsupportedFormat,
    check_size,
    do_import_programme,
    parser_for,
)
from hubbub.events.services import get_public_event

from .auth import TokenAuth
from .errors import error_body, errors
from .params import EventSlug

router = Router(tags=["programme"])


class RefusedRow(Schema):
    row: str
    title: str
    reason: str


class ImportOut(Schema):
    sessions: int
    rooms: int
    speakers: int
    unchanged: int
    refused: list[RefusedRow]


class ImportProblem(Schema):
    detail: str


@router.post(
    "/{event}/programme/import",
    response={200: ImportOut, **errors(401, 403, 404, 413, 415, 422)},
    auth=TokenAuth(),
    summary="Import a programme (frab schedule.xml, frab/pretalx schedule.json or CSV)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/xml": {"schema": {"type": "string"}},
                "application/json": {"schema": {"type": "object"}},
                "text/csv": {"schema": {"type": "string"}},
            },
        }
    },
)
def import_programme(request, event: EventSlug):
    """Creates or updates the event's rooms, tracks, speakers and sessions by the file's ids;
    the same file again changes nothing. Rows that cannot go in are listed in ``refused`` with
    the reason; a file that is not a schedule answers 422 and nothing is imported."""
    event_obj = get_public_event(event, request.user)
    content_type = request.META.get("CONTENT_TYPE", "")
    try:
        parser_for(content_type)
        # Refused from the Content-Length before the body is read, and bounded while reading.
        check_size(_declared_length(request))
        data = request.read(settings.HUBBUB_IMPORT_MAX_BYTES + 1)
        report = do_import_programme(
            event_obj, actor=request.user, data=data, content_type=content_type
        )
    except FileTooLarge as exc:
        return Status(413, error_body(str(exc)))
    except UnsupportedFormat as exc:
        return Status(415, error_body(str(exc)))
    except ScheduleError as exc:
        return Status(422, error_body(str(exc)))
    return Status(200, report.as_dict())


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0
