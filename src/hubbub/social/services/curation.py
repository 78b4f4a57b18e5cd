"""Curating the wall (approve, feature, reject, block, quote, take down) and what readers see.

Curation goes through the permission policy, the audit log and ``publish()``
(``social.approved`` / ``social.removed`` on the event's stream)."""

import logging
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from hubbub.core.audit import log_action
from hubbub.core.permissions import Action, policy
from hubbub.events.lifecycle import check_not_archived
from hubbub.events.models import Event
from hubbub.live import publish
from hubbub.live.publishing import rewrite_logged
from hubbub.live.services import do_create_entry

from ..models import BlockedAuthor, SocialPost, Source
from .common import SOCIAL_APPROVED, SOCIAL_REMOVED, normal_handle, post_subject

logger = logging.getLogger(__name__)


# -- curation ------------------------------------------------------------------------------------
def queue_for(event: Event):
    return (
        SocialPost.objects.filter(event=event, status=SocialPost.Status.QUEUED)
        .prefetch_related("images")
        .order_by("-posted_at", "-id")
    )


def wall_posts(event: Event):
    return (
        SocialPost.objects.filter(
            event=event, status__in=[SocialPost.Status.APPROVED, SocialPost.Status.FEATURED]
        )
        .prefetch_related("images")
        .order_by("-posted_at", "-id")
    )


def get_post(event: Event, post_id) -> SocialPost:
    try:
        post_id = int(post_id)
    except (TypeError, ValueError):
        post_id = 0
    # Out-of-range ids are simply not found (SQLite cannot even compare them).
    post = None
    if 0 < post_id < 2**63:
        post = SocialPost.objects.filter(event=event, pk=post_id).first()
    if post is None:
        raise Http404(_("No such post on this wall."))
    post.event = event
    return post


def _audit(action: str, post: SocialPost, actor, **data) -> None:
    log_action(
        f"hubbub.social.{action}",
        actor=actor,
        event=post.event,
        target=post,
        data={"handle": post.author_handle, "network": post.network, **data},
    )


def do_approve_post(post: SocialPost, *, actor, feature: bool = False) -> SocialPost:
    policy.require(actor, Action.CURATE_SOCIAL, post.event)
    check_not_archived(post.event)
    post.status = SocialPost.Status.FEATURED if feature else SocialPost.Status.APPROVED
    post.decided_at = timezone.now()
    with transaction.atomic():
        post.save(update_fields=["status", "decided_at"])
        _audit("featured" if feature else "approved", post, actor)
        publish_approved(post)
    return post


def do_reject_post(post: SocialPost, *, actor) -> SocialPost:
    policy.require(actor, Action.CURATE_SOCIAL, post.event)
    check_not_archived(post.event)
    was_shown = post.is_shown
    post.status = SocialPost.Status.REJECTED
    post.decided_at = timezone.now()
    with transaction.atomic():
        post.save(update_fields=["status", "decided_at"])
        _audit("rejected", post, actor)
        if was_shown:
            _publish_removed(post.event, post.pk)
    return post


def do_block_author(post: SocialPost, *, actor) -> int:
    """Block the post's author on this event: their waiting and shown posts are rejected, and
    their future posts are not stored. Returns how many posts were rejected."""
    policy.require(actor, Action.CURATE_SOCIAL, post.event)
    check_not_archived(post.event)
    handle = normal_handle(post.author_handle)
    if not handle:
        raise ValidationError({"handle": _("This post has no author handle to block.")})
    event = post.event
    with transaction.atomic():
        BlockedAuthor.objects.get_or_create(event=event, handle=handle)
        theirs = [
            p
            for p in SocialPost.objects.filter(event=event).exclude(
                status=SocialPost.Status.REJECTED
            )
            if normal_handle(p.author_handle) == handle
        ]
        for other in theirs:
            if other.is_shown:
                _publish_removed(event, other.pk)
            other.status = SocialPost.Status.REJECTED
            other.decided_at = timezone.now()
            other.save(update_fields=["status", "decided_at"])
        log_action(
            "hubbub.social.author_blocked",
            actor=actor,
            event=event,
            data={"handle": post.author_handle, "rejected": len(theirs)},
        )
    return len(theirs)


def quote_markdown(post: SocialPost) -> str:
    """The post as a quote entry: its text, then who said it and a link to the original."""
    text = _escape_markdown(post.text)[:3000]
    quoted = "\n".join(f"> {line}" if line else ">" for line in text.splitlines() or [""])
    who = _escape_markdown(post.author_name or post.author_handle or _("Someone"))
    if post.author_handle and post.author_name:
        who += f" ({_escape_markdown(post.author_handle)})"
    network = dict(Source.Kind.choices).get(post.network, post.network)
    where = _("on %(network)s") % {"network": _network_name(post.network, network)}
    return f"{quoted}\n\n— {who}, [{where}](<{post.url}>)"


def _network_name(network: str, fallback) -> str:
    return {
        "mastodon": "Mastodon",
        "bluesky": "Bluesky",
        "feed": _("the web"),
        "url": _("the web"),
    }.get(network, str(fallback))


def _escape_markdown(text: str) -> str:
    """Text that markdown shows as typed: emphasis, links, code and HTML characters escaped,
    and a line starting like a heading or a list kept as text."""
    escaped = re.sub(r"([\\`*_\[\]<>~|])", r"\\\1", text or "")
    return re.sub(r"(?m)^(\s*)([#+\-=]|\d+[.)])", r"\1\\\2", escaped)


def do_quote_in_live(post: SocialPost, *, actor):
    """Post the social post on the live blog as a quote entry, through the live services (the
    actor's right to post, the event's state and ``publish()`` all apply)."""
    policy.require(actor, Action.CURATE_SOCIAL, post.event)
    with transaction.atomic():
        entry = do_create_entry(
            event=post.event, author=actor, body=quote_markdown(post), kind="quote"
        )
        _audit("quoted", post, actor, entry=entry.pk)
        if not post.is_shown:
            post.status = SocialPost.Status.APPROVED
            post.decided_at = timezone.now()
            post.save(update_fields=["status", "decided_at"])
            publish_approved(post)
    return entry


def do_take_down(post: SocialPost, *, actor) -> None:
    """Delete the post and its images for good (removed at its source, or at its author's
    request). Readers' open walls drop it, and the stream log keeps no copy of it."""
    policy.require(actor, Action.CURATE_SOCIAL, post.event)
    event, post_id, network = post.event, post.pk, post.network
    files = [image.image for image in post.images.all()]
    if post.avatar:
        files.append(post.avatar)
    with transaction.atomic():
        seq = _publish_removed(event, post_id)
        rewrite_logged(
            event,
            post_subject(post_id),
            _removed_payload(event, post_id),
            before=seq,
            type=SOCIAL_REMOVED,
        )
        post.delete()
        log_action(
            "hubbub.social.taken_down",
            actor=actor,
            event=event,
            data={"post": post_id, "network": network},
        )
        transaction.on_commit(lambda: delete_files(files))


def delete_files(files) -> None:
    for file in files:
        try:
            file.storage.delete(file.name)
        except OSError:
            logger.warning("could not delete %s", file.name)


# -- what readers see ----------------------------------------------------------------------------
def post_data(post: SocialPost) -> dict:
    return {
        "id": post.pk,
        "event": post.event.slug,
        "network": post.network,
        "author_name": post.author_name,
        "author_handle": post.author_handle,
        "avatar_url": post.avatar.url if post.avatar else None,
        "text_html": post.text_html,
        "links": post.links,
        "images": [
            {"url": i.image.url, "alt": i.alt, "width": i.width, "height": i.height}
            for i in post.images.all()
        ],
        "url": post.url,
        "posted_at": post.posted_at,
        "status": post.status,
        "featured": post.is_featured,
    }


def render_post_html(post: SocialPost) -> str:
    return render_to_string("social/_post.html", {"post": post, "event": post.event})


def publish_approved(post: SocialPost) -> int:
    payload = {**post_data(post), "html": render_post_html(post)}
    return publish(post.event, SOCIAL_APPROVED, payload, subject=post_subject(post.pk))


def _removed_payload(event: Event, post_id: int) -> dict:
    return {"id": post_id, "event": event.slug}


def _publish_removed(event: Event, post_id: int) -> int:
    return publish(
        event, SOCIAL_REMOVED, _removed_payload(event, post_id), subject=post_subject(post_id)
    )
