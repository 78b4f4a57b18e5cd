"""Reflections over the API: writing one (a token's user, or a guest who confirms by email),
reading the published ones, and the event's impact figures for its team."""

from datetime import date

from django.core.exceptions import PermissionDenied
from ninja import Router, Schema, Status
from ninja.errors import AuthenticationError

from hubbub.core import visitor
from hubbub.core.permissions import policy
from hubbub.events.services import get_public_event
from hubbub.reflections import services
from hubbub.reflections.impact import impact
from hubbub.reflections.models import ReflectionItem

from .auth import OptionalTokenAuth
from .errors import errors
from .params import EventSlug

router = Router(tags=["reflections"])


class ItemIn(Schema):
    text: str
    session_id: int | None = None
    action: str = ""
    public_action: bool = True
    due: date | None = None
    with_whom: str = ""


class ReflectionIn(Schema):
    items: list[ItemIn]
    closing: str = ""
    name: str = ""
    email: str = ""


class ItemOut(Schema):
    session_id: int | None
    text: str
    text_html: str
    action: str | None
    due: date | None


class ReflectionOut(Schema):
    id: int
    writer: str
    status: str
    closing: str
    closing_html: str
    published_at: str | None
    url: str
    items: list[ItemOut]


class SessionImpact(Schema):
    session_id: int
    title: str
    kind: str
    reflections: int
    pledges: int
    done: int


class RoundImpact(Schema):
    round: int
    days: int
    sent: int
    answered: int
    done: int
    started: int
    not_yet: int
    dropped: int


class ImpactOut(Schema):
    reflections: int
    pledges: int
    followups_sent: int
    answered: int
    done: int
    started: int
    not_yet: int
    dropped: int
    by_session: list[SessionImpact]
    rounds: list[RoundImpact]


def _out(reflection) -> dict:
    public = reflection.public_actions and reflection.is_published
    return {
        "id": reflection.pk,
        "writer": reflection.writer_name,
        "status": reflection.status,
        "closing": reflection.closing,
        "closing_html": reflection.closing_html,
        "published_at": reflection.published_at.isoformat() if reflection.published_at else None,
        "url": reflection.get_absolute_url(),
        "items": [
            {"session_id": item.session_id, "text": item.text, "text_html": item.text_html,
             "action": item.action if public and item.is_pledge else None,
             "due": item.due if public and item.is_pledge else None}
            for item in reflection.items.all()
        ],
    }  # fmt: skip


@router.post(
    "/{event}/reflections",
    response={201: ReflectionOut, **errors(400, 401, 403, 404, 409, 413, 422, 429)},
    auth=OptionalTokenAuth(),
    summary="Write a reflection; a guest gives name and email and confirms by a link",
)
def create_reflection(request, event: EventSlug, payload: ReflectionIn):
    found = get_public_event(event, request.user)
    # One switch for the whole reflection: the page asks it once too.
    public = all(item.public_action for item in payload.items if item.action)
    items = [
        {"text": item.text, "session_id": item.session_id, "action": item.action,
         "action_answer": ReflectionItem.Answer.YES if item.action.strip() else
         ReflectionItem.Answer.NOT_SURE, "due": item.due, "with_whom": item.with_whom}
        for item in payload.items
    ]  # fmt: skip
    reflection = services.do_save_reflection(
        event=found, user=request.user, name=payload.name, email=payload.email, items=items,
        closing=payload.closing, public_actions=public, submit=True,
        ip_address=visitor.client_address(request) or "",
        base_url=request.build_absolute_uri("/").rstrip("/"),
    )  # fmt: skip
    return Status(201, _out(reflection))


@router.get(
    "/{event}/reflections",
    response={200: list[ReflectionOut], **errors(401, 404, 422)},
    auth=OptionalTokenAuth(),
    summary="Published reflections, newest first",
)
def list_reflections(request, event: EventSlug):
    found = get_public_event(event, request.user)
    return [_out(r) for r in services.published(found)[:200]]


@router.get(
    "/{event}/reflections/{reflection_id}",
    response={200: ReflectionOut, **errors(401, 404, 422)},
    auth=OptionalTokenAuth(),
    summary="One published reflection",
)
def read_reflection(request, event: EventSlug, reflection_id: int):
    found = get_public_event(event, request.user)
    return _out(services.get_published(found, reflection_id))


@router.get(
    "/{event}/impact",
    response={200: ImpactOut, **errors(401, 403, 404, 422)},
    auth=OptionalTokenAuth(),
    summary="What the event changed: reflections, pledges and follow-up answers (team only)",
)
def event_impact(request, event: EventSlug):
    if not request.user.is_authenticated:
        raise AuthenticationError()
    found = get_public_event(event, request.user)
    if not policy.has_any_role(request.user, found):
        raise PermissionDenied("The impact figures are for the event's team.")
    return impact(found).as_json()
