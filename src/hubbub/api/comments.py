"""Comments and likes over the API: the same services, moderation and limits as the pages."""

from django.core.exceptions import ValidationError
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from hubbub.comments import services
from hubbub.comments.targets import load
from hubbub.core import visitor
from hubbub.events.services import get_public_event

from .auth import OptionalTokenAuth, TokenAuth
from .errors import error_body, errors
from .params import EventSlug, TargetKind

router = Router(tags=["comments and likes"])


class CommentIn(Schema):
    body: str
    name: str = ""
    email: str = ""
    url: str = ""
    parent_id: int | None = None
    notify_replies: bool = False


class CommentOut(Schema):
    id: int
    parent_id: int | None
    author_name: str
    author_url: str
    body: str
    created_at: str
    status: str


class LikeIn(Schema):
    liked: bool = True


class LikeOut(Schema):
    target: str
    count: int
    liked: bool


def _out(comment) -> dict:
    return {
        "id": comment.pk,
        "parent_id": comment.parent_id,
        "author_name": comment.author_name,
        "author_url": comment.author_url,
        "body": comment.body,
        "created_at": comment.created_at.isoformat(),
        "status": comment.status,
    }


def _field_errors(exc: ValidationError) -> list[dict]:
    if not hasattr(exc, "error_dict"):
        return [{"field": "body", "message": m} for m in exc.messages]
    return [
        {"field": field if field not in (None, "__all__") else "body", "message": message}
        for field, messages in exc.message_dict.items()
        for message in messages
    ]


@router.get(
    "/{event}/comments/{kind}/{object_id}",
    response={200: list[CommentOut], **errors(401, 404, 422)},
    auth=OptionalTokenAuth(),
    summary="Published comments on a post or live entry, oldest first",
)
def list_comments(request, event: EventSlug, kind: TargetKind, object_id: int):
    target = load(kind, object_id, get_public_event(event, request.user))
    return [_out(c) for c in services.approved_comments(target)]


@router.post(
    "/{event}/comments/{kind}/{object_id}",
    response={201: CommentOut, **errors(400, 401, 403, 404, 413, 422, 429)},
    auth=OptionalTokenAuth(),
    summary="Leave a comment; a guest's comment is held for moderation",
)
def create_comment(request, event: EventSlug, kind: TargetKind, object_id: int, payload: CommentIn):
    target = load(kind, object_id, get_public_event(event, request.user))
    try:
        comment = services.do_post_comment(
            target=target,
            user=request.user,
            name=payload.name,
            email=payload.email,
            url=payload.url,
            body=payload.body,
            parent_id=payload.parent_id,
            notify_replies=payload.notify_replies,
            ip_address=visitor.client_address(request) or None,
            base_url=request.build_absolute_uri("/").rstrip("/"),
        )
    except ValidationError as exc:
        return Status(422, error_body("The comment was not accepted.", _field_errors(exc)))
    return Status(201, _out(comment))


@router.post(
    "/{event}/likes/{kind}/{object_id}",
    response={200: LikeOut, **errors(400, 401, 404, 413, 422, 429)},
    auth=TokenAuth(),
    summary="Like (or with liked=false, unlike) a post, live entry or comment",
)
def like(request, event: EventSlug, kind: TargetKind, object_id: int, payload: LikeIn):
    target = load(kind, object_id, get_public_event(event, request.user))
    try:
        count = services.do_like(
            target, user=request.user, liked=payload.liked,
            ip_address=visitor.client_address(request) or None,
        )  # fmt: skip
    except ValidationError as exc:  # pragma: no cover - a signed-in user always has an id
        raise HttpError(422, "; ".join(exc.messages)) from None
    return {"target": target.key, "count": count, "liked": payload.liked}
