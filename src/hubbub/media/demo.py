"""The demo conference's slides and photos: two decks made as PDFs here and rendered to slide
images as any upload is, and a gallery of drawn pictures. Each is labelled as demo data."""

from datetime import datetime

from django.contrib.auth import get_user_model

from hubbub.core.demo_images import demo_pdf, demo_photo
from hubbub.events.demo import LONDON
from hubbub.events.models import Session, Speaker

from .models import Gallery, Photo, Slideshow
from .services.galleries import do_create_gallery, do_update_photo
from .services.rendering import do_render_slideshow
from .services.slideshows import do_create_slideshow, do_update_alt_texts

DEMO_EVENT = "all-change-2011"

# (title, session title, speaker, [(slide heading, slide line)])
DEMO_DECKS = [
    (
        "Leading when everything changes (demo slides)",
        "Leading when everything changes",
        "Dr Amara Okafor",
        [
            ("Leading when everything changes", "Dr Amara Okafor (demo speaker)"),
            ("Change is the job", "Not a project with an end date"),
            ("Three horizons", "Keep the lights on, fix, reinvent"),
            ("Redesign, do not just cut", "Start from what residents need"),
            ("On Monday", "One thing each of us will stop doing"),
        ],
    ),
    (
        "Digital by default (demo slides)",
        "Workshop: digital by default",
        "Tom Ashworth",
        [
            ("Digital by default", "Tom Ashworth (demo speaker)"),
            ("Start with the need", "Not with the website"),
            ("Assisted digital", "Nobody left behind"),
        ],
    ),
]

DEMO_PHOTOS = [
    "Registration in the atrium",
    "The Main Hall before the keynote",
    "Leaders' think-tank in the Boardroom",
    "The supplier marketplace at lunch",
    "Pitching unconference topics",
    "Unconference round one",
    "Closing session",
]
# Put up the Monday after the conference.
DEMO_UPLOADED = datetime(2011, 12, 12, 9, 30, tzinfo=LONDON)


def load_demo_media(demo) -> None:
    event = demo.events[DEMO_EVENT]
    editor = get_user_model().objects.get(username="editor")
    if not Slideshow.objects.filter(event=event).exists():
        for number, (title, session_title, speaker_name, pages) in enumerate(DEMO_DECKS):
            session = Session.objects.filter(event=event, title=session_title).first()
            speaker = Speaker.objects.filter(event=event, name=speaker_name).first()
            slideshow = do_create_slideshow(
                event=event,
                actor=editor,
                title=title,
                upload=demo_pdf(pages, seed=10 * number),
                session_id=session.pk if session else None,
                speaker_id=speaker.pk if speaker else None,
                allow_download=True,
            )
            # Rendered now, so the demo shows slides before any worker runs; the queued job
            # then finds it done.
            do_render_slideshow(slideshow.pk)
            Slideshow.objects.filter(pk=slideshow.pk).update(created_at=DEMO_UPLOADED)
            slideshow.refresh_from_db()
            do_update_alt_texts(
                slideshow,
                actor=editor,
                alt_texts={
                    slide.number: f"{heading}: {line}."
                    for slide, (heading, line) in zip(
                        slideshow.slides.order_by("number"), pages, strict=False
                    )
                },
            )
    if not Gallery.objects.filter(event=event).exists():
        files = [demo_photo(300 + n, caption) for n, caption in enumerate(DEMO_PHOTOS)]
        gallery = do_create_gallery(
            event=event,
            actor=editor,
            title="Photos from the day (demo pictures)",
            files=files,
            credit="Demo photographer",
        )
        photos = list(Photo.objects.filter(gallery=gallery).order_by("id"))
        for photo, caption in zip(photos, DEMO_PHOTOS, strict=False):
            do_update_photo(
                photo,
                actor=editor,
                caption=caption,
                alt_text=f"{caption} (a drawn demo picture of coloured shapes)",
            )
        Photo.objects.filter(gallery=gallery).update(created_at=DEMO_UPLOADED)
        Gallery.objects.filter(pk=gallery.pk).update(created_at=DEMO_UPLOADED)
