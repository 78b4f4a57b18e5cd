from functools import partial, wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hubbub.core.eventviews import event_view, find_event, render_event
from hubbub.events.lifecycle import EventClosed, check_not_archived

from .models import Gallery, Photo, Slideshow
from .services import access, galleries, slideshows

# Pages of the slides and galleries, with their tab current.
_render = partial(render_event, section="media")


def _team_event(request, event):
    event = find_event(event, request.user)
    if not access.can_manage_media(request.user, event):
        raise PermissionDenied(_("Only the event's reporting team can add slides and photos."))
    check_not_archived(event)
    return event


def _closed_goes_to_index(view):
    """An archive takes no uploads or edits: say so on the media page instead of a 403."""

    @wraps(view)
    def wrapper(request, event, *args, **kwargs):
        try:
            return view(request, event, *args, **kwargs)
        except EventClosed as exc:
            messages.error(request, str(exc))
            return redirect("media:index", event=event)

    return wrapper


def _errors(exc: ValidationError) -> dict:
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}


@event_view(section="media")
def index(request, event):
    team = access.can_manage_media(request.user, event)
    context = {
        "slideshows": slideshows.public_slideshows(event),
        "galleries": galleries.galleries_for(event),
        "team": access.can_change_media(request.user, event),
        "in_progress": slideshows.unfinished_slideshows(event) if team else [],
    }
    return _render(request, event, "media/index.html", context)


@event_view(section="media")
def slideshow(request, event, slideshow_id):
    deck = slideshows.get_slideshow(event, slideshow_id, request.user)
    if not deck.is_ready:
        # The team reach unfinished decks; their page says how it is going.
        return redirect("media:manage", event=event.slug, slideshow_id=deck.pk)
    slides = list(deck.slides.all())
    context = {
        "slideshow": deck,
        "slides": slides,
        "team": access.can_change_media(request.user, event),
    }
    return _render(request, event, "media/slideshow.html", context)


@event_view(section="media")
def download(request, event, slideshow_id):
    deck = slideshows.get_slideshow(event, slideshow_id, request.user)
    if not deck.allow_download and not access.can_manage_media(request.user, event):
        raise Http404(_("The speaker has not made the original file available."))
    filename = f"{deck.pk}-{deck.title[:60]}.{deck.kind}".replace('"', "")
    return FileResponse(deck.source.open("rb"), as_attachment=True, filename=filename)


@login_required
@_closed_goes_to_index
def upload(request, event):
    event = _team_event(request, event)
    errors, values = {}, {}
    if request.method == "POST":
        values = request.POST
        try:
            deck = slideshows.do_create_slideshow(
                event=event,
                actor=request.user,
                title=request.POST.get("title"),
                upload=request.FILES.get("file"),
                session_id=request.POST.get("session_id"),
                speaker_id=request.POST.get("speaker_id"),
                allow_download=request.POST.get("allow_download") == "on",
            )
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Slides uploaded: they are being rendered now."))
            return redirect("media:manage", event=event.slug, slideshow_id=deck.pk)
    context = {
        "errors": errors,
        "values": values,
        "sessions": event.sessions.order_by("starts_at"),
        "speakers": event.speakers.order_by("name"),
        "max_size": access.megabytes(settings.HUBBUB_MAX_DECK_BYTES),
    }
    return _render(request, event, "media/upload.html", context, status=422 if errors else 200)


@login_required
@_closed_goes_to_index
def manage(request, event, slideshow_id):
    event = _team_event(request, event)
    deck = slideshows.get_slideshow(event, slideshow_id, request.user)
    errors = {}
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "retry":
                slideshows.do_retry_slideshow(deck, actor=request.user)
                messages.success(request, _("Rendering the slides again."))
            elif action == "alt":
                alt_texts = {
                    int(key[4:]): value
                    for key, value in request.POST.items()
                    if key.startswith("alt-") and key[4:].isdigit()
                }
                slideshows.do_update_alt_texts(deck, actor=request.user, alt_texts=alt_texts)
                slideshows.do_update_slideshow(
                    deck,
                    actor=request.user,
                    title=request.POST.get("title"),
                    allow_download=request.POST.get("allow_download") == "on",
                )
                messages.success(request, _("Saved."))
            elif action == "live":
                slideshows.do_post_slides_to_live(
                    deck,
                    actor=request.user,
                    number=request.POST.get("number"),
                    note=request.POST.get("note", ""),
                )
                messages.success(request, _("Posted to the live blog."))
            elif action == "delete":
                slideshows.do_delete_slideshow(deck, actor=request.user)
                messages.success(request, _("Slideshow deleted."))
                return redirect("media:index", event=event.slug)
            else:
                raise ValidationError({"action": _("Choose what to do.")})
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            return redirect("media:manage", event=event.slug, slideshow_id=deck.pk)
        deck = slideshows.get_slideshow(event, slideshow_id, request.user)
    context = {
        "slideshow": deck,
        "slides": list(deck.slides.all()),
        "errors": errors,
        "in_progress": deck.status in (Slideshow.Status.PENDING, Slideshow.Status.PROCESSING),
    }
    return _render(request, event, "media/manage.html", context, status=422 if errors else 200)


@event_view(section="media")
def gallery(request, event, gallery_id):
    album = galleries.get_gallery(event, gallery_id)
    context = {
        "gallery": album,
        "photos": list(album.photos.all()),
        "team": access.can_change_media(request.user, event),
        "errors": {},
        "max_photos": settings.HUBBUB_MAX_PHOTOS_PER_UPLOAD,
    }
    return _render(request, event, "media/gallery.html", context)


@login_required
@_closed_goes_to_index
def gallery_new(request, event):
    event = _team_event(request, event)
    errors, values = {}, {}
    if request.method == "POST":
        values = request.POST
        files = request.FILES.getlist("photos")
        try:
            album = galleries.do_create_gallery(
                event=event,
                actor=request.user,
                title=request.POST.get("title"),
                session_id=request.POST.get("session_id"),
                files=files,
                caption=request.POST.get("caption", ""),
                credit=request.POST.get("credit", ""),
            )
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            _say_added(request, len(files))
            return redirect(album.get_absolute_url())
    context = {
        "errors": errors,
        "values": values,
        "sessions": event.sessions.order_by("starts_at"),
        "max_size": access.megabytes(settings.HUBBUB_MAX_PHOTO_BYTES),
        "max_photos": settings.HUBBUB_MAX_PHOTOS_PER_UPLOAD,
    }
    return _render(request, event, "media/gallery_new.html", context, status=422 if errors else 200)


def _add_photos(request, album: Gallery):
    photos = galleries.do_add_photos(
        album,
        actor=request.user,
        files=request.FILES.getlist("photos"),
        caption=request.POST.get("caption", ""),
        credit=request.POST.get("credit", ""),
    )
    _say_added(request, len(photos))


def _say_added(request, count: int):
    messages.success(
        request,
        _("%(n)s photo(s) added; location data removed from each.") % {"n": count},
    )


@login_required
@_closed_goes_to_index
@require_POST
def gallery_add(request, event, gallery_id):
    event = _team_event(request, event)
    album = galleries.get_gallery(event, gallery_id)
    try:
        _add_photos(request, album)
    except ValidationError as exc:
        context = {
            "gallery": album,
            "photos": list(album.photos.all()),
            "team": True,
            "errors": _errors(exc),
            "max_photos": settings.HUBBUB_MAX_PHOTOS_PER_UPLOAD,
        }
        return _render(request, event, "media/gallery.html", context, status=422)
    return redirect(album.get_absolute_url())


def _team_photo(request, event, gallery_id, photo_id):
    event = _team_event(request, event)
    photo = (
        Photo.objects.select_related("gallery")
        .filter(gallery__event=event, gallery_id=gallery_id, pk=photo_id)
        .first()
    )
    if photo is None:
        raise Http404(_("No photo at this address."))
    photo.gallery.event = event
    return photo


@login_required
@_closed_goes_to_index
@require_POST
def photo_edit(request, event, gallery_id, photo_id):
    photo = _team_photo(request, event, gallery_id, photo_id)
    galleries.do_update_photo(
        photo,
        actor=request.user,
        caption=request.POST.get("caption", ""),
        credit=request.POST.get("credit", ""),
        alt_text=request.POST.get("alt_text", ""),
    )
    messages.success(request, _("Photo details saved."))
    return redirect(f"{photo.gallery.get_absolute_url()}#photo-{photo.pk}")


@login_required
@_closed_goes_to_index
@require_POST
def photo_live(request, event, gallery_id, photo_id):
    photo = _team_photo(request, event, gallery_id, photo_id)
    galleries.do_post_photo_to_live(photo, actor=request.user, note=request.POST.get("note", ""))
    messages.success(request, _("Posted to the live blog."))
    return redirect(photo.gallery.get_absolute_url())
