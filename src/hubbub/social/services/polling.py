"""Polling the wall's sources.

``poll_source`` talks to other servers first and writes afterwards: each post is stored with its
images in one transaction, or not at all, and a source's failure is recorded on that source
alone."""

import logging
import re
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hubbub.core.audit import log_action
from hubbub.core.images import clean_photo
from hubbub.events.models import Event
from hubbub.team.models import Application

from .. import adapters
from ..fetch import FetchError, fetch
from ..models import BlockedAuthor, SocialImage, SocialPost, Source, WallSettings
from .common import AVATAR_EDGE, IMAGE_EDGE, MAX_BACKOFF, MAX_FAILURES, URL_FETCHED, normal_handle
from .curation import delete_files, publish_approved
from .sources import sources_for, wall_settings

logger = logging.getLogger(__name__)


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
                publish_approved(post)
    except IntegrityError:
        # Stored meanwhile by another poll of the same post: drop the files saved for this copy.
        delete_files([f for f in [post and post.avatar, *(i.image for i in saved)] if f])
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
