"""The social wall's JSON: the API's posts and the ``social.*`` stream messages share it."""

from datetime import datetime
from typing import Literal

from ninja import Schema

Network = Literal["mastodon", "bluesky", "feed", "url"]
PostStatus = Literal["queued", "approved", "featured", "rejected"]


class SocialImageOut(Schema):
    url: str
    alt: str
    width: int | None
    height: int | None


class SocialPostOut(Schema):
    id: int
    event: str
    network: Network
    author_name: str
    author_handle: str
    avatar_url: str | None
    # Sanitised when stored: paragraphs, line breaks and http(s) links only.
    text_html: str
    links: list[str]
    images: list[SocialImageOut]
    url: str
    posted_at: datetime
    status: PostStatus
    featured: bool


class SocialApprovedMessage(SocialPostOut):
    """``social.approved``: a post is on the wall now (or featured); ``html`` is its card."""

    html: str


class SocialRemovedMessage(Schema):
    """``social.removed``: a post left the wall (rejected, its author blocked, or taken down)."""

    id: int
    event: str
