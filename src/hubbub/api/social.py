"""The social wall over the API: sources (team), the queue and its decisions, the wall."""

from typing import Literal

from ninja import Query, Router, Schema, Status
from ninja.errors import AuthenticationError
from pydantic import Field

from hubbub.core.permissions import Action, policy
from hubbub.events.services import get_public_event
from hubbub.social import services
from hubbub.social.models import Source
from hubbub.social.schemas import SocialPostOut

from .auth import OptionalTokenAuth, TokenAuth
from .errors import errors
from .params import EventSlug

router = Router(tags=["social wall"])
PAGE_SIZE = 50


class SourceIn(Schema):
    kind: Literal["mastodon", "bluesky", "feed", "url"]
    # Mastodon and Bluesky: the server; a feed or a single post: ``url``.
    server: str | None = Field(None, max_length=500)
    url: str | None = Field(None, max_length=500)
    hashtag: str | None = Field(None, max_length=200)
    query: str | None = Field(None, max_length=200)
    interval: int | None = Field(None, ge=30, le=86400)


class SourceOut(Schema):
    id: int
    kind: str
    url: str
    query: str
    interval: int
    state: Literal["active", "failing", "stopped"]
    last_error: str
    next_poll_at: str | None
    last_polled_at: str | None


class SourceList(Schema):
    sources: list[SourceOut]


class PostList(Schema):
    posts: list[SocialPostOut]
    next_before: int | None = None


class PostFilter(Schema):
    before: int | None = Field(
        None, ge=1, le=2**63 - 1, description="Posts found before this post id."
    )


def _signed_in(request) -> None:
    # Team-only reads: the token is optional in the document (every read is), required here.
    if not request.user.is_authenticated:
        raise AuthenticationError()


def _source_out(source: Source) -> dict:
    return {
        "id": source.pk,
        "kind": source.kind,
        "url": source.url,
        "query": source.query,
        "interval": source.interval,
        "state": source.state,
        "last_error": source.last_error,
        "next_poll_at": source.next_poll_at.isoformat() if source.next_poll_at else None,
        "last_polled_at": source.last_polled_at.isoformat() if source.last_polled_at else None,
    }


def _post_out(request, post, event) -> dict:
    post.event = event
    data = services.post_data(post)
    data["avatar_url"] = request.build_absolute_uri(data["avatar_url"]) if post.avatar else None
    for image in data["images"]:
        image["url"] = request.build_absolute_uri(image["url"])
    return data


@router.get(
    "/{event}/social/sources",
    response={200: SourceList, **errors(401, 403, 404, 422)},
    auth=OptionalTokenAuth(),
    summary="The wall's sources and how their polling goes (organisers and editors)",
)
def list_sources(request, event: EventSlug):
    _signed_in(request)
    event_obj = get_public_event(event, request.user)
    policy.require(request.user, Action.MANAGE_SOCIAL, event_obj)
    return {"sources": [_source_out(s) for s in services.sources_for(event_obj)]}


@router.post(
    "/{event}/social/sources",
    response={201: SourceOut, **errors(400, 401, 403, 404, 413, 422)},
    auth=TokenAuth(),
    summary="Add a source: a Mastodon hashtag, a Bluesky search, a feed or one post's URL",
)
def create_source(request, event: EventSlug, payload: SourceIn):
    event_obj = get_public_event(event, request.user)
    is_network = payload.kind in ("mastodon", "bluesky")
    source = services.do_create_source(
        event=event_obj,
        actor=request.user,
        kind=payload.kind,
        url=(payload.server if is_network else payload.url) or "",
        query=(payload.hashtag if payload.kind == "mastodon" else payload.query) or "",
        interval=payload.interval,
    )
    return Status(201, _source_out(source))


@router.get(
    "/{event}/social/queue",
    response={200: PostList, **errors(401, 403, 404, 422)},
    auth=OptionalTokenAuth(),
    summary="Posts waiting for an editor or moderator, newest first",
)
def list_queue(request, event: EventSlug):
    _signed_in(request)
    event_obj = get_public_event(event, request.user)
    policy.require(request.user, Action.CURATE_SOCIAL, event_obj)
    posts = services.queue_for(event_obj)[:100]
    return {"posts": [_post_out(request, p, event_obj) for p in posts]}


@router.post(
    "/{event}/social/posts/{post_id}/approve",
    response={200: SocialPostOut, **errors(401, 403, 404, 409, 422)},
    auth=TokenAuth(),
    summary="Put a post on the wall (social.approved goes out on the stream)",
)
def approve_post(request, event: EventSlug, post_id: int):
    return _decide(request, event, post_id, services.do_approve_post)


@router.post(
    "/{event}/social/posts/{post_id}/reject",
    response={200: SocialPostOut, **errors(401, 403, 404, 409, 422)},
    auth=TokenAuth(),
    summary="Keep a post off the wall (or take it off: social.removed)",
)
def reject_post(request, event: EventSlug, post_id: int):
    return _decide(request, event, post_id, services.do_reject_post)


def _decide(request, event: str, post_id: int, decision):
    """One curator's decision on one post of the event, answered as the post now stands."""
    event_obj = get_public_event(event, request.user)
    policy.require(request.user, Action.CURATE_SOCIAL, event_obj)
    post = decision(services.get_post(event_obj, post_id), actor=request.user)
    return _post_out(request, post, event_obj)


@router.get(
    "/{event}/social/posts",
    response={200: PostList, **errors(401, 404, 422)},
    auth=OptionalTokenAuth(),
    summary="The wall: approved posts, the latest found first, 50 at a time",
)
def list_posts(request, event: EventSlug, filters: Query[PostFilter]):
    event_obj = get_public_event(event, request.user)
    posts = services.wall_posts(event_obj).order_by("-id")
    if filters.before is not None:
        posts = posts.filter(id__lt=filters.before)
    page = list(posts[: PAGE_SIZE + 1])
    more = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    return {
        "posts": [_post_out(request, p, event_obj) for p in page],
        "next_before": page[-1].pk if more and page else None,
    }
