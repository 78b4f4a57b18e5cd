import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from hubbub.live.models import LiveEntry
from hubbub.media.models import Gallery, Photo, Slideshow
from hubbub.media.services import galleries, slideshows

from ..factories import SessionFactory, SpeakerFactory
from .pdfs import make_pdf

pytestmark = pytest.mark.django_db(transaction=True)


def gps_photo(name="phone.jpg", size=(600, 400)) -> SimpleUploadedFile:
    """A phone photo taken on its side, with its GPS position in EXIF."""
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° to display
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}
    out = io.BytesIO()
    Image.new("RGB", size, "teal").save(out, "JPEG", exif=exif)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def make_deck(event, actor, texts=("Welcome", "Budgets for 2031", "Thank you"), **kwargs):
    upload = SimpleUploadedFile("deck.pdf", make_pdf(list(texts)))
    deck = slideshows.do_create_slideshow(
        event=event, actor=actor, title=kwargs.pop("title", "Budgets"), upload=upload, **kwargs
    )
    deck.refresh_from_db()
    return deck


def test_viewer_lists_every_slide_with_alt_text_and_the_deck_text(client, event, reporter):
    deck = make_deck(event, reporter, allow_download=False)
    response = client.get(deck.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    for number in (1, 2, 3):
        assert f'id="slide-{number}"' in html
        assert f'href="#slide-{number}"' in html
    assert 'alt="Budgets for 2031"' in html
    assert "Text of the slides" in html
    assert "Download the original" not in html
    assert "style=" not in html and "<script>" not in html
    assert 'type="module"' in html
    assert client.get(f"/{event.slug}/slides/{deck.pk}/download/").status_code == 404


def test_download_of_the_original_when_allowed(client, event, reporter):
    deck = make_deck(event, reporter, allow_download=True)
    html = client.get(deck.get_absolute_url()).content.decode()
    assert "Download the original (PDF)" in html
    response = client.get(f"/{event.slug}/slides/{deck.pk}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert "attachment" in response["Content-Disposition"]


def test_unfinished_deck_is_not_shown_to_readers(client, event, reporter, monkeypatch):
    monkeypatch.setattr(slideshows, "_enqueue_render", lambda slideshow_id: None)
    deck = make_deck(event, reporter)
    assert client.get(deck.get_absolute_url()).status_code == 404
    index = client.get(f"/{event.slug}/slides/").content.decode()
    assert "Budgets" not in index
    client.force_login(reporter)
    response = client.get(deck.get_absolute_url())
    assert response.status_code == 302 and response.url.endswith("/manage/")
    assert "Waiting to be rendered" in client.get(response.url).content.decode()


def test_session_page_lists_its_decks(client, event, reporter):
    session = SessionFactory(event=event)
    speaker = SpeakerFactory(event=event)
    make_deck(event, reporter, title="Deck for the session", session_id=session.pk,
              speaker_id=speaker.pk)  # fmt: skip
    html = client.get(session.get_absolute_url()).content.decode()
    assert "Deck for the session" in html and speaker.name in html


def test_index_query_count_does_not_grow_with_decks(client, event, reporter):
    make_deck(event, reporter, texts=["a"])
    galleries.do_create_gallery(event=event, actor=reporter, title="G0")
    with CaptureQueriesContext(connection) as one:
        client.get(f"/{event.slug}/slides/")
    for n in range(3):
        make_deck(event, reporter, texts=["a", "b"], title=f"Deck {n}")
        galleries.do_create_gallery(event=event, actor=reporter, title=f"G{n + 1}")
    with CaptureQueriesContext(connection) as four:
        html = client.get(f"/{event.slug}/slides/").content.decode()
    assert "Deck 2" in html
    assert len(four) == len(one)


def test_upload_form_stores_and_renders(client, event, reporter):
    client.force_login(reporter)
    assert client.get(f"/{event.slug}/slides/upload/").status_code == 200
    response = client.post(
        f"/{event.slug}/slides/upload/",
        {"title": "From the form", "file": SimpleUploadedFile("a.pdf", make_pdf(["Hi"]))},
    )
    deck = Slideshow.objects.get()
    assert response.status_code == 302 and deck.status == Slideshow.Status.READY


def test_upload_form_shows_field_errors(client, event, reporter):
    client.force_login(reporter)
    response = client.post(
        f"/{event.slug}/slides/upload/",
        {"title": "", "file": SimpleUploadedFile("a.pdf", b"nope")},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Give it a title." in html and "PDF, PowerPoint" in html


def test_upload_form_still_checks_csrf(event, reporter):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(reporter)
    response = client.post(f"/{event.slug}/slides/upload/", {"title": "x"})
    assert response.status_code == 403


def test_readers_cannot_reach_the_team_pages(client, event, moderator):
    client.force_login(moderator)
    assert client.get(f"/{event.slug}/slides/upload/").status_code == 403
    assert client.get(f"/{event.slug}/photos/new/").status_code == 403


def test_manage_page_edits_alt_text_and_posts_a_slide_live(client, event, reporter):
    deck = make_deck(event, reporter)
    client.force_login(reporter)
    manage = f"/{event.slug}/slides/{deck.pk}/manage/"
    assert 'for="alt-2"' in client.get(manage).content.decode()
    client.post(
        manage, {"action": "alt", "title": "Budgets", "alt-2": "A chart of spending by year"}
    )
    assert (
        'alt="A chart of spending by year"' in client.get(deck.get_absolute_url()).content.decode()
    )
    client.post(manage, {"action": "live", "number": "2", "note": ""})
    entry = LiveEntry.objects.get()
    assert "A chart of spending by year" in entry.body_html


def test_gallery_photos_lose_gps_and_are_turned_upright(client, event, reporter):
    session = SessionFactory(event=event)
    client.force_login(reporter)
    response = client.post(
        f"/{event.slug}/photos/new/",
        {
            "title": "Workshop photos",
            "session_id": session.pk,
            "caption": "The break-out room",
            "credit": "Sam Reporter",
            "photos": [gps_photo("a.jpg"), gps_photo("b.jpg")],
        },
    )
    assert response.status_code == 302
    gallery = Gallery.objects.get()
    assert gallery.session == session
    photos = list(gallery.photos.all())
    assert len(photos) == 2
    for photo in photos:
        with Image.open(photo.image.open("rb")) as image:
            assert not image.getexif()  # no GPS, no orientation tag: nothing at all
            assert image.size == (400, 600)  # orientation applied
        with Image.open(photo.thumbnail.open("rb")) as thumb:
            assert max(thumb.size) <= galleries.PHOTO_THUMB_EDGE
        assert (photo.width, photo.height) == (400, 600)
    html = client.get(gallery.get_absolute_url()).content.decode()
    assert "The break-out room" in html and "Photo: Sam Reporter" in html


def test_bad_photo_stores_nothing(client, event, reporter):
    client.force_login(reporter)
    response = client.post(
        f"/{event.slug}/photos/new/",
        {
            "title": "Photos",
            "photos": [gps_photo(), SimpleUploadedFile("notes.jpg", b"just text")],
        },
    )
    assert response.status_code == 422
    assert "notes.jpg" in response.content.decode()
    assert not Gallery.objects.exists() and not Photo.objects.exists()


def test_photo_over_the_limit_is_refused(client, event, reporter, settings):
    settings.HUBBUB_MAX_PHOTO_BYTES = 1000
    gallery = galleries.do_create_gallery(event=event, actor=reporter, title="G")
    client.force_login(reporter)
    response = client.post(
        f"/{event.slug}/photos/{gallery.pk}/add/", {"photos": [gps_photo(size=(1200, 900))]}
    )
    assert response.status_code == 422
    assert "larger than" in response.content.decode()


def test_a_photo_goes_into_a_live_entry(client, event, reporter):
    gallery = galleries.do_create_gallery(event=event, actor=reporter, title="G")
    [photo] = galleries.do_add_photos(
        gallery, actor=reporter, files=[gps_photo()], caption="Panel", credit="Ann"
    )
    client.force_login(reporter)
    response = client.post(f"/{event.slug}/photos/{gallery.pk}/{photo.pk}/live/")
    assert response.status_code == 302
    entry = LiveEntry.objects.get()
    assert photo.image.url in entry.body_html
    assert "Photo: Ann" in entry.body_html


def test_photo_description_caption_and_credit_can_be_edited(client, event, reporter, moderator):
    gallery = galleries.do_create_gallery(event=event, actor=reporter, title="G")
    [photo] = galleries.do_add_photos(gallery, actor=reporter, files=[gps_photo()])
    edit = f"/{event.slug}/photos/{gallery.pk}/{photo.pk}/"
    client.force_login(moderator)
    assert client.post(edit, {"alt_text": "x"}).status_code == 403
    client.force_login(reporter)
    response = client.post(
        edit, {"alt_text": "Two people at a flip chart", "caption": "Workshop", "credit": "Jo"}
    )
    assert response.status_code == 302
    html = client.get(gallery.get_absolute_url()).content.decode()
    assert 'alt="Two people at a flip chart"' in html and "Photo: Jo" in html
