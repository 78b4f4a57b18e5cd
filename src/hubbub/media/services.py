"""Slideshows and galleries: uploads checked by content and size, rendering as a job.

Only ``ready`` slideshows reach readers; a job that fails leaves no slides behind and says why.
"""

import io
import logging
import shutil
import subprocess
import tempfile
import zipfile
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from hubbub.core.audit import log_action
from hubbub.core.images import clean_photo
from hubbub.core.permissions import Action, policy
from hubbub.events.models import Event, Session, Speaker

from .models import Gallery, Photo, Slide, Slideshow

logger = logging.getLogger(__name__)

LARGE_EDGE = 1600
SMALL_EDGE = 800
THUMB_EDGE = 240
PHOTO_THUMB_EDGE = 400
SOFFICE_TIMEOUT = 300

PPTX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODP_MIMETYPE = b"application/vnd.oasis.opendocument.presentation"


class RenderError(Exception):
    """A reason a person understands, stored on the slideshow."""


# -- who may ------------------------------------------------------------------------------------
def can_manage_media(user, event: Event) -> bool:
    # The people who post to the live blog without review: organisers, editors, reporters.
    return policy.can(user, Action.POST_ENTRY, event)


def require_manage_media(user, event: Event) -> None:
    if not can_manage_media(user, event):
        raise PermissionDenied(_("Only the event's reporting team can add slides and photos."))


# -- checks -------------------------------------------------------------------------------------
def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


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
                "limit": _mb(settings.HUBBUB_MAX_DECK_BYTES)}}
        )  # fmt: skip
    if upload.size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    return sniff_deck(upload)


def check_title(title, field: str = "title") -> str:
    title = (title or "").strip() if isinstance(title, str | None) else ""
    if not title:
        raise ValidationError({field: _("Give it a title.")})
    if len(title) > 200:
        raise ValidationError({field: _("Keep the title under 200 characters.")})
    return title


def check_session(event: Event, session_id) -> Session | None:
    if session_id in (None, ""):
        return None
    try:
        return Session.objects.get(event=event, pk=int(session_id))
    except (TypeError, ValueError, Session.DoesNotExist):
        raise ValidationError({"session_id": _("Choose a session of this event.")}) from None


def check_speaker(event: Event, speaker_id) -> Speaker | None:
    if speaker_id in (None, ""):
        return None
    try:
        return Speaker.objects.get(event=event, pk=int(speaker_id))
    except (TypeError, ValueError, Speaker.DoesNotExist):
        raise ValidationError({"speaker_id": _("Choose a speaker of this event.")}) from None


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


def galleries_for(event: Event):
    return (
        Gallery.objects.filter(event=event)
        .select_related("event", "session")
        .annotate(photo_count=Count("photos"))
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


def get_gallery(event: Event, gallery_id) -> Gallery:
    gallery = (
        Gallery.objects.filter(event=event, pk=gallery_id)
        .select_related("session")
        .prefetch_related("photos")
        .first()
    )
    if gallery is None:
        raise Http404(_("No gallery at this address."))
    gallery.event = event
    return gallery


# -- slideshow writes ---------------------------------------------------------------------------
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
        log_action("hubbub.slideshow.uploaded", actor=actor, event=event, target=slideshow)
        _enqueue_render(slideshow.pk)
    return slideshow


def _enqueue_render(slideshow_id: int) -> None:
    from .tasks import render_slideshow

    transaction.on_commit(lambda: render_slideshow.enqueue(slideshow_id))


def do_retry_slideshow(slideshow: Slideshow, *, actor) -> Slideshow:
    require_manage_media(actor, slideshow.event)
    if slideshow.status != Slideshow.Status.FAILED:
        raise ValidationError({"status": _("Only a slideshow that failed can be tried again.")})
    with transaction.atomic():
        slideshow.status = Slideshow.Status.PENDING
        slideshow.error = ""
        slideshow.save(update_fields=["status", "error"])
        log_action("hubbub.slideshow.retried", actor=actor, event=slideshow.event, target=slideshow)
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
        log_action("hubbub.slideshow.deleted", actor=actor, event=slideshow.event, target=slideshow)
        files = [*_slide_files(slideshow.slides.all()), slideshow.source]
        slideshow.delete()
        transaction.on_commit(lambda: _delete_files(files))


def _slide_files(slides) -> list:
    return [f for s in slides for f in (s.image, s.image_small, s.thumbnail) if f]


def _delete_files(files) -> None:
    for field in files:
        try:
            field.storage.delete(field.name)
        except OSError:  # already gone: nothing to clean up
            logger.warning("could not delete %s", field.name)


# -- rendering (the job) ------------------------------------------------------------------------
def do_render_slideshow(slideshow_id: int) -> str:
    """Render a pending slideshow; returns its final status. Safe to call twice."""
    claimed = Slideshow.objects.filter(pk=slideshow_id, status=Slideshow.Status.PENDING).update(
        status=Slideshow.Status.PROCESSING
    )
    if not claimed:
        return Slideshow.objects.filter(pk=slideshow_id).values_list("status", flat=True).first()
    slideshow = Slideshow.objects.select_related("event").get(pk=slideshow_id)
    # Slides left from an earlier attempt are replaced.
    old = list(slideshow.slides.all())
    if old:
        Slide.objects.filter(pk__in=[s.pk for s in old]).delete()
        _delete_files(_slide_files(old))
    made: list[Slide] = []
    try:
        with _local_pdf(slideshow) as pdf_path:
            texts = _render_pdf(pdf_path, slideshow, made)
    except RenderError as exc:
        return _fail(slideshow, made, str(exc))
    except Exception:
        logger.exception("rendering slideshow %s failed", slideshow_id)
        return _fail(slideshow, made, _("Something went wrong while rendering the slides."))
    with transaction.atomic():
        slideshow.text = "\n\n".join(texts)
        slideshow.status = Slideshow.Status.READY
        slideshow.error = ""
        slideshow.rendered_at = timezone.now()
        slideshow.save(update_fields=["text", "status", "error", "rendered_at"])
    return slideshow.status


def _fail(slideshow: Slideshow, made: list[Slide], reason: str) -> str:
    Slide.objects.filter(slideshow=slideshow).delete()
    _delete_files(_slide_files(made))
    slideshow.status = Slideshow.Status.FAILED
    slideshow.error = reason
    slideshow.save(update_fields=["status", "error"])
    return slideshow.status


@contextmanager
def _local_file(field, suffix: str):
    """A path on this machine for a stored file (a temporary copy for object storage)."""
    try:
        path = field.path
    except NotImplementedError:
        path = None
    if path is not None:
        yield path
        return
    with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
        with field.open("rb") as source:
            shutil.copyfileobj(source, tmp, 1024 * 1024)
        tmp.flush()
        yield tmp.name


@contextmanager
def _local_pdf(slideshow: Slideshow):
    with _local_file(slideshow.source, f".{slideshow.kind}") as path:
        if slideshow.kind == Slideshow.Kind.PDF:
            yield path
            return
        with tempfile.TemporaryDirectory(prefix="hubbub-soffice-") as workdir:
            yield convert_to_pdf(path, workdir)


def convert_to_pdf(path: str, workdir: str) -> str:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise RenderError(
            _(
                "PowerPoint and OpenDocument slides need LibreOffice on the server, which is "
                "not installed. Upload the slides as a PDF instead."
            )
        )
    command = [
        soffice,
        # Its own profile, so a desktop LibreOffice or a second job cannot lock it.
        f"-env:UserInstallation=file://{workdir}/profile",
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        workdir,
        path,
    ]
    try:
        subprocess.run(command, capture_output=True, timeout=SOFFICE_TIMEOUT, check=True)
    except (subprocess.SubprocessError, OSError):
        raise RenderError(
            _("LibreOffice could not convert the slides; save them as a PDF and upload that.")
        ) from None
    pdf = Path(workdir) / (Path(path).stem + ".pdf")
    if not pdf.exists():
        raise RenderError(
            _("LibreOffice could not convert the slides; save them as a PDF and upload that.")
        )
    return str(pdf)


def open_pdf(path):
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        return pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
            raise RenderError(
                _("The PDF is protected by a password. Upload a copy without one.")
            ) from None
        raise RenderError(
            _("The file could not be read as a PDF; it may be damaged. Export it again.")
        ) from None


def _render_pdf(path, slideshow: Slideshow, made: list[Slide]) -> list[str]:
    pdf = open_pdf(path)
    texts = []
    try:
        count = len(pdf)
        if count == 0:
            raise RenderError(_("The PDF has no pages."))
        if count > settings.HUBBUB_MAX_SLIDES:
            raise RenderError(
                _("The slides have %(count)s pages; the limit is %(limit)s.")
                % {"count": count, "limit": settings.HUBBUB_MAX_SLIDES}
            )
        for index in range(count):
            image, text = render_page(pdf, index)
            made.append(_store_slide(slideshow, index + 1, image, text))
            texts.append(text)
    finally:
        pdf.close()
    return texts


def render_page(pdf, index: int) -> tuple[Image.Image, str]:
    """One page as an RGB image with its long edge LARGE_EDGE, and the page's text."""
    page = pdf[index]
    try:
        width, height = page.get_size()
        if width <= 0 or height <= 0:
            raise RenderError(_("Page %(n)s has no size.") % {"n": index + 1})
        scale = LARGE_EDGE / max(width, height)
        bitmap = page.render(scale=scale)
        image = bitmap.to_pil().convert("RGB")
        bitmap.close()
        textpage = page.get_textpage()
        text = textpage.get_text_bounded().replace("\r\n", "\n").strip()
        textpage.close()
    finally:
        page.close()
    return image, text


def _jpeg(image: Image.Image, edge: int | None = None) -> ContentFile:
    if edge is not None:
        image = image.copy()
        image.thumbnail((edge, edge), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=82, optimize=True)
    return ContentFile(out.getvalue())


def _store_slide(slideshow: Slideshow, number: int, image: Image.Image, text: str) -> Slide:
    slide = Slide(slideshow=slideshow, number=number, text=text)
    slide.image.save(f"{number}-large.jpg", _jpeg(image), save=False)
    slide.image_small.save(f"{number}-small.jpg", _jpeg(image, SMALL_EDGE), save=False)
    slide.thumbnail.save(f"{number}-thumb.jpg", _jpeg(image, THUMB_EDGE), save=False)
    slide.width, slide.height = image.size
    slide.save()
    return slide


# -- galleries ----------------------------------------------------------------------------------
def do_create_gallery(*, event: Event, actor, title, session_id=None) -> Gallery:
    require_manage_media(actor, event)
    gallery = Gallery(
        event=event,
        title=check_title(title),
        session=check_session(event, session_id),
        created_by=actor,
    )
    with transaction.atomic():
        gallery.save()
        log_action("hubbub.gallery.created", actor=actor, event=event, target=gallery)
    return gallery


def check_photo_files(files) -> list:
    """Every file cleaned (EXIF gone, orientation applied) before any is stored."""
    if not files:
        raise ValidationError({"photos": _("Choose one or more photos.")})
    if len(files) > settings.DATA_UPLOAD_MAX_NUMBER_FILES:
        raise ValidationError(
            {"photos": _("Upload at most %(n)s photos at once.")
             % {"n": settings.DATA_UPLOAD_MAX_NUMBER_FILES}}
        )  # fmt: skip
    cleaned = []
    for upload in files:
        name = getattr(upload, "name", "") or _("a photo")
        if upload.size > settings.HUBBUB_MAX_PHOTO_BYTES:
            raise ValidationError(
                {"photos": _("%(name)s is larger than %(limit)s.")
                 % {"name": name, "limit": _mb(settings.HUBBUB_MAX_PHOTO_BYTES)}}
            )  # fmt: skip
        try:
            cleaned.append(clean_photo(upload, field="photos"))
        except ValidationError as exc:
            message = " ".join(exc.message_dict.get("photos", exc.messages))
            raise ValidationError({"photos": f"{name}: {message}"}) from None
    return cleaned


def do_add_photos(gallery: Gallery, *, actor, files, caption="", credit="") -> list[Photo]:
    require_manage_media(actor, gallery.event)
    caption = (caption or "").strip()[:500]
    credit = (credit or "").strip()[:200]
    cleaned = check_photo_files(files)
    photos = []
    with transaction.atomic():
        for clean in cleaned:
            photo = Photo(gallery=gallery, caption=caption, credit=credit, uploaded_by=actor)
            photo.image.save(clean.file.name, clean.file, save=False)
            photo.width, photo.height = clean.width, clean.height
            with Image.open(clean.file) as image:
                image.thumbnail((PHOTO_THUMB_EDGE, PHOTO_THUMB_EDGE))
                out = io.BytesIO()
                image.convert("RGB").save(out, "JPEG", quality=80)
            photo.thumbnail.save("thumb.jpg", ContentFile(out.getvalue()), save=False)
            photo.save()
            photos.append(photo)
        log_action("hubbub.gallery.photos_added", actor=actor, event=gallery.event, target=gallery)
    return photos


def do_update_photo(photo: Photo, *, actor, caption=None, credit=None, alt_text=None) -> Photo:
    require_manage_media(actor, photo.gallery.event)
    if caption is not None:
        photo.caption = caption.strip()[:500]
    if credit is not None:
        photo.credit = credit.strip()[:200]
    if alt_text is not None:
        photo.alt_text = " ".join(alt_text.split())[:1000]
    photo.save(update_fields=["caption", "credit", "alt_text"])
    return photo


# -- into the live blog -------------------------------------------------------------------------
def _md_text(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())[:limit]
    for char in "\\[]()*_`<>!#":
        text = text.replace(char, "\\" + char)
    return text


def do_post_slides_to_live(slideshow: Slideshow, *, actor, number=None, note: str = ""):
    """A live entry showing the deck (its first slide) or one slide, linked to the viewer.

    The entry is plain markdown (image + link) written through the live services, so it is
    checked, published and streamed like any other update.
    """
    from hubbub.live.services import do_create_entry

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
    lines.append(f"[![{_md_text(slide.alt)}]({slide.image_small.url})]({link})")
    lines.append(f"[{_md_text(heading)}]({link})")
    return do_create_entry(
        event=slideshow.event,
        author=actor,
        body="\n\n".join(lines),
        session_id=slideshow.session_id,
    )


def do_post_photo_to_live(photo: Photo, *, actor, note: str = ""):
    from hubbub.live.services import do_create_entry

    gallery = photo.gallery
    require_manage_media(actor, gallery.event)
    lines = [note.strip()] if note and note.strip() else []
    lines.append(f"[![{_md_text(photo.alt)}]({photo.image.url})]({gallery.get_absolute_url()})")
    if photo.caption or photo.credit:
        credit = _("Photo: %(credit)s") % {"credit": photo.credit} if photo.credit else ""
        lines.append(_md_text(" — ".join(x for x in (photo.caption, credit) if x), 600))
    return do_create_entry(
        event=gallery.event,
        author=actor,
        body="\n\n".join(lines),
        session_id=gallery.session_id,
    )
