"""Slideshows: uploads checked by content and size, reads for readers and the team, edits,
and slides posted into the live blog. Rendering itself is the job in ``rendering``.

Only ``ready`` slideshows reach readers.
"""

import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from hubbub.core.audit import log_action
from hubbub.events.models import Event
from hubbub.live.services import do_create_entry

from ..models import Slide, Slideshow
from .access import (
    can_manage_media,
    check_session,
    check_speaker,
    check_title,
    markdown_text,
    megabytes,
    require_manage_media,
)
from .rendering import delete_files, slide_files

PPTX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODP_MIMETYPE = b"application/vnd.oasis.opendocument.presentation"
# By dotted name: ``media.tasks`` imports these services, so they never import it back.
RENDER_TASK = "hubbub.media.tasks.render_slideshow"


# -- checks -------------------------------------------------------------------------------------
def sniff_deck(upload) -> str:
    """The deck's kind from its bytes (never its name), or ValidationError on ``file``."""
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    if b"%PDF-" in head:
        return Slideshow.Kind.PDF
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
                if "mimetype" in names and archive.read("mimetype").strip() == ODP_MIMETYPE:
                    return Slideshow.Kind.ODP
                if "[Content_Types].xml" in names:
                    types = archive.read("[Content_Types].xml")
                    if PPTX_CONTENT_TYPE.encode() in types:
                        return Slideshow.Kind.PPTX
        except (zipfile.BadZipFile, KeyError, OSError):
            pass
        finally:
            upload.seek(0)
    raise ValidationError(
        {"file": _("Upload the slides as a PDF, PowerPoint (PPTX) or OpenDocument (ODP) file.")}
    )


def check_deck_file(upload) -> str:
    if upload is None:
        raise ValidationError({"file": _("Choose the file with the slides.")})
    if upload.size > settings.HUBBUB_MAX_DECK_BYTES:
        raise ValidationError(
            {"file": _("The file is larger than %(limit)s.") % {
                "limit": megabytes(settings.HUBBUB_MAX_DECK_BYTES)}}
        )  # fmt: skip
    if upload.size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    return sniff_deck(upload)


# -- reads --------------------------------------------------------------------------------------
def _with_slides(queryset):
    return queryset.select_related("event", "session", "speaker").prefetch_related("slides")


def public_slideshows(event: Event):
    return (
        Slideshow.objects.public()
        .filter(event=event)
        .select_related("event", "session", "speaker")
        .prefetch_related(Prefetch("slides", queryset=Slide.objects.filter(number=1)))
    )


def slideshows_for(user, event: Event):
    """What ``user`` may see: ready decks, and every state for the event's team."""
    queryset = Slideshow.objects.filter(event=event).select_related("session", "speaker")
    if not can_manage_media(user, event):
        queryset = queryset.filter(status=Slideshow.Status.READY)
    return queryset


def unfinished_slideshows(event: Event):
    return (
        Slideshow.objects.filter(event=event)
        .exclude(status=Slideshow.Status.READY)
        .select_related("event")
    )


def search_slideshows(query: str, event: Event | None = None, limit: int = 50):
    """Ready decks on public events whose title or slide text holds every word of ``query``.

    For the site search to include alongside posts and entries.
    """
    words = (query or "").split()[:10]
    if not words:
        return Slideshow.objects.none()
    decks = Slideshow.objects.public().exclude(event__status=Event.Status.DRAFT)
    if event is not None:
        decks = decks.filter(event=event)
    for word in words:
        decks = decks.filter(Q(title__icontains=word) | Q(text__icontains=word))
    return decks.select_related("event")[:limit]


def get_slideshow(event: Event, slideshow_id, user=None) -> Slideshow:
    slideshow = _with_slides(slideshows_for(user, event)).filter(pk=slideshow_id).first()
    if slideshow is None:
        raise Http404(_("No slideshow at this address."))
    slideshow.event = event
    return slideshow


# -- writes -------------------------------------------------------------------------------------
def do_create_slideshow(
    *,
    event: Event,
    actor,
    title,
    upload,
    session_id=None,
    speaker_id=None,
    allow_download: bool = False,
) -> Slideshow:
    """Store the upload and queue its rendering; it stays hidden until the job succeeds."""
    require_manage_media(actor, event)
    errors = {}
    values = {}
    for field, check in (
        ("title", lambda: check_title(title)),
        ("kind", lambda: check_deck_file(upload)),
        ("session", lambda: check_session(event, session_id)),
        ("speaker", lambda: check_speaker(event, speaker_id)),
    ):
        try:
            values[field] = check()
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        slideshow = Slideshow(
            event=event,
            title=values["title"],
            kind=values["kind"],
            session=values["session"],
            speaker=values["speaker"],
            allow_download=bool(allow_download),
            uploaded_by=actor,
        )
        slideshow.source.save(f"deck.{values['kind']}", upload, save=False)
        slideshow.save()
        log_action(
            "hubbub.slideshow.uploaded",
            actor=actor,
            event=event,
            target=slideshow,
            data={"title": slideshow.title},
        )
        _enqueue_render(slideshow.pk)
    return slideshow


def _enqueue_render(slideshow_id: int) -> None:
    transaction.on_commit(lambda: import_string(RENDER_TASK).enqueue(slideshow_id))


def do_retry_slideshow(slideshow: Slideshow, *, actor) -> Slideshow:
    require_manage_media(actor, slideshow.event)
    if slideshow.status != Slideshow.Status.FAILED:
        raise ValidationError({"status": _("Only a slideshow that failed can be tried again.")})
    with transaction.atomic():
        slideshow.status = Slideshow.Status.PENDING
        slideshow.error = ""
        slideshow.save(update_fields=["status", "error"])
        log_action(
            "hubbub.slideshow.retried",
            actor=actor,
            event=slideshow.event,
            target=slideshow,
            data={"title": slideshow.title},
        )
        _enqueue_render(slideshow.pk)
    return slideshow


def do_update_slideshow(slideshow: Slideshow, *, actor, title=None, allow_download=None):
    require_manage_media(actor, slideshow.event)
    if title is not None:
        slideshow.title = check_title(title)
    if allow_download is not None:
        slideshow.allow_download = bool(allow_download)
    slideshow.save(update_fields=["title", "allow_download"])
    return slideshow


def do_update_alt_texts(slideshow: Slideshow, *, actor, alt_texts: dict[int, str]) -> int:
    """Set the description of slides by number; an empty one falls back to the slide's text."""
    require_manage_media(actor, slideshow.event)
    slides = {s.number: s for s in slideshow.slides.all()}
    changed = []
    for number, text in alt_texts.items():
        slide = slides.get(number)
        if slide is None:
            continue
        text = " ".join(str(text or "").split())
        if len(text) > 1000:
            raise ValidationError(
                {f"alt-{number}": _("Keep the description under 1,000 characters.")}
            )
        if text == " ".join(slide.text.split()):
            text = ""  # the default, kept empty so a re-render's text still applies
        if text != slide.alt_text:
            slide.alt_text = text
            changed.append(slide)
    Slide.objects.bulk_update(changed, ["alt_text"])
    return len(changed)


def do_delete_slideshow(slideshow: Slideshow, *, actor) -> None:
    require_manage_media(actor, slideshow.event)
    with transaction.atomic():
        log_action(
            "hubbub.slideshow.deleted",
            actor=actor,
            event=slideshow.event,
            target=slideshow,
            data={"title": slideshow.title},
        )
        files = [*slide_files(slideshow.slides.all()), slideshow.source]
        slideshow.delete()
        transaction.on_commit(lambda: delete_files(files))


# -- into the live blog -------------------------------------------------------------------------
def do_post_slides_to_live(slideshow: Slideshow, *, actor, number=None, note: str = ""):
    """A live entry showing the deck (its first slide) or one slide, linked to the viewer.

    The entry is plain markdown (image + link) written through the live services, so it is
    checked, published and streamed like any other update.
    """
    require_manage_media(actor, slideshow.event)
    if not slideshow.is_ready:
        raise ValidationError({"slideshow": _("The slides are not ready yet.")})
    slides = list(slideshow.slides.all())
    number = int(number) if number not in (None, "") else None
    if number is not None and not 1 <= number <= len(slides):
        raise ValidationError({"number": _("There is no slide %(n)s.") % {"n": number}})
    slide = slides[(number or 1) - 1]
    url = slideshow.get_absolute_url()
    if number is None:
        heading = _("Slides: %(title)s") % {"title": slideshow.title}
        link = url
    else:
        heading = _("Slide %(n)s of “%(title)s”") % {"n": number, "title": slideshow.title}
        link = f"{url}#slide-{number}"
    lines = [note.strip()] if note and note.strip() else []
    lines.append(f"[![{markdown_text(slide.alt)}]({slide.image_small.url})]({link})")
    lines.append(f"[{markdown_text(heading)}]({link})")
    return do_create_entry(
        event=slideshow.event,
        author=actor,
        body="\n\n".join(lines),
        session_id=slideshow.session_id,
    )
