"""Images through the real upload paths: pixel limits, file counts, and metadata stripped."""

import io
import pathlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from hubbub.live.models import LiveEntry
from hubbub.media.models import Gallery, Photo, Slide, Slideshow
from hubbub.media.services import galleries, slideshows

from .images import (
    SECRETS,
    huge_jpeg,
    huge_png,
    jpeg_segments,
    linear_srgb_profile,
    metadata_png,
    phone_jpeg,
    png_chunks,
)
from .pdfs import make_pdf_with_picture

pytestmark = pytest.mark.django_db(transaction=True)

HUGE = {"png": huge_png, "jpeg": huge_jpeg}
# JFIF header, quantisation and Huffman tables, frame headers, restart interval: no metadata.
PLAIN_JPEG_SEGMENTS = {0xE0, 0xDB, 0xC4, 0xC0, 0xC1, 0xC2, 0xDD}
PLAIN_PNG_CHUNKS = {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"}


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root: pathlib.Path) -> list[pathlib.Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def upload(data: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def assert_no_metadata(data: bytes) -> None:
    for secret in SECRETS:
        assert secret not in data, secret
    if data.startswith(b"\xff\xd8"):
        assert set(jpeg_segments(data)) <= PLAIN_JPEG_SEGMENTS, [
            hex(m) for m in jpeg_segments(data)
        ]
    else:
        assert set(png_chunks(data)) <= PLAIN_PNG_CHUNKS, png_chunks(data)


# -- pixel limit --------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["png", "jpeg"])
def test_tiny_file_declaring_huge_dimensions_is_refused_by_the_gallery(
    client, event, reporter, media_root, kind
):
    data = HUGE[kind]()
    assert len(data) < 32 * 1024  # a small file…
    with Image.open(io.BytesIO(data)) as probe:
        assert probe.size == (13000, 13000)  # …that a decoder would believe
    client.force_login(reporter)

    response = client.post(
        f"/{event.slug}/photos/new/",
        {"title": "Photos", "photos": [upload(data, f"poster.{kind}")]},
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert f"poster.{kind}: The photo is 13000 × 13000 pixels" in html
    assert "the limit is 40 megapixels" in html
    assert 'id="photos-error"' in html
    assert not Gallery.objects.exists() and not Photo.objects.exists()
    assert stored_files(media_root) == []


def test_a_huge_last_photo_refuses_the_whole_upload(client, event, reporter, media_root):
    gallery = galleries.do_create_gallery(event=event, actor=reporter, title="G")
    client.force_login(reporter)

    response = client.post(
        f"/{event.slug}/photos/{gallery.pk}/add/",
        {"photos": [upload(phone_jpeg(), "fine.jpg"), upload(huge_png(), "poster.png")]},
    )

    assert response.status_code == 422
    assert "poster.png: The photo is 13000 × 13000 pixels" in response.content.decode()
    assert not Photo.objects.exists()
    assert stored_files(media_root) == []


def test_the_pixel_limit_is_a_setting(client, event, reporter, media_root, settings):
    settings.HUBBUB_IMAGE_MAX_PIXELS = 200 * 300
    client.force_login(reporter)
    photo = phone_jpeg(size=(300, 201))

    response = client.post(
        f"/{event.slug}/photos/new/", {"title": "Photos", "photos": [upload(photo, "a.jpg")]}
    )

    assert response.status_code == 422
    assert "300 × 201 pixels; the limit is 0.06 megapixels" in response.content.decode()
    settings.HUBBUB_IMAGE_MAX_PIXELS = 300 * 201
    response = client.post(
        f"/{event.slug}/photos/new/", {"title": "Photos", "photos": [upload(photo, "a.jpg")]}
    )
    assert response.status_code == 302


@pytest.mark.parametrize("kind", ["png", "jpeg"])
def test_live_console_refuses_a_huge_dimension_photo_on_its_field(
    client, event, reporter, media_root, kind
):
    client.force_login(reporter)

    response = client.post(
        f"/{event.slug}/live/write",
        {"body": "The room", "kind": "update", "image": upload(HUGE[kind](), f"room.{kind}")},
    )

    assert response.status_code == 200  # the console shown again with the field's error
    html = response.content.decode()
    assert "The photo is 13000 × 13000 pixels; the limit is 40 megapixels." in html
    assert not LiveEntry.objects.exists()
    assert stored_files(media_root) == []


def test_too_many_photos_at_once_are_refused_with_a_clear_error(
    client, event, reporter, media_root, settings
):
    settings.HUBBUB_MAX_PHOTOS_PER_UPLOAD = 2
    client.force_login(reporter)
    photos = [upload(phone_jpeg(size=(60, 40)), f"{n}.jpg") for n in range(3)]

    response = client.post(f"/{event.slug}/photos/new/", {"title": "Photos", "photos": photos})

    assert response.status_code == 422
    assert "Upload at most 2 photos at once." in response.content.decode()
    assert not Gallery.objects.exists() and stored_files(media_root) == []
    assert "Choose up to 2 at once." in client.get(f"/{event.slug}/photos/new/").content.decode()


def test_a_slide_holding_a_huge_picture_fails_with_a_reason(
    event, reporter, django_capture_on_commit_callbacks
):
    pdf = make_pdf_with_picture(huge_jpeg())
    with django_capture_on_commit_callbacks(execute=True):
        deck = slideshows.do_create_slideshow(
            event=event, actor=reporter, title="Posters", upload=upload(pdf, "posters.pdf")
        )

    deck.refresh_from_db()
    assert deck.status == Slideshow.Status.FAILED
    assert "Slide 1 holds a picture of 13000 × 13000 pixels" in deck.error
    assert not Slide.objects.exists()


# -- metadata -----------------------------------------------------------------------------------
def test_gallery_photos_and_thumbnails_keep_no_metadata(client, event, reporter, media_root):
    client.force_login(reporter)
    icc = linear_srgb_profile()
    jpeg, png = phone_jpeg(icc=icc), metadata_png(icc=icc)
    for secret in SECRETS:  # the fixtures carry every kind of metadata
        assert secret in jpeg, secret
    assert {b"tEXt", b"zTXt", b"eXIf", b"iCCP"} <= set(png_chunks(png))

    response = client.post(
        f"/{event.slug}/photos/new/",
        {"title": "Photos", "photos": [upload(jpeg, "phone.jpg"), upload(png, "badge.png")]},
    )

    assert response.status_code == 302
    photos = list(Photo.objects.order_by("pk"))
    assert len(photos) == 2
    files = stored_files(media_root)
    assert len(files) == 4  # each photo and its thumbnail, nothing else
    for path in files:
        assert_no_metadata(path.read_bytes())
    # The colour profile was applied, not just dropped: linear mid-grey is sRGB 188.
    with Image.open(photos[0].image.path) as stored:
        assert stored.size == (400, 600)  # EXIF orientation applied before it went
        assert all(abs(channel - 188) <= 3 for channel in stored.getpixel((200, 300)))


def test_live_entry_photo_keeps_no_metadata(client, event, reporter, media_root):
    client.force_login(reporter)

    response = client.post(
        f"/{event.slug}/live/write",
        {"body": "The room", "kind": "update", "image": upload(phone_jpeg(), "room.jpg")},
    )

    assert response.status_code == 302
    entry = LiveEntry.objects.get()
    data = pathlib.Path(entry.image.path).read_bytes()
    assert_no_metadata(data)
    assert [path.name for path in stored_files(media_root)] == [pathlib.Path(entry.image.name).name]


def test_a_gallery_photo_posted_live_is_the_clean_copy(client, event, reporter, media_root):
    gallery = galleries.do_create_gallery(event=event, actor=reporter, title="G")
    [photo] = galleries.do_add_photos(
        gallery, actor=reporter, files=[upload(phone_jpeg(), "phone.jpg")]
    )
    client.force_login(reporter)

    client.post(f"/{event.slug}/photos/{gallery.pk}/{photo.pk}/live/")

    entry = LiveEntry.objects.get()
    assert photo.image.url in entry.body_html
    assert_no_metadata(pathlib.Path(photo.image.path).read_bytes())
