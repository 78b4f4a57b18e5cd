"""Live entry services: the rows they write and the stream messages they publish on commit."""

import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image

from hubbub.core.permissions import Role
from hubbub.live.models import MAX_BODY_LENGTH, LiveEntry, StreamMessage
from hubbub.live.publishing import encode_payload
from hubbub.live.services import (
    ENTRY_CREATED,
    ENTRY_DELETED,
    ENTRY_PINNED,
    ENTRY_UPDATED,
    do_create_entry,
    do_delete_entry,
    do_pin_entry,
    do_update_entry,
    entry_data,
)
from tests.factories import SessionFactory, UserFactory, grant

from .helpers import unsafe_markup

pytestmark = pytest.mark.django_db

EXIF_ORIENTATION = 0x0112
EXIF_GPS_IFD = 0x8825


def seqs(messages) -> list[int]:
    return [m.seq for m in messages]


def stored_log(event) -> list[tuple[int, str]]:
    return list(
        StreamMessage.objects.filter(event=event).order_by("seq").values_list("seq", "type")
    )


def assert_nothing_written(event, entries_before=0):
    event.refresh_from_db()
    assert LiveEntry.objects.filter(event=event).count() == entries_before
    assert StreamMessage.objects.filter(event=event).count() == event.stream_seq


# -- create, edit, pin, delete -------------------------------------------------------------------
def test_create_entry_writes_the_row_and_publishes_entry_created(event, reporter, published):
    with published.capture():
        entry = do_create_entry(event=event, author=reporter, body="The keynote has **begun**.")

    entry.refresh_from_db()
    assert entry.event == event and entry.author == reporter
    assert entry.body == "The keynote has **begun**."
    assert "<strong>begun</strong>" in entry.body_html
    [message] = published.messages
    assert (message.event_id, message.seq, message.type) == (event.pk, 1, ENTRY_CREATED)
    payload = json.loads(message.data)
    html = payload.pop("html")
    assert payload == json.loads(encode_payload(entry_data(entry)))
    assert f'id="entry-{entry.pk}"' in html and "<strong>begun</strong>" in html
    # The durable log holds the same message under the same sequence number.
    logged = StreamMessage.objects.get(event=event, seq=1)
    assert (logged.type, logged.data) == (ENTRY_CREATED, message.data)
    event.refresh_from_db()
    assert event.stream_seq == 1


def test_update_entry_changes_the_body_and_publishes_entry_updated(event, reporter, published):
    entry = do_create_entry(event=event, author=reporter, body="First draft")
    with published.capture():
        do_update_entry(entry, actor=reporter, body="Second *draft*")

    entry.refresh_from_db()
    assert entry.body == "Second *draft*"
    assert "<em>draft</em>" in entry.body_html
    assert entry.edited_at is not None
    [message] = published.messages
    assert (message.type, message.seq) == (ENTRY_UPDATED, 2)
    payload = json.loads(message.data)
    assert payload["id"] == entry.pk
    assert payload["body"] == "Second *draft*"
    assert payload["edited_at"] is not None
    assert "(edited)" in payload["html"]


def test_delete_entry_removes_the_row_and_publishes_entry_deleted(event, reporter, published):
    entry = do_create_entry(event=event, author=reporter, body="Posted by mistake")
    entry_id = entry.pk
    with published.capture():
        do_delete_entry(entry, actor=reporter)

    assert not LiveEntry.objects.filter(pk=entry_id).exists()
    [message] = published.messages
    assert (message.type, message.seq) == (ENTRY_DELETED, 2)
    assert json.loads(message.data) == {"id": entry_id, "event": event.slug}
    # The logged entry.created is now a tombstone too: a replay never shows the deleted text.
    assert stored_log(event) == [(1, ENTRY_DELETED), (2, ENTRY_DELETED)]
    assert not StreamMessage.objects.filter(data__contains="Posted by mistake").exists()
    [rewrite] = published.broker.controls
    assert json.loads(rewrite.data)["frames"] == [[1, ENTRY_DELETED]]


def test_pin_entry_marks_it_pinned_and_publishes_entry_pinned(event, reporter, editor, published):
    entry = do_create_entry(event=event, author=reporter, body="Wi-fi password: hubbub")
    with published.capture():
        do_pin_entry(entry, actor=editor)

    entry.refresh_from_db()
    assert entry.pinned is True
    [message] = published.messages
    assert message.type == ENTRY_PINNED
    payload = json.loads(message.data)
    assert (payload["id"], payload["pinned"]) == (entry.pk, True)
    assert "Pinned" in payload["html"]


def test_pin_entry_unpins_the_previously_pinned_entry(event, reporter, editor, published):
    first = do_create_entry(event=event, author=reporter, body="Lunch is in the atrium")
    second = do_create_entry(event=event, author=reporter, body="Lunch moved to the hall")
    do_pin_entry(first, actor=editor)
    with published.capture():
        do_pin_entry(second, actor=editor)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.pinned, second.pinned) == (False, True)
    assert list(LiveEntry.objects.filter(event=event, pinned=True)) == [second]
    # Readers hear about both changes, the unpinning first.
    pins = [
        (m.type, json.loads(m.data)["id"], json.loads(m.data)["pinned"]) for m in published.messages
    ]
    assert pins == [(ENTRY_PINNED, first.pk, False), (ENTRY_PINNED, second.pk, True)]


def test_update_entry_with_pinned_false_unpins_it(event, reporter, editor, published):
    entry = do_create_entry(event=event, author=reporter, body="Pinned for a while")
    do_pin_entry(entry, actor=editor)
    with published.capture():
        do_update_entry(entry, actor=editor, pinned=False)

    entry.refresh_from_db()
    assert entry.pinned is False
    [message] = published.messages
    assert message.type == ENTRY_PINNED and json.loads(message.data)["pinned"] is False


# -- nothing published unless committed ----------------------------------------------------------
def test_create_entry_publishes_nothing_when_the_transaction_rolls_back(event, reporter, published):
    class Abandon(Exception):
        pass

    with published.capture(), pytest.raises(Abandon), transaction.atomic():
        do_create_entry(event=event, author=reporter, body="Never seen")
        raise Abandon

    assert published.messages == []
    assert_nothing_written(event)
    assert event.stream_seq == 0


@pytest.mark.parametrize(
    "body",
    ["", "   \n\t ", None, "x" * (MAX_BODY_LENGTH + 1)],
    ids=["empty", "blank", "none", "too-long"],
)
def test_create_entry_with_a_bad_body_is_refused_and_publishes_nothing(
    event, reporter, published, body
):
    with published.capture(), pytest.raises(ValidationError) as error:
        do_create_entry(event=event, author=reporter, body=body)

    assert "body" in error.value.message_dict
    assert published.messages == []
    assert_nothing_written(event)


def test_update_entry_with_a_bad_body_changes_nothing(event, reporter, published):
    entry = do_create_entry(event=event, author=reporter, body="Keep me")
    with published.capture(), pytest.raises(ValidationError) as error:
        do_update_entry(entry, actor=reporter, body="   ")

    assert "body" in error.value.message_dict
    assert published.messages == []
    entry.refresh_from_db()
    assert entry.body == "Keep me" and entry.edited_at is None
    assert stored_log(event) == [(1, ENTRY_CREATED)]


def test_create_entry_with_an_unknown_kind_or_foreign_session_is_refused(
    event, other_event, reporter, published
):
    foreign = SessionFactory(event=other_event)
    with published.capture():
        with pytest.raises(ValidationError) as kind_error:
            do_create_entry(event=event, author=reporter, body="Hi", kind="rumour")
        with pytest.raises(ValidationError) as session_error:
            do_create_entry(event=event, author=reporter, body="Hi", session_id=foreign.pk)

    assert "kind" in kind_error.value.message_dict
    assert "session_id" in session_error.value.message_dict
    assert published.messages == []
    assert_nothing_written(event)


# -- sequence numbers ----------------------------------------------------------------------------
def test_sequence_numbers_increase_by_one_per_message_and_per_event(
    event, other_event, reporter, editor, published
):
    other_reporter = UserFactory()
    grant(other_reporter, other_event, Role.REPORTER)
    with published.capture():
        a1 = do_create_entry(event=event, author=reporter, body="a1")
        b1 = do_create_entry(event=other_event, author=other_reporter, body="b1")
        do_update_entry(a1, actor=reporter, body="a1 edited")
        do_create_entry(event=other_event, author=other_reporter, body="b2")
        do_pin_entry(a1, actor=editor)
        do_delete_entry(b1, actor=other_reporter)

    ours = [m for m in published.messages if m.event_id == event.pk]
    theirs = [m for m in published.messages if m.event_id == other_event.pk]
    assert [(m.seq, m.type) for m in ours] == [
        (1, ENTRY_CREATED),
        (2, ENTRY_UPDATED),
        (3, ENTRY_PINNED),
    ]
    assert [(m.seq, m.type) for m in theirs] == [
        (1, ENTRY_CREATED),
        (2, ENTRY_CREATED),
        (3, ENTRY_DELETED),
    ]
    assert stored_log(event) == [(m.seq, m.type) for m in ours]
    # b1 was deleted: its logged entry.created became a tombstone.
    assert stored_log(other_event) == [(1, ENTRY_DELETED), (2, ENTRY_CREATED), (3, ENTRY_DELETED)]
    event.refresh_from_db()
    other_event.refresh_from_db()
    assert (event.stream_seq, other_event.stream_seq) == (3, 3)


# -- sanitising ----------------------------------------------------------------------------------
HOSTILE_BODIES = [
    "<script>alert('x')</script> after",
    '<img src="x" onerror="alert(1)">',
    "[click me](javascript:alert(1))",
    "[click me](JaVaScRiPt:alert(1))",
    "![pic](javascript:alert(1))",
    '<a href="javascript:alert(1)">raw link</a>',
    "<svg><script>alert(1)</script></svg>",
    "[x](<javascript:alert(1)>)",
    '<p onmouseover="alert(1)">hover</p>',
    "<iframe src=https://evil.example></iframe>",
]


@pytest.mark.parametrize("body", HOSTILE_BODIES)
def test_markdown_is_sanitised_in_body_html_and_stream_html(event, reporter, published, body):
    with published.capture():
        entry = do_create_entry(event=event, author=reporter, body=body)

    entry.refresh_from_db()
    [message] = published.messages
    payload = json.loads(message.data)
    for html in (entry.body_html, payload["body_html"], payload["html"]):
        assert unsafe_markup(html) == [], html
        assert "<script" not in html.lower()
    # The source is kept as written (it is shown escaped), only the HTML is cleaned.
    assert entry.body == body.strip()


def test_markdown_keeps_safe_links_with_nofollow(event, reporter):
    entry = do_create_entry(
        event=event, author=reporter, body="Slides at [the site](https://example.org/slides)"
    )
    assert '<a href="https://example.org/slides" rel="nofollow noopener ugc">' in entry.body_html


def test_update_entry_sanitises_the_new_body(event, reporter, published):
    entry = do_create_entry(event=event, author=reporter, body="fine")
    with published.capture():
        do_update_entry(
            entry, actor=reporter, body='<img src=x onerror="alert(1)"> [a](javascript:x)'
        )

    [message] = published.messages
    payload = json.loads(message.data)
    assert unsafe_markup(payload["body_html"]) == []
    assert unsafe_markup(payload["html"]) == []


# -- permissions ---------------------------------------------------------------------------------
def test_reporter_can_edit_and_delete_their_own_entry(event, reporter, published):
    entry = do_create_entry(event=event, author=reporter, body="Mine")
    with published.capture():
        do_update_entry(entry, actor=reporter, body="Still mine")
        do_delete_entry(entry, actor=reporter)

    assert [m.type for m in published.messages] == [ENTRY_UPDATED, ENTRY_DELETED]
    assert not LiveEntry.objects.filter(event=event).exists()


def test_reporter_cannot_edit_or_delete_another_reporters_entry(event, reporter, published):
    colleague = UserFactory()
    grant(colleague, event, Role.REPORTER)
    entry = do_create_entry(event=event, author=colleague, body="Colleague's words")
    with published.capture():
        with pytest.raises(PermissionDenied):
            do_update_entry(entry, actor=reporter, body="Rewritten")
        with pytest.raises(PermissionDenied):
            do_delete_entry(entry, actor=reporter)
        with pytest.raises(PermissionDenied):
            do_pin_entry(entry, actor=reporter)

    assert published.messages == []
    entry.refresh_from_db()
    assert (entry.body, entry.pinned, entry.edited_at) == ("Colleague's words", False, None)


def test_reporter_cannot_pin_even_their_own_entry(event, reporter, published):
    entry = do_create_entry(event=event, author=reporter, body="Look at me")
    with published.capture(), pytest.raises(PermissionDenied):
        do_pin_entry(entry, actor=reporter)
    assert published.messages == []
    entry.refresh_from_db()
    assert entry.pinned is False


@pytest.mark.parametrize("role", [Role.EDITOR, Role.ORGANISER])
def test_editor_and_organiser_can_edit_pin_and_delete_any_entry(event, reporter, published, role):
    boss = UserFactory()
    grant(boss, event, role)
    entry = do_create_entry(event=event, author=reporter, body="Typo here")
    with published.capture():
        do_update_entry(entry, actor=boss, body="No typo here")
        do_pin_entry(entry, actor=boss)
        do_delete_entry(entry, actor=boss)

    assert [m.type for m in published.messages] == [ENTRY_UPDATED, ENTRY_PINNED, ENTRY_DELETED]
    assert not LiveEntry.objects.filter(event=event).exists()


def test_reporter_of_one_event_cannot_post_on_another(event, other_event, reporter, published):
    with published.capture(), pytest.raises(PermissionDenied):
        do_create_entry(event=other_event, author=reporter, body="Wrong event")
    assert published.messages == []
    assert_nothing_written(other_event)


def test_editor_of_one_event_cannot_edit_entries_of_another(event, other_event, editor, published):
    other_reporter = UserFactory()
    grant(other_reporter, other_event, Role.REPORTER)
    entry = do_create_entry(event=other_event, author=other_reporter, body="Theirs")
    with published.capture():
        with pytest.raises(PermissionDenied):
            do_update_entry(entry, actor=editor, body="Ours now")
        with pytest.raises(PermissionDenied):
            do_delete_entry(entry, actor=editor)
    assert published.messages == []


@pytest.mark.parametrize("role", [Role.MODERATOR, None])
def test_people_without_the_reporter_right_cannot_post(event, published, role):
    user = UserFactory()
    if role:
        grant(user, event, role)
    with published.capture(), pytest.raises(PermissionDenied):
        do_create_entry(event=event, author=user, body="Let me in")
    assert published.messages == []
    assert_nothing_written(event)


def test_key_moment_needs_the_editor_right(event, reporter, editor, published):
    with published.capture():
        with pytest.raises(PermissionDenied):
            do_create_entry(event=event, author=reporter, body="Big news", kind="key_moment")
        assert_nothing_written(event)
        entry = do_create_entry(event=event, author=reporter, body="Big news")
        with pytest.raises(PermissionDenied):
            do_update_entry(entry, actor=reporter, kind="key_moment")
        do_update_entry(entry, actor=editor, kind="key_moment")
        # Taking the mark away needs the right too.
        with pytest.raises(PermissionDenied):
            do_update_entry(entry, actor=reporter, kind="update")
        moment = do_create_entry(event=event, author=editor, body="Vote passed", kind="key_moment")

    entry.refresh_from_db()
    assert entry.kind == LiveEntry.Kind.KEY_MOMENT and moment.is_key_moment
    assert [m.type for m in published.messages] == [ENTRY_CREATED, ENTRY_UPDATED, ENTRY_CREATED]
    assert json.loads(published.messages[1].data)["kind"] == "key_moment"


# -- retries -------------------------------------------------------------------------------------
def test_client_token_makes_a_retried_post_idempotent(event, reporter, published):
    with published.capture():
        first = do_create_entry(event=event, author=reporter, body="Hello", client_token="t-1")
        retry = do_create_entry(event=event, author=reporter, body="Hello", client_token="t-1")
        other = do_create_entry(event=event, author=reporter, body="Hello", client_token="t-2")

    assert retry.pk == first.pk
    assert other.pk != first.pk
    assert LiveEntry.objects.filter(event=event).count() == 2
    assert [(m.seq, json.loads(m.data)["id"]) for m in published.messages] == [
        (1, first.pk),
        (2, other.pk),
    ]


def test_client_token_of_another_reporter_does_not_return_their_entry(event, reporter):
    colleague = UserFactory()
    grant(colleague, event, Role.REPORTER)
    theirs = do_create_entry(event=event, author=colleague, body="Theirs", client_token="same")
    mine = do_create_entry(event=event, author=reporter, body="Mine", client_token="same")
    assert mine.pk != theirs.pk
    assert mine.author == reporter


# -- photos --------------------------------------------------------------------------------------
def jpeg_with_gps_and_rotation() -> bytes:
    """A 40x20 JPEG, red on the left and blue on the right, that says "rotate 90° clockwise"
    (orientation 6) and carries the GPS position where it was taken."""
    image = Image.new("RGB", (40, 20), (255, 0, 0))
    image.paste((0, 0, 255), (20, 0, 40, 20))
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = 6
    exif[EXIF_GPS_IFD] = {1: "N", 2: (51.0, 30.0, 12.5), 3: "W", 4: (0.0, 7.0, 39.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=95)
    data = out.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(EXIF_GPS_IFD)  # the fixture is real
    return data


def test_photo_is_stored_without_exif_and_with_orientation_applied(
    event, reporter, published, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("phone.jpg", jpeg_with_gps_and_rotation(), "image/jpeg")
    with published.capture():
        entry = do_create_entry(
            event=event, author=reporter, body="The room", image=upload, image_alt="A full room"
        )

    entry.refresh_from_db()
    assert entry.image.path.startswith(str(tmp_path))
    stored = entry.image.read()
    entry.image.close()
    assert b"Exif" not in stored
    with Image.open(io.BytesIO(stored)) as photo:
        assert photo.getexif().get_ifd(EXIF_GPS_IFD) == {}
        assert EXIF_ORIENTATION not in photo.getexif()
        # Turned upright: now tall, with the left (red) half on top.
        assert photo.size == (20, 40)
        upright = photo.convert("RGB")
        top, bottom = upright.getpixel((10, 5)), upright.getpixel((10, 35))
    assert top[0] > 200 and top[2] < 60
    assert bottom[2] > 200 and bottom[0] < 60
    assert (entry.image_width, entry.image_height) == (20, 40)
    image = json.loads(published.messages[0].data)["image"]
    assert image == {"url": entry.image.url, "alt": "A full room", "width": 20, "height": 40}


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("notes.txt", b"not a photo at all", "text/plain"),
        ("photo.jpg", b"%PDF-1.4 pretending to be a JPEG", "image/jpeg"),
        ("photo.jpg", jpeg_with_gps_and_rotation()[:200], "image/jpeg"),
    ],
    ids=["text", "disguised", "truncated"],
)
def test_non_image_upload_is_refused_and_nothing_is_stored(
    event, reporter, published, settings, tmp_path, name, content, content_type
):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile(name, content, content_type)
    with published.capture(), pytest.raises(ValidationError) as error:
        do_create_entry(event=event, author=reporter, body="With a photo", image=upload)

    assert "image" in error.value.message_dict
    assert published.messages == []
    assert_nothing_written(event)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
