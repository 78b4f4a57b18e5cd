"""Live entries: every write a reader can see goes through here and out through publish()."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from hubbub.core.audit import log_action
from hubbub.core.images import clean_photo
from hubbub.core.permissions import Action, policy
from hubbub.core.text import render_markdown
from hubbub.events.lifecycle import EventClosed, check_not_archived
from hubbub.events.models import Event, Session

from . import publish
from .extensions import attach_entry_extras
from .lifecycle import check_posting_open, posting_open_for
from .models import MAX_BODY_LENGTH, LiveEntry
from .publishing import rewrite_logged
from .schemas import EntryOut

ENTRY_CREATED = "entry.created"
ENTRY_UPDATED = "entry.updated"
ENTRY_DELETED = "entry.deleted"
ENTRY_PINNED = "entry.pinned"


def entry_subject(entry_id: int) -> str:
    """How the stream log names an entry's messages (see ``rewrite_logged``)."""
    return f"entry:{entry_id}"


# -- validation ----------------------------------------------------------------------------------
def check_body(body) -> str:
    if body is None or not isinstance(body, str) or not body.strip():
        raise ValidationError({"body": _("Write something: the update is empty.")})
    if len(body) > MAX_BODY_LENGTH:
        raise ValidationError(
            {
                "body": _("The update is %(length)s characters; the limit is %(limit)s.")
                % {"length": f"{len(body):,}", "limit": f"{MAX_BODY_LENGTH:,}"}
            }
        )
    return body.strip()


def check_kind(kind) -> str:
    if kind not in LiveEntry.Kind.values:
        raise ValidationError(
            {"kind": _("Choose one of: %(kinds)s.") % {"kinds": ", ".join(LiveEntry.Kind.values)}}
        )
    return kind


def check_session(event: Event, session_id) -> Session | None:
    if session_id in (None, ""):
        return None
    try:
        session_id = int(session_id)
    except (TypeError, ValueError):
        raise ValidationError({"session_id": _("Choose a session of this event.")}) from None
    session = Session.objects.filter(event=event, pk=session_id).first()
    if session is None:
        raise ValidationError({"session_id": _("That session is not part of this event.")})
    return session


# -- writes --------------------------------------------------------------------------------------
def do_create_entry(
    *,
    event: Event,
    author,
    body: str,
    kind: str = LiveEntry.Kind.UPDATE,
    session_id=None,
    image=None,
    image_alt: str = "",
    client_token: str = "",
) -> LiveEntry:
    status = entry_status_for(author, event)
    check_posting_open(author, event)
    client_token = (client_token or "")[:64]
    if client_token:
        # A phone retrying a post whose answer it never received: hand back the stored entry.
        existing = LiveEntry.objects.filter(
            event=event, author=author, client_token=client_token
        ).first()
        if existing is not None:
            return existing
    body = check_body(body)
    kind = check_kind(kind)
    if kind == LiveEntry.Kind.KEY_MOMENT:
        policy.require(author, Action.MARK_KEY_MOMENT, event)
    session = check_session(event, session_id)
    photo = clean_photo(image) if image else None
    with transaction.atomic():
        entry = LiveEntry(
            event=event,
            author=author,
            session=session,
            kind=kind,
            body=body,
            body_html=render_markdown(body),
            image_alt=(image_alt or "").strip()[:300],
            client_token=client_token,
            status=status,
        )
        if photo is not None:
            entry.image.save(photo.file.name, photo.file, save=False)
            entry.image_width, entry.image_height = photo.width, photo.height
        entry.save()
        if entry.is_published:
            log_action("hubbub.entry.posted", actor=author, event=event, target=entry)
            publish(event, ENTRY_CREATED, entry_payload(entry), subject=entry_subject(entry.pk))
        else:
            log_action("hubbub.entry.submitted", actor=author, event=event, target=entry)
    return entry


def entry_status_for(author, event: Event) -> str:
    """Published straight away, or pending for someone whose posts an editor must approve."""
    if policy.can(author, Action.POST_ENTRY, event):
        return LiveEntry.Status.PUBLISHED
    if policy.can(author, Action.POST_ENTRY_FOR_REVIEW, event):
        return LiveEntry.Status.PENDING
    raise PermissionDenied(_("Only the event's reporting team can post updates."))


def can_post(user, event: Event) -> bool:
    """On the team and, once the event has ended, allowed to write its wrap-up."""
    on_team = policy.can(user, Action.POST_ENTRY, event) or policy.can(
        user, Action.POST_ENTRY_FOR_REVIEW, event
    )
    return on_team and posting_open_for(user, event)


def can_see_entry(user, entry: LiveEntry) -> bool:
    """Readers see published entries; the author and editors also see the others."""
    if entry.is_published:
        return True
    return policy.can(user, Action.APPROVE_ENTRY, entry.event) or (
        user is not None and user.is_authenticated and entry.author_id == user.pk
    )


def check_entry_changes_open(user, event: Event) -> None:
    """Entries are changed or deleted while posting is open to ``user``: after the end only
    organisers and editors during a wrap-up, and in an archive nobody."""
    check_not_archived(event)
    if not posting_open_for(user, event):
        raise EventClosed(
            _(
                "This event has ended, so its updates can no longer be changed. Organisers and "
                "editors can reopen posting for a wrap-up."
            )
        )


def entry_changes_open(user, event: Event) -> bool:
    """Whether ``user`` may change or delete entries now (see check_entry_changes_open)."""
    try:
        check_entry_changes_open(user, event)
    except EventClosed:
        return False
    return True


def do_update_entry(entry: LiveEntry, *, actor, **changes) -> LiveEntry:
    """Change body, kind, session or pinned; each needs its own right."""
    event = entry.event
    check_not_archived(event)
    changes = {k: v for k, v in changes.items() if v is not None}
    if "pinned" in changes:
        pinned = bool(changes.pop("pinned"))
        if pinned != entry.pinned:
            entry = do_pin_entry(entry, actor=actor, pinned=pinned)
        if not changes:
            return entry
    policy.require(actor, Action.EDIT_ENTRY, event, entry)
    check_entry_changes_open(actor, event)
    needs_review = not policy.can(actor, Action.POST_ENTRY, event)
    if needs_review and entry.is_published:
        # A moderated reporter cannot change what readers already see without an editor.
        raise PermissionDenied(_("Ask an editor to change an update that is already published."))
    if needs_review and entry.status == LiveEntry.Status.RETURNED:
        entry.status = LiveEntry.Status.PENDING  # sent back to the queue
    if "body" in changes:
        entry.body = check_body(changes["body"])
        entry.body_html = render_markdown(entry.body)
    if "kind" in changes:
        kind = check_kind(changes["kind"])
        if kind != entry.kind and LiveEntry.Kind.KEY_MOMENT in (kind, entry.kind):
            policy.require(actor, Action.MARK_KEY_MOMENT, event)
        entry.kind = kind
    if "session_id" in changes:
        entry.session = check_session(event, changes["session_id"])
    if "image_alt" in changes:
        entry.image_alt = str(changes["image_alt"]).strip()[:300]
    entry.edited_at = timezone.now()
    with transaction.atomic():
        entry.save()
        log_action("hubbub.entry.edited", actor=actor, event=event, target=entry)
        if entry.is_published:
            payload = entry_payload(entry)
            subject = entry_subject(entry.pk)
            seq = publish(event, ENTRY_UPDATED, payload, subject=subject)
            # A reader resuming from before this edit gets the entry as it reads now.
            rewrite_logged(event, subject, payload, before=seq)
    return entry


def do_approve_entry(entry: LiveEntry, *, actor) -> LiveEntry:
    """Publish a pending entry: readers get it now, as a new entry."""
    event = entry.event
    check_not_archived(event)
    policy.require(actor, Action.APPROVE_ENTRY, event, entry)
    if entry.is_published:
        raise ValidationError({"status": _("This update is already published.")})
    with transaction.atomic():
        entry.status = LiveEntry.Status.PUBLISHED
        entry.review_note = ""
        entry.save(update_fields=["status", "review_note"])
        log_action("hubbub.entry.approved", actor=actor, event=event, target=entry)
        publish(event, ENTRY_CREATED, entry_payload(entry), subject=entry_subject(entry.pk))
    return entry


def check_review_note(note) -> str:
    note = (note or "").strip() if isinstance(note, str | None) else ""
    if not note:
        raise ValidationError({"review_note": _("Say what the reporter should change.")})
    if len(note) > 2000:
        raise ValidationError({"review_note": _("Keep the note under 2,000 characters.")})
    return note


def do_return_entry(entry: LiveEntry, *, actor, note: str) -> LiveEntry:
    """Send a pending entry back to its reporter with a note; readers never saw it."""
    event = entry.event
    check_not_archived(event)
    policy.require(actor, Action.APPROVE_ENTRY, event, entry)
    if entry.is_published:
        raise ValidationError({"status": _("Published updates cannot be returned.")})
    note = check_review_note(note)
    with transaction.atomic():
        entry.status = LiveEntry.Status.RETURNED
        entry.review_note = note
        entry.save(update_fields=["status", "review_note"])
        log_action(
            "hubbub.entry.returned", actor=actor, event=event, target=entry, data={"note": note}
        )
    return entry


def do_pin_entry(entry: LiveEntry, *, actor, pinned: bool = True) -> LiveEntry:
    """Pin ``entry`` to the top of the live page; one entry is pinned at a time."""
    event = entry.event
    check_not_archived(event)
    policy.require(actor, Action.PIN_ENTRY, event, entry)
    if not entry.is_published:
        raise ValidationError({"pinned": _("Approve the update before pinning it.")})
    with transaction.atomic():
        if pinned:
            for previous in LiveEntry.objects.filter(event=event, pinned=True).exclude(pk=entry.pk):
                previous.pinned = False
                previous.save(update_fields=["pinned"])
                publish(
                    event, ENTRY_PINNED, entry_payload(previous), subject=entry_subject(previous.pk)
                )
        entry.pinned = pinned
        entry.save(update_fields=["pinned"])
        log_action(
            "hubbub.entry.pinned" if pinned else "hubbub.entry.unpinned",
            actor=actor,
            event=event,
            target=entry,
        )
        publish(event, ENTRY_PINNED, entry_payload(entry), subject=entry_subject(entry.pk))
    return entry


def do_delete_entry(entry: LiveEntry, *, actor) -> None:
    event = entry.event
    policy.require(actor, Action.DELETE_ENTRY, event, entry)
    check_entry_changes_open(actor, event)
    entry_id = entry.pk
    with transaction.atomic():
        log_action(
            "hubbub.entry.deleted",
            actor=actor,
            event=event,
            target=entry,
            data={"body": entry.body[:500]},
        )
        if entry.image:
            entry.image.delete(save=False)
        was_published = entry.is_published
        entry.delete()
        if was_published:
            tombstone = {"id": entry_id, "event": event.slug}
            subject = entry_subject(entry_id)
            seq = publish(event, ENTRY_DELETED, tombstone, subject=subject)
            # A reader resuming from before this gets tombstones, never the deleted text.
            rewrite_logged(event, subject, tombstone, before=seq, type=ENTRY_DELETED)


# -- reads ---------------------------------------------------------------------------------------
def entries_for_event(event: Event, *, published_only: bool = True):
    """The event's entries, newest first; by default only what readers may see."""
    entries = LiveEntry.objects.filter(event=event)
    if published_only:
        entries = entries.filter(status=LiveEntry.Status.PUBLISHED)
    return (
        entries.select_related("author", "session")
        .prefetch_related(Prefetch("co_authors"))
        .order_by("-created_at", "-id")
    )


def pending_entries(event: Event):
    return (
        entries_for_event(event, published_only=False)
        .filter(status=LiveEntry.Status.PENDING)
        .order_by("created_at", "id")
    )


def get_entry(event: Event, entry_id, viewer=None) -> LiveEntry:
    """An entry ``viewer`` may see: published ones for anyone, others for the author and editors."""
    from django.http import Http404

    try:
        entry_id = int(entry_id)
    except (TypeError, ValueError):
        raise Http404(_("No such entry.")) from None
    entry = entries_for_event(event, published_only=False).filter(pk=entry_id).first()
    if entry is not None:
        entry.event = event
    if entry is None or not can_see_entry(viewer, entry):
        raise Http404(_("No such entry on this event."))
    return entry


def entry_data(entry: LiveEntry) -> dict:
    """The entry's public JSON (the API's GET and the SSE data share it).

    Dates stay datetimes: every path that writes this out (Ninja's renderer, JsonResponse and
    ``publish()``) uses DjangoJSONEncoder, so they all print them the same way; Pydantic's
    JSON mode would keep microseconds that the API drops, and the two would differ."""
    event = entry.event
    author = None
    if entry.author is not None:
        author = {
            "username": entry.author.get_username(),
            "name": entry.author.get_full_name() or entry.author.get_username(),
        }
    session = None
    if entry.session is not None:
        entry.session.event = event
        session = {
            "id": entry.session.pk,
            "title": entry.session.title,
            "url": entry.session.get_absolute_url(),
        }
    image = None
    if entry.image:
        image = {
            "url": entry.image.url,
            "alt": entry.image_alt,
            "width": entry.image_width,
            "height": entry.image_height,
        }
    data = {
        "id": entry.pk,
        "event": event.slug,
        "kind": entry.kind,
        "body": entry.body,
        "body_html": entry.body_html,
        "author": author,
        "session": session,
        "image": image,
        "pinned": entry.pinned,
        "status": entry.status,
        "created_at": entry.created_at,
        "edited_at": entry.edited_at,
        "url": entry.get_absolute_url(),
    }
    return EntryOut.model_validate(data).model_dump()


def render_entry_html(entry: LiveEntry) -> str:
    attach_entry_extras([entry])
    return render_to_string("live/_entry.html", {"entry": entry, "event": entry.event})


def entry_payload(entry: LiveEntry) -> dict:
    """What an entry event carries on the stream: the API JSON plus the rendered HTML."""
    return {**entry_data(entry), "html": render_entry_html(entry)}
