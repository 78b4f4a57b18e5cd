"""An archived event's slides and photos stay readable, and nobody can add or change them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hubbub.events.lifecycle import EventClosed
from hubbub.events.models import Event
from hubbub.live.models import LiveEntry
from hubbub.media.models import Gallery, Photo, Slideshow
from hubbub.media.services import galleries, slideshows

from .pdfs import make_pdf
from .test_views import gps_photo, make_deck

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def archived(event, reporter):
    """The event with a deck and a gallery of one photo, then archived."""
    deck = make_deck(event, reporter)
    gallery = galleries.do_create_gallery(event=event, actor=reporter, title="Day one")
    [photo] = galleries.do_add_photos(gallery, actor=reporter, files=[gps_photo()], caption="Hi")
    event.status = Event.Status.ARCHIVED
    event.save()
    deck.event = gallery.event = event
    photo.gallery = gallery
    return deck, gallery, photo


def test_every_media_write_is_refused_on_an_archive_and_changes_nothing(event, reporter, archived):
    deck, gallery, photo = archived
    writes = [
        lambda: slideshows.do_create_slideshow(
            event=event,
            actor=reporter,
            title="Late",
            upload=SimpleUploadedFile("late.pdf", make_pdf(["Late"])),
        ),
        lambda: slideshows.do_retry_slideshow(deck, actor=reporter),
        lambda: slideshows.do_update_slideshow(deck, actor=reporter, title="Renamed"),
        lambda: slideshows.do_update_alt_texts(deck, actor=reporter, alt_texts={1: "New"}),
        lambda: slideshows.do_post_slides_to_live(deck, actor=reporter, number=1),
        lambda: slideshows.do_delete_slideshow(deck, actor=reporter),
        lambda: galleries.do_create_gallery(event=event, actor=reporter, title="Late"),
        lambda: galleries.do_add_photos(gallery, actor=reporter, files=[gps_photo()]),
        lambda: galleries.do_update_photo(photo, actor=reporter, caption="Changed"),
        lambda: galleries.do_post_photo_to_live(photo, actor=reporter),
    ]
    for write in writes:
        with pytest.raises(EventClosed, match="archive"):
            write()
    assert list(Slideshow.objects.values_list("title", flat=True)) == ["Budgets"]
    assert list(Gallery.objects.values_list("title", flat=True)) == ["Day one"]
    assert list(Photo.objects.values_list("caption", flat=True)) == ["Hi"]
    assert not LiveEntry.objects.exists()


def test_the_media_pages_of_an_archive_read_but_offer_no_uploads(client, event, reporter, archived):
    deck, gallery, photo = archived
    client.force_login(reporter)
    index = client.get(f"/{event.slug}/slides/").content.decode()
    assert "This is an archive of the event." in index
    assert "Upload slides" not in index and "New photo gallery" not in index
    assert client.get(deck.get_absolute_url()).status_code == 200
    assert "Manage slides" not in client.get(deck.get_absolute_url()).content.decode()
    album = client.get(gallery.get_absolute_url())
    assert album.status_code == 200 and 'id="add-photos"' not in album.content.decode()
    assert photo.image.url in album.content.decode()


def test_a_photo_edit_sent_to_an_archive_comes_back_with_the_reason(
    client, event, reporter, archived
):
    _deck, gallery, photo = archived
    client.force_login(reporter)
    response = client.post(
        f"/{event.slug}/photos/{gallery.pk}/{photo.pk}/", {"caption": "Changed"}, follow=True
    )
    assert response.status_code == 200
    assert "it can no longer be changed" in response.content.decode()
    photo.refresh_from_db()
    assert photo.caption == "Hi"
    upload = client.get(f"/{event.slug}/slides/upload/", follow=True)
    assert "it can no longer be changed" in upload.content.decode()


def test_uploading_slides_to_an_archive_over_the_api_is_409(
    client, event, reporter, archived, token_for
):
    upload = SimpleUploadedFile("late.pdf", make_pdf(["Late"]))
    response = client.post(
        f"/api/v1/events/{event.slug}/slideshows",
        {"title": "Late", "file": upload},
        HTTP_AUTHORIZATION=f"Bearer {token_for(reporter)}",
    )
    assert response.status_code == 409
    assert "archive" in response.json()["detail"]
    assert not Slideshow.objects.filter(title="Late").exists()
