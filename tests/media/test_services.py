import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from hubbub.core import permissions
from hubbub.core.permissions import Action, Role
from hubbub.live.models import LiveEntry
from hubbub.media.models import Slide, Slideshow
from hubbub.media.services import galleries, rendering, slideshows

from ..factories import SessionFactory, SpeakerFactory, UserFactory
from .pdfs import CORRUPT_PDF, make_encrypted_pdf

pytestmark = pytest.mark.django_db


def upload_deck(event, actor, upload, capture, **kwargs):
    with capture(execute=True):
        deck = slideshows.do_create_slideshow(
            event=event, actor=actor, title=kwargs.pop("title", "Budgets"), upload=upload, **kwargs
        )
    deck.refresh_from_db()
    return deck


def test_pdf_renders_slides_with_text_and_three_sizes(
    event, reporter, pdf_upload, django_capture_on_commit_callbacks
):
    session = SessionFactory(event=event)
    speaker = SpeakerFactory(event=event)
    deck = upload_deck(
        event,
        reporter,
        pdf_upload(),
        django_capture_on_commit_callbacks,
        session_id=session.pk,
        speaker_id=speaker.pk,
    )
    assert deck.status == Slideshow.Status.READY
    assert deck.session == session and deck.speaker == speaker
    slides = list(deck.slides.all())
    assert [s.number for s in slides] == [1, 2, 3]
    assert slides[1].text == "Budgets for 2031"
    assert slides[1].alt == "Budgets for 2031"
    assert "Thank you" in deck.text
    first = slides[0]
    assert max(first.width, first.height) == rendering.LARGE_EDGE
    from PIL import Image

    with Image.open(first.image_small.open("rb")) as small:
        assert max(small.size) == rendering.SMALL_EDGE
    with Image.open(first.thumbnail.open("rb")) as thumb:
        assert max(thumb.size) == rendering.THUMB_EDGE


def test_type_is_decided_by_content_not_name(event, reporter, pdf_upload):
    fake = SimpleUploadedFile("slides.pdf", b"GIF89a not a pdf at all")
    with pytest.raises(ValidationError) as caught:
        slideshows.do_create_slideshow(event=event, actor=reporter, title="X", upload=fake)
    assert "file" in caught.value.message_dict
    assert not Slideshow.objects.exists()
    # A real PDF with a misleading name is still a PDF.
    assert slideshows.sniff_deck(pdf_upload(name="holiday.jpg")) == Slideshow.Kind.PDF


def _zip(entries: dict) -> SimpleUploadedFile:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return SimpleUploadedFile("deck.bin", out.getvalue())


def test_pptx_and_odp_are_recognised_from_the_zip_contents():
    pptx = _zip(
        {
            "[Content_Types].xml": '<Types><Override ContentType="'
            + slideshows.PPTX_CONTENT_TYPE
            + '.main+xml"/></Types>'
        }
    )
    odp = _zip({"mimetype": slideshows.ODP_MIMETYPE.decode(), "content.xml": "<x/>"})
    docx = _zip({"[Content_Types].xml": "<Types>wordprocessingml</Types>"})
    assert slideshows.sniff_deck(pptx) == Slideshow.Kind.PPTX
    assert slideshows.sniff_deck(odp) == Slideshow.Kind.ODP
    with pytest.raises(ValidationError):
        slideshows.sniff_deck(docx)


def test_pptx_without_libreoffice_fails_with_a_clear_reason(
    event, reporter, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(rendering.shutil, "which", lambda name: None)
    odp = _zip({"mimetype": slideshows.ODP_MIMETYPE.decode()})
    deck = upload_deck(event, reporter, odp, django_capture_on_commit_callbacks)
    assert deck.status == Slideshow.Status.FAILED
    assert "LibreOffice" in deck.error and "PDF" in deck.error


def test_corrupt_pdf_fails_with_a_reason_and_no_slides(
    event, reporter, pdf_upload, django_capture_on_commit_callbacks
):
    deck = upload_deck(
        event, reporter, pdf_upload(content=CORRUPT_PDF), django_capture_on_commit_callbacks
    )
    assert deck.status == Slideshow.Status.FAILED
    assert "damaged" in deck.error
    assert not Slide.objects.exists()
    assert not slideshows.public_slideshows(event).exists()


def test_password_protected_pdf_fails_saying_so(
    event, reporter, pdf_upload, django_capture_on_commit_callbacks
):
    deck = upload_deck(
        event,
        reporter,
        pdf_upload(content=make_encrypted_pdf()),
        django_capture_on_commit_callbacks,
    )
    assert deck.status == Slideshow.Status.FAILED
    assert "password" in deck.error


def test_too_many_pages_fails(
    event, reporter, pdf_upload, settings, django_capture_on_commit_callbacks
):
    settings.HUBBUB_MAX_SLIDES = 2
    deck = upload_deck(event, reporter, pdf_upload(), django_capture_on_commit_callbacks)
    assert deck.status == Slideshow.Status.FAILED
    assert "limit is 2" in deck.error
    assert not Slide.objects.exists()


def test_a_failed_job_can_be_retried(
    event, reporter, pdf_upload, settings, django_capture_on_commit_callbacks
):
    settings.HUBBUB_MAX_SLIDES = 2
    deck = upload_deck(event, reporter, pdf_upload(), django_capture_on_commit_callbacks)
    assert deck.status == Slideshow.Status.FAILED
    settings.HUBBUB_MAX_SLIDES = 500
    with django_capture_on_commit_callbacks(execute=True):
        slideshows.do_retry_slideshow(deck, actor=reporter)
    deck.refresh_from_db()
    assert deck.status == Slideshow.Status.READY and deck.error == ""
    assert deck.slides.count() == 3
    with pytest.raises(ValidationError):
        slideshows.do_retry_slideshow(deck, actor=reporter)


def test_rendering_twice_does_nothing_the_second_time(
    event, reporter, pdf_upload, django_capture_on_commit_callbacks
):
    deck = upload_deck(event, reporter, pdf_upload(), django_capture_on_commit_callbacks)
    assert rendering.do_render_slideshow(deck.pk) == Slideshow.Status.READY
    assert deck.slides.count() == 3


def test_pending_slideshows_are_hidden_from_readers(event, reporter, pdf_upload):
    # Without running on-commit callbacks, the job never ran: the deck is pending.
    deck = slideshows.do_create_slideshow(
        event=event, actor=reporter, title="Later", upload=pdf_upload()
    )
    assert deck.status == Slideshow.Status.PENDING
    assert not slideshows.public_slideshows(event).exists()
    with pytest.raises(Exception, match="No slideshow"):
        slideshows.get_slideshow(event, deck.pk, UserFactory())
    assert slideshows.get_slideshow(event, deck.pk, reporter) == deck


def test_only_the_reporting_team_may_upload(event, moderator, other_event, pdf_upload):
    for user in (moderator, UserFactory()):
        with pytest.raises(PermissionDenied):
            slideshows.do_create_slideshow(event=event, actor=user, title="X", upload=pdf_upload())


def test_media_rights_follow_media_manage_not_live_posting(
    client, event, reporter, pdf_upload, monkeypatch
):
    # A role that may post live updates but not manage media (as a site could configure).
    without_media = permissions.ROLE_ACTIONS[Role.REPORTER] - {Action.MANAGE_MEDIA}
    monkeypatch.setitem(permissions.ROLE_ACTIONS, Role.REPORTER, without_media)
    assert permissions.policy.can(reporter, Action.POST_ENTRY, event)
    with pytest.raises(PermissionDenied):
        slideshows.do_create_slideshow(event=event, actor=reporter, title="X", upload=pdf_upload())
    with pytest.raises(PermissionDenied):
        galleries.do_create_gallery(event=event, actor=reporter, title="Photos")
    client.force_login(reporter)
    assert client.get(f"/{event.slug}/slides/upload/").status_code == 403
    assert client.get(f"/{event.slug}/photos/new/").status_code == 403
    assert not Slideshow.objects.exists()


def test_reporter_on_another_event_may_not_upload(other_event, reporter, pdf_upload):
    with pytest.raises(PermissionDenied):
        slideshows.do_create_slideshow(
            event=other_event, actor=reporter, title="X", upload=pdf_upload()
        )


def test_session_of_another_event_is_refused(event, other_event, reporter, pdf_upload):
    elsewhere = SessionFactory(event=other_event)
    with pytest.raises(ValidationError) as caught:
        slideshows.do_create_slideshow(
            event=event, actor=reporter, title="", upload=pdf_upload(), session_id=elsewhere.pk
        )
    assert set(caught.value.message_dict) == {"title", "session_id"}


def test_edited_alt_text_replaces_the_slide_text(
    event, reporter, pdf_upload, django_capture_on_commit_callbacks
):
    deck = upload_deck(event, reporter, pdf_upload(), django_capture_on_commit_callbacks)
    slideshows.do_update_alt_texts(
        deck, actor=reporter, alt_texts={2: "Bar chart: spending rises", 3: "Thank you"}
    )
    slides = {s.number: s for s in deck.slides.all()}
    assert slides[2].alt == "Bar chart: spending rises"
    assert slides[3].alt_text == ""  # unchanged default stays empty


def test_a_slide_goes_into_a_live_entry(
    event, reporter, pdf_upload, django_capture_on_commit_callbacks
):
    session = SessionFactory(event=event)
    deck = upload_deck(
        event, reporter, pdf_upload(), django_capture_on_commit_callbacks, session_id=session.pk
    )
    with django_capture_on_commit_callbacks(execute=True):
        entry = slideshows.do_post_slides_to_live(deck, actor=reporter, number=2, note="Key point")
    assert entry.status == LiveEntry.Status.PUBLISHED and entry.session == session
    assert "#slide-2" in entry.body_html
    assert 'alt="Budgets for 2031"' in entry.body_html
    assert "Key point" in entry.body_html
    whole = slideshows.do_post_slides_to_live(deck, actor=reporter)
    assert "Slides: Budgets" in whole.body_html
    with pytest.raises(ValidationError):
        slideshows.do_post_slides_to_live(deck, actor=reporter, number=9)


def test_slide_text_is_searchable_once_ready(
    event, reporter, pdf_upload, django_capture_on_commit_callbacks
):
    pending = slideshows.do_create_slideshow(
        event=event, actor=reporter, title="Pending deck", upload=pdf_upload()
    )
    deck = upload_deck(event, reporter, pdf_upload(), django_capture_on_commit_callbacks)
    assert list(slideshows.search_slideshows("budgets 2031")) == [deck]
    assert list(slideshows.search_slideshows("budgets", event=event)) == [deck]
    assert pending not in slideshows.search_slideshows("pending")
    assert not slideshows.search_slideshows("nowhere")


def test_site_search_lists_decks_by_their_slide_text(
    client, event, reporter, pdf_upload, django_capture_on_commit_callbacks
):
    deck = upload_deck(event, reporter, pdf_upload(), django_capture_on_commit_callbacks)

    page = client.get("/search/", {"q": "budgets 2031"}).content.decode()

    assert f'href="{deck.get_absolute_url()}"' in page
    assert "Slides" in page
