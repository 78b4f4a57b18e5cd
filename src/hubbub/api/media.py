"""Slideshows over the API: upload (multipart), status while rendering, slides when ready."""

from ninja import Router, Schema
from ninja.responses import Status

from hubbub.core.validators import refuse_nul
from hubbub.events.services import get_public_event
from hubbub.media.models import Slideshow
from hubbub.media.services import access, slideshows

from .auth import OptionalTokenAuth, TokenAuth
from .errors import errors
from .params import EventSlug

router = Router(tags=["slideshows"])


class SlideOut(Schema):
    number: int
    image_url: str
    small_image_url: str
    thumbnail_url: str
    text: str
    alt: str


class SlideshowOut(Schema):
    id: int
    title: str
    status: str
    error: str | None = None
    url: str
    session_id: int | None = None
    speaker_id: int | None = None
    slides: list[SlideOut] = []


class SlideshowList(Schema):
    slideshows: list[SlideshowOut]


def slideshow_data(request, deck: Slideshow, *, with_slides: bool = True) -> dict:
    absolute = request.build_absolute_uri
    slides = []
    if with_slides and deck.is_ready:
        slides = [
            {
                "number": s.number,
                "image_url": absolute(s.image.url),
                "small_image_url": absolute(s.image_small.url),
                "thumbnail_url": absolute(s.thumbnail.url),
                "text": s.text,
                "alt": s.alt,
            }
            for s in deck.slides.all()
        ]
    return {
        "id": deck.pk,
        "title": deck.title,
        "status": deck.status,
        "error": deck.error if deck.status == Slideshow.Status.FAILED else None,
        "url": absolute(deck.get_absolute_url()),
        "session_id": deck.session_id,
        "speaker_id": deck.speaker_id,
        "slides": slides,
    }


@router.post(
    "/{event}/slideshows",
    response={201: SlideshowOut, 202: SlideshowOut, **errors(401, 403, 404, 409, 413, 422)},
    auth=TokenAuth(),
    summary="Upload slides (multipart: title, file; optional session_id, speaker_id, "
    "allow_download): 201 when already rendered, 202 while rendering",
    # Declared by hand: the handler reads the form itself, after the size check.
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["title", "file"],
                        "properties": {
                            "title": {"type": "string", "minLength": 1, "maxLength": 200},
                            "file": {"type": "string", "format": "binary"},
                            "session_id": {"type": "integer"},
                            "speaker_id": {"type": "integer"},
                            "allow_download": {"type": "boolean"},
                        },
                    }
                }
            },
        }
    },
)
def create_slideshow(request, event: EventSlug):
    # The request's size was checked as it arrived (hubbub.core.asgi_limits).
    event_obj = get_public_event(event, request.user)
    access.require_manage_media(request.user, event_obj)
    refuse_nul(**{name: request.POST.get(name) for name in request.POST})
    deck = slideshows.do_create_slideshow(
        event=event_obj,
        actor=request.user,
        title=request.POST.get("title"),
        upload=request.FILES.get("file"),
        session_id=request.POST.get("session_id"),
        speaker_id=request.POST.get("speaker_id"),
        allow_download=request.POST.get("allow_download") in {"1", "true", "on"},
    )
    deck = slideshows.get_slideshow(event_obj, deck.pk, request.user)
    return Status(201 if deck.is_ready else 202, slideshow_data(request, deck))


@router.get(
    "/{event}/slideshows",
    response={200: SlideshowList, **errors(401, 404, 422)},
    auth=OptionalTokenAuth(),
)
def list_slideshows(request, event: EventSlug):
    """Ready slideshows; the event's team also sees pending, processing and failed ones."""
    event_obj = get_public_event(event, request.user)
    decks = slideshows.slideshows_for(request.user, event_obj).select_related("event")
    return {"slideshows": [slideshow_data(request, d, with_slides=False) for d in decks]}


@router.get(
    "/{event}/slideshows/{slideshow_id}",
    response={200: SlideshowOut, **errors(401, 404, 422)},
    auth=OptionalTokenAuth(),
)
def get_slideshow(request, event: EventSlug, slideshow_id: int):
    event_obj = get_public_event(event, request.user)
    return slideshow_data(request, slideshows.get_slideshow(event_obj, slideshow_id, request.user))


@router.post(
    "/{event}/slideshows/{slideshow_id}/retry",
    response={202: SlideshowOut, **errors(401, 403, 404, 409, 422)},
    auth=TokenAuth(),
    summary="Render a failed slideshow again",
)
def retry_slideshow(request, event: EventSlug, slideshow_id: int):
    event_obj = get_public_event(event, request.user)
    deck = slideshows.get_slideshow(event_obj, slideshow_id, request.user)
    slideshows.do_retry_slideshow(deck, actor=request.user)
    return Status(
        202, slideshow_data(request, slideshows.get_slideshow(event_obj, deck.pk, request.user))
    )
