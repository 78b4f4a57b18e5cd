"""Pydantic schemas of live entries: the API's JSON and the SSE ``data:`` share them."""

from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import Field

from .models import MAX_BODY_LENGTH

EntryKind = Literal["update", "quote", "key_moment"]
EntryStatus = Literal["published", "pending", "returned"]


class PersonOut(Schema):
    username: str
    name: str


class SessionRef(Schema):
    id: int
    title: str
    url: str


class ImageOut(Schema):
    url: str
    alt: str
    width: int | None
    height: int | None


class EntryOut(Schema):
    id: int
    event: str
    kind: EntryKind
    body: str
    body_html: str
    author: PersonOut | None
    session: SessionRef | None
    image: ImageOut | None
    pinned: bool
    # Readers only ever see "published"; authors and editors also see their pending entries.
    status: EntryStatus = "published"
    created_at: datetime
    edited_at: datetime | None
    url: str


class EntryIn(Schema):
    body: str = Field(..., max_length=MAX_BODY_LENGTH)
    kind: EntryKind = "update"
    session_id: int | None = None


class EntryPatch(Schema):
    body: str | None = Field(None, max_length=MAX_BODY_LENGTH)
    kind: EntryKind | None = None
    session_id: int | None = None
    pinned: bool | None = None


class EntryList(Schema):
    entries: list[EntryOut]
    stream_seq: int
    next_since_id: int | None


class EventEndedMessage(Schema):
    """``event.ended``: sent once when the event ends; open live pages say so at once."""

    event: str
    status: Literal["ended", "archived"]
    ended_at: datetime
    message: str


class LikeUpdatedMessage(Schema):
    """``like.updated``: the current like count of a target ("entry-42", "comment-7"). Sent
    outside the resumable sequence (no ``id:``, never replayed), at most once a second per
    target."""

    target: str = Field(..., pattern=r"^[a-z]+-[0-9]+$")
    count: int = Field(..., ge=0)


# The stream messages whose payload is not an entry, by their SSE ``event:`` name.
MESSAGE_SCHEMAS: dict[str, type[Schema]] = {
    "event.ended": EventEndedMessage,
    "like.updated": LikeUpdatedMessage,
}


def register_message_schema(type: str, schema: type[Schema]) -> None:
    """Apps above the live blog declare the messages they publish (from ``ready()``)."""
    MESSAGE_SCHEMAS[type] = schema
