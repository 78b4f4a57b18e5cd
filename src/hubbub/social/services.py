"""The social wall's logic: sources, polling, curation and what readers see.

Polling (``poll_source``) talks to other servers first and writes afterwards: each post is
stored with its images in one transaction, or not at all, and a source's failure is recorded
on that source alone. Curation goes through the permission policy, the audit log and
``publish()`` (``social.approved`` / ``social.removed`` on the event's stream).
"""

import logging
import re
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from hubbub.core.audit import log_action
from hubbub.core.images import clean_photo
from hubbub.core.permissions import Action, policy
from hubbub.events.lifecycle import check_not_archived
from hubbub.events.models import Event
from hubbub.live import publish
from hubbub.live.publishing import rewrite_logged
from hubbub.live.services import do_create_entry
from hubbub.team.models import Application

from . import adapters
from .fetch import FetchError, fetch
from .models import DEFAULT_INTERVAL, BlockedAuthor, SocialImage, SocialPost, Source, WallSettings

logger = logging.getLogger(__name__)

SOCIAL_APPROVED = "social.approved"
SOCIAL_REMOVED = "social.removed"
MIN_INTERVAL = 30
MAX_INTERVAL = 24 * 3600
# A source that fails this many polls in a row is stopped until someone restarts it.
MAX_FAILURES = 5
MAX_BACKOFF = 3600
MAX_SOURCES_PER_EVENT = 50
AVATAR_EDGE = 96
IMAGE_EDGE = 1200
URL_FETCHED = "fetched"


def post_subject(post_id: int) -> str:
    return f"social:{post_id}"


# -- sources -------------------------------------------------------------------------------------
def _check_web_address(value, field_name: str) -> str:
    value = str(value or "").strip()
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname or len(value) > 500:
        raise ValidationError({field_name: _("Enter a web address starting with https://.")})
    if parts.username or parts.password:
        raise ValidationError({field_name: _("Leave the user name and password out.")})
    return value


def check_source(*, kind, url=None, query=None, interval=None) -> dict:
    """The cleaned fields of a new source, or ValidationError naming the field."""
    if kind not in Source.Kind.values:
        raise ValidationError(
            {"kind": _("Choose one of: %(kinds)s.") % {"kinds": ", ".join(Source.Kind.values)}}
        )
    address_field = "server" if kind in (Source.Kind.MASTODON, Source.Kind.BLUESKY) else "url"
    url = _check_web_address(url, address_field)
    query = " ".join(str(query or "").split())
    if kind == Source.Kind.MASTODON:
        query = query.lstrip("#")
        if not re.fullmatch(r"\w{1,100}", query):
            raise ValidationError(
                {"hashtag": _("Enter one hashtag of letters, digits and underscores.")}
            )
        query = f"#{query}"
    elif kind == Source.Kind.BLUESKY:
        if not query or len(query) > 200:
            raise ValidationError({"query": _("Enter what to search for (up to 200 characters).")})
    else:
        query = ""
    if interval in (None, ""):
        interval = DEFAULT_INTERVAL
    try:
        interval = int(interval)
    except (TypeError, ValueError):
        interval = -1
    if not MIN_INTERVAL <= interval <= MAX_INTERVAL:
        raise ValidationError(
            {
                "interval": _("Poll between every %(low)s seconds and once a day.")
                % {"low": MIN_INTERVAL}
            }
        )
    return {"kind": kind, "url": url, "query": query, "interval": interval}


def do_create_source(*, event: Event, actor, **fields) -> Source:
    policy.require(actor, Action.MANAGE_SOCIAL, event)
    cleaned = check_source(**fields)
    if Source.objects.filter(event=event).count() >= MAX_SOURCES_PER_EVENT:
        raise ValidationError(
            {"kind": _("An event may have at most %(n)s sources.") % {"n": MAX_SOURCES_PER_EVENT}}
        )
    with transaction.atomic():
        source = Source.objects.create(event=event, **cleaned)
        log_action(
            "hubbub.social.source_added",
            actor=actor,
            event=event,
            target=source,
            data={"name": source.label},
        )
    return source


def do_set_source_active(source: Source, *, actor, active: bool) -> Source:
    policy.require(actor, Action.MANAGE_SOCIAL, source.event)
    source.state = Source.State.ACTIVE if active else Source.State.STOPPED
    source.failures = 0
    source.next_poll_at = None
    if active:
        source.last_error = ""
    with transaction.atomic():
        source.save(update_fields=["state", "failures", "next_poll_at", "last_error"])
        log_action(
            "hubbub.social.source_restarted" if active else "hubbub.social.source_stopped",
            actor=actor,
            event=source.event,
            target=source,
            data={"name": source.label},
        )
    return source


def do_delete_source(source: Source, *, actor) -> None:
    policy.require(actor, Action.MANAGE_SOCIAL, source.event)
    with transaction.atomic():
        log_action(
            "hubbub.social.source_removed",
            actor=actor,
            event=source.event,
            data={"name": source.label},
        )
        source.delete()


def sources_for(event: Event):
    return Source.objects.filter(event=event)


def get_source(event: Event, source_id) -> Source:
    source = None
    if 0 < int(source_id) < 2**63:
        source = Source.objects.filter(event=event, pk=source_id).select_related("event").first()
    if source is None:
        raise Http404(_("No such source on this event."))
    return source


def wall_settings(event: Event) -> WallSettings:
    found, _created = WallSettings.objects.get_or_create(event=event)
    return found


def do_update_wall_settings(event: Event, *, actor, trusted_handles: str, blocked_words: str):
    policy.require(actor, Action.MANAGE_SOCIAL, event)
    found = wall_settings(event)
    found.trusted_handles = "\n".join(WallSettings.lines(trusted_handles))[:5000]
    found.blocked_words = "\n".join(WallSettings.lines(blocked_words))[:5000]
    with transaction.atomic():
        found.save()
        log_action("hubbub.social.settings_changed", actor=actor, event=event, target=found)
    return found


# -- polling -------------------------------------------------------------------------------------
@dataclass
class PollReport:
    source: Source
    new: list[SocialPost] = field(default_factory=list)
    seen: int = 0
    skipped: int = 0
    error: str = ""
    wait: int | None = None


def _fetch_posts(source: Source) -> adapters.Polled:
    if source.kind == Source.Kind.MASTODON:
        return adapters.poll_mastodon(source.url, source.query, source.cursor)
    if source.kind == Source.Kind.BLUESKY:
        return adapters.poll_bluesky(source.url, source.query, source.cursor)
    if source.kind == Source.Kind.FEED:
        return adapters.poll_feed(source.url, source.etag, source.last_modified)
    return adapters.poll_url(source.url)


def normal_handle(handle: str) -> str:
    return handle.strip().lstrip("@").lower()


def _handles(text: str) -> set[str]:
    return {normal_handle(h) for h in re.split(r"[\s,;]+", text or "") if "@" in h or "." in h}


def trusted_handles(event: Event) -> set[str]:
    """Listed handles, and those the event's accepted team members gave when they joined."""
    listed = _handles(wall_settings(event).trusted_handles)
    team = Application.objects.filter(event=event, status=Application.Status.ACCEPTED).values_list(
        "social_handles", flat=True
    )
    for handles in team:
        listed |= _handles(handles)
    return {h for h in listed if h}


def blocked_word_in(event: Event, text: str) -> str:
    lowered = text.lower()
    for word in WallSettings.lines(wall_settings(event).blocked_words):
        if word.lower() in lowered:
            return word
    return ""


def poll_source(source: Source, *, now=None) -> PollReport:
    """Poll one source once, store what is new, and record how it went on the source."""
    now = now or timezone.now()
    report = PollReport(source)
    if source.kind == Source.Kind.URL and source.cursor == URL_FETCHED:
        source.next_poll_at = None
        return report
    try:
        polled = _fetch_posts(source)
    except FetchError as exc:
        _record_failure(source, exc, now)
        report.error = str(exc)
        report.wait = exc.retry_after
        return report
    blocked = set(BlockedAuthor.objects.filter(event=source.event).values_list("handle", flat=True))
    trusted = trusted_handles(source.event)
    seen_uris = set()
    for found in polled.posts:
        if found.uri in seen_uris:
            continue
        seen_uris.add(found.uri)
        if normal_handle(found.author_handle) in blocked and found.author_handle:
            report.skipped += 1
            continue
        # The same post by its URI, or by its web address when another network's view of it
        # (a Mastodon status in the author's RSS feed) names it differently.
        existing = (
            SocialPost.objects.filter(event=source.event)
            .filter(Q(uri=found.uri) | Q(url=found.url))
            .first()
        )
        if existing is not None:
            existing.sources.add(source)
            report.seen += 1
            continue
        post = _store(source, found, trusted)
        if post is None:
            report.seen += 1
        else:
            report.new.append(post)
    source.cursor = URL_FETCHED if source.kind == Source.Kind.URL else polled.cursor
    source.etag, source.last_modified = polled.etag, polled.last_modified
    source.failures = 0
    source.state = Source.State.ACTIVE
    source.last_error = ""
    source.last_polled_at = now
    wait = max(source.interval, polled.wait or 0)
    source.next_poll_at = None if source.kind == Source.Kind.URL else now + timedelta(seconds=wait)
    report.wait = polled.wait
    _save_poll_state(source)
    return report


def _record_failure(source: Source, exc: FetchError, now) -> None:
    source.last_polled_at = now
    if exc.retry_after is not None:
        # The server asked us to wait: not the source's fault, so no failure is counted.
        source.last_error = str(exc)[:500]
        source.next_poll_at = now + timedelta(seconds=exc.retry_after)
        _save_poll_state(source)
        return
    source.failures += 1
    if source.failures >= MAX_FAILURES:
        source.state = Source.State.STOPPED
        source.next_poll_at = None
        source.last_error = (
            _("Stopped after %(n)s failed polls in a row. Last error: %(error)s")
            % {"n": source.failures, "error": exc}
        )[:500]
    else:
        source.state = Source.State.FAILING
        backoff = min(source.interval * 2**source.failures, MAX_BACKOFF)
        source.next_poll_at = now + timedelta(seconds=backoff)
        source.last_error = str(exc)[:500]
    _save_poll_state(source)


POLL_FIELDS = ("state", "failures", "last_error", "next_poll_at")
CURSOR_FIELDS = ("cursor", "etag", "last_modified", "last_polled_at")


def _save_poll_state(source: Source) -> None:
    """Record a poll's outcome without undoing what the team did meanwhile: a source stopped
    while it was being polled stays stopped, and one removed stays removed."""
    values = {f: getattr(source, f) for f in POLL_FIELDS + CURSOR_FIELDS}
    if not Source.objects.filter(pk=source.pk).exclude(state=Source.State.STOPPED).update(**values):
        Source.objects.filter(pk=source.pk).update(**{f: values[f] for f in CURSOR_FIELDS})


def _download_image(url: str, edge: int) -> tuple[ContentFile, int, int] | None:
    """A cleaned copy of the image at ``url`` (metadata stripped, bounded), or None."""
    if not url:
        return None
    try:
        answer = fetch(url, max_bytes=settings.HUBBUB_MAX_PHOTO_BYTES, accept="image/*")
        upload = ContentFile(answer.content, name="image")
        cleaned = clean_photo(upload, max_edge=edge)
    except (FetchError, ValidationError) as exc:
        logger.info("social image %s not kept: %s", url, exc)
        return None
    return cleaned.file, cleaned.width, cleaned.height


def _store(source: Source, found: adapters.Found, trusted: set[str]) -> SocialPost | None:
    event = source.event
    avatar = _download_image(found.avatar_url, AVATAR_EDGE)
    images = []
    for image in found.images:
        cleaned = _download_image(image.url, IMAGE_EDGE)
        if cleaned is not None:
            images.append((cleaned, image.alt))
    text = adapters.plain(found.text_html)
    status, held = SocialPost.Status.QUEUED, ""
    word = blocked_word_in(event, text)
    if word:
        held = _("Contains a blocked word: %(word)s") % {"word": word}
    elif found.author_handle and normal_handle(found.author_handle) in trusted:
        status = SocialPost.Status.APPROVED
    saved: list[SocialImage] = []
    post = None
    try:
        with transaction.atomic():
            post = SocialPost(
                event=event,
                network=source.kind,
                uri=found.uri,
                url=found.url,
                author_name=found.author_name,
                author_handle=found.author_handle,
                text_html=found.text_html,
                text=text,
                links=found.links,
                posted_at=found.posted_at,
                status=status,
                held_reason=held,
                decided_at=timezone.now() if status != SocialPost.Status.QUEUED else None,
            )
            if avatar is not None:
                post.avatar.save(avatar[0].name, avatar[0], save=False)
            post.save()
            post.sources.add(source)
            for position, ((file, width, height), alt) in enumerate(images):
                stored = SocialImage(
                    post=post, alt=alt, width=width, height=height, position=position
                )
                stored.image.save(file.name, file, save=False)
                saved.append(stored)
                stored.save()
            if post.is_shown:
                log_action(
                    "hubbub.social.auto_approved",
                    event=event,
                    target=post,
                    data={"handle": post.author_handle},
                )
                _publish_approved(post)
    except IntegrityError:
        # Stored meanwhile by another poll of the same post: drop the files saved for this copy.
        _delete_files([f for f in [post and post.avatar, *(i.image for i in saved)] if f])
        return None
    return post


def poll_event(event: Event) -> list[PollReport]:
    """Poll every active or failing source of ``event`` once, now."""
    reports = []
    for source in sources_for(event).exclude(state=Source.State.STOPPED).select_related("event"):
        reports.append(_poll_guarded(source))
    return reports


def _poll_guarded(source: Source) -> PollReport:
    try:
        return poll_source(source)
    except Exception as exc:  # one broken source must not stop the others
        logger.exception("polling social source %s failed", source.pk)
        _record_failure(
            source,
            FetchError(_("Unexpected error: %(e)s") % {"e": type(exc).__name__}),
            timezone.now(),
        )
        return PollReport(source, error=str(source.last_error))


def poll_due_sources(now=None) -> list[PollReport]:
    """The periodic check: poll the sources that are due, of events that are on."""
    now = now or timezone.now()
    reports = []
    due = (
        Source.objects.exclude(state=Source.State.STOPPED)
        .filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
        .exclude(kind=Source.Kind.URL, cursor=URL_FETCHED)
        .select_related("event")
        .order_by("next_poll_at", "id")
    )
    for source in due[:200]:
        if not source.event.is_on():
            continue
        # Claim the source, so that a second worker polling at the same moment skips it.
        claimed = Source.objects.filter(pk=source.pk, next_poll_at=source.next_poll_at).update(
            next_poll_at=now + timedelta(seconds=source.interval)
        )
        if not claimed:
            continue
        reports.append(_poll_guarded(source))
    return reports


def run_periodic_poll() -> None:
    try:
        poll_due_sources()
    except Exception:
        logger.exception("the social wall's periodic poll failed")


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
        _publish_approved(post)
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
            _publish_approved(post)
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
        transaction.on_commit(lambda: _delete_files(files))


def _delete_files(files) -> None:
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


def _publish_approved(post: SocialPost) -> int:
    payload = {**post_data(post), "html": render_post_html(post)}
    return publish(post.event, SOCIAL_APPROVED, payload, subject=post_subject(post.pk))


def _removed_payload(event: Event, post_id: int) -> dict:
    return {"id": post_id, "event": event.slug}


def _publish_removed(event: Event, post_id: int) -> int:
    return publish(
        event, SOCIAL_REMOVED, _removed_payload(event, post_id), subject=post_subject(post_id)
    )
