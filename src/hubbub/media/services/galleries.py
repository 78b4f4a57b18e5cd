"""Photo galleries: photos from phones, cleaned by ``core.images`` (metadata gone, pixels
bounded) before any is stored, and photos posted into the live blog."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import Http404
from django.utils.translation import gettext as _

from hubbub.core.audit import log_action
from hubbub.core.images import CleanImage, check_image_header, clean_photo
from hubbub.events.models import Event
from hubbub.live.services import do_create_entry

from ..models import Gallery, Photo
from .access import check_session, check_title, markdown_text, require_manage_media

PHOTO_THUMB_EDGE = 400


# -- reads --------------------------------------------------------------------------------------
def galleries_for(event: Event):
    return (
        Gallery.objects.filter(event=event)
        .select_related("event", "session")
        .annotate(photo_count=Count("photos"))
    )


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


# -- checks -------------------------------------------------------------------------------------
def _named(upload, exc: ValidationError) -> ValidationError:
    name = getattr(upload, "name", "") or _("a photo")
    message = " ".join(exc.message_dict.get("photos", exc.messages))
    return ValidationError({"photos": f"{name}: {message}"})


def check_photo_headers(files) -> None:
    """How many files, and each one's type, bytes and pixels from its header: nothing decoded."""
    if not files:
        raise ValidationError({"photos": _("Choose one or more photos.")})
    if len(files) > settings.HUBBUB_MAX_PHOTOS_PER_UPLOAD:
        raise ValidationError(
            {"photos": _("Upload at most %(n)s photos at once.")
             % {"n": settings.HUBBUB_MAX_PHOTOS_PER_UPLOAD}}
        )  # fmt: skip
    for upload in files:
        try:
            check_image_header(upload, field="photos")
        except ValidationError as exc:
            raise _named(upload, exc) from None


def check_photo_files(files) -> list[CleanImage]:
    """Every file cleaned (metadata gone, orientation applied) before any is stored.

    All the headers are checked first, so a bad last file is refused before any work on the
    others; then each file is decoded in turn, and only its small re-encoded copies are kept
    while the next one is decoded.
    """
    check_photo_headers(files)
    cleaned = []
    for upload in files:
        try:
            cleaned.append(clean_photo(upload, field="photos", thumbnail_edge=PHOTO_THUMB_EDGE))
        except ValidationError as exc:
            raise _named(upload, exc) from None
    return cleaned


# -- writes -------------------------------------------------------------------------------------
def do_create_gallery(
    *, event: Event, actor, title, session_id=None, files=None, caption="", credit=""
) -> Gallery:
    """A gallery, with ``files`` as its first photos when given: all of it, or nothing."""
    require_manage_media(actor, event)
    errors = {}
    values = {}
    for field, check in (
        ("title", lambda: check_title(title)),
        ("session", lambda: check_session(event, session_id)),
        ("headers", lambda: check_photo_headers(files) if files is not None else None),
    ):
        try:
            values[field] = check()
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    # Decoded only once everything cheap to check has passed.
    cleaned = check_photo_files(files) if files is not None else []
    gallery = Gallery(
        event=event, title=values["title"], session=values["session"], created_by=actor
    )
    with transaction.atomic():
        gallery.save()
        log_action(
            "hubbub.gallery.created",
            actor=actor,
            event=event,
            target=gallery,
            data={"title": gallery.title},
        )
        if cleaned:
            _store_photos(gallery, cleaned, actor=actor, caption=caption, credit=credit)
    return gallery


def do_add_photos(gallery: Gallery, *, actor, files, caption="", credit="") -> list[Photo]:
    require_manage_media(actor, gallery.event)
    cleaned = check_photo_files(files)
    with transaction.atomic():
        return _store_photos(gallery, cleaned, actor=actor, caption=caption, credit=credit)


def _store_photos(gallery: Gallery, cleaned: list[CleanImage], *, actor, caption, credit):
    caption = (caption or "").strip()[:500]
    credit = (credit or "").strip()[:200]
    photos = []
    for clean in cleaned:
        photo = Photo(gallery=gallery, caption=caption, credit=credit, uploaded_by=actor)
        photo.image.save(clean.file.name, clean.file, save=False)
        photo.thumbnail.save(clean.thumbnail.name, clean.thumbnail, save=False)
        photo.width, photo.height = clean.width, clean.height
        photo.save()
        photos.append(photo)
    log_action(
        "hubbub.gallery.photos_added",
        actor=actor,
        event=gallery.event,
        target=gallery,
        data={"title": gallery.title},
    )
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
def do_post_photo_to_live(photo: Photo, *, actor, note: str = ""):
    gallery = photo.gallery
    require_manage_media(actor, gallery.event)
    lines = [note.strip()] if note and note.strip() else []
    lines.append(
        f"[![{markdown_text(photo.alt)}]({photo.image.url})]({gallery.get_absolute_url()})"
    )
    if photo.caption or photo.credit:
        credit = _("Photo: %(credit)s") % {"credit": photo.credit} if photo.credit else ""
        lines.append(markdown_text(" — ".join(x for x in (photo.caption, credit) if x), 600))
    return do_create_entry(
        event=gallery.event,
        author=actor,
        body="\n\n".join(lines),
        session_id=gallery.session_id,
    )
