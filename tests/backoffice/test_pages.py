"""The organiser's back office pages, driven through the Django test client."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from hubbub.comments.models import Comment
from hubbub.core.models import AuditEntry
from hubbub.events.models import Event, Room, Session
from hubbub.live.models import LiveEntry
from hubbub.media.models import Slideshow
from hubbub.team.models import Application, CoverageAssignment
from hubbub.team.organisations import do_grant_organisation_admin
from tests.factories import (
    EventFactory,
    OrganisationFactory,
    RoomFactory,
    SessionFactory,
    SpeakerFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def admin_client(client, org_admin):
    client.force_login(org_admin)
    return client


@pytest.fixture
def their_event(council):
    return EventFactory(organisation=council, starts_on=date(2031, 3, 10), title="Westbrook 2031")


CREATE = {
    "title": "Digital Westbrook",
    "slug": "digital-westbrook",
    "starts_on": "2031-05-01",
    "ends_on": "2031-05-02",
    "time_zone": "Europe/London",
    "venue": "Town Hall",
    "venue_address": "1 High Street",
    "summary": "",
    "brand_colour": "#1d70b8",
}


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "#123456").save(out, "PNG")
    return out.getvalue()


# -- site-wide -----------------------------------------------------------------------------------
def test_manage_asks_anonymous_visitors_to_sign_in(client):
    response = client.get("/manage/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_manage_lists_events_and_offers_create_to_organisation_admins(admin_client, their_event):
    EventFactory(title="Someone else's")
    page = admin_client.get("/manage/").content.decode()
    assert "Westbrook 2031" in page and "Someone else" not in page
    assert "Create an event" in page


def test_an_event_organiser_sees_their_event_but_cannot_create(client, event, organiser):
    client.force_login(organiser)
    page = client.get("/manage/").content.decode()
    assert event.title in page and "Create an event" not in page
    assert client.get("/manage/new").status_code == 403


def test_organisation_admin_creates_a_draft_only_the_team_can_see(admin_client, council, client):
    response = admin_client.post(
        "/manage/new", {**CREATE, "organisation": council.pk, "logo": _logo()}
    )
    assert response.status_code == 302
    assert response["Location"] == "/digital-westbrook/manage/"
    event = Event.objects.get(slug="digital-westbrook")
    assert event.status == "draft" and event.logo.name.startswith("events/logos/")
    dashboard = admin_client.get(response["Location"]).content.decode()
    assert "Preview" in dashboard
    assert admin_client.get("/digital-westbrook/").status_code == 200
    outsider = UserFactory()
    client.force_login(outsider)
    assert client.get("/digital-westbrook/").status_code == 404


def _logo():
    return SimpleUploadedFile("logo.png", png_bytes(), content_type="image/png")


@pytest.mark.parametrize(
    ("change", "field_label"),
    [
        ({"ends_on": "2031-04-01"}, "Last day"),
        ({"time_zone": "Atlantis/Central"}, "Time zone"),
        ({"brand_colour": "#777777"}, "Brand colour"),
    ],
)
def test_bad_input_shows_an_error_summary_and_creates_nothing(
    admin_client, council, change, field_label
):
    response = admin_client.post("/manage/new", {**CREATE, "organisation": council.pk, **change})
    assert response.status_code == 422
    page = response.content.decode()
    assert 'class="error-summary' in page and "autofocus" in page
    assert f"{field_label}:" in page
    assert "<title>Error:" in page
    assert not Event.objects.filter(slug="digital-westbrook").exists()


def test_a_taken_slug_is_shown_on_the_field(admin_client, council):
    EventFactory(slug="digital-westbrook")
    response = admin_client.post("/manage/new", {**CREATE, "organisation": council.pk})
    assert response.status_code == 422
    assert "Web address:" in response.content.decode()


def test_a_file_that_is_not_an_image_is_refused_as_logo(admin_client, their_event):
    data = {**CREATE, "slug": their_event.slug, "ends_on": "2031-05-01"}
    data["logo"] = SimpleUploadedFile("logo.png", b"<svg>not a png</svg>", "image/png")
    response = admin_client.post(f"/{their_event.slug}/manage/settings", data)
    assert response.status_code == 422
    their_event.refresh_from_db()
    assert not their_event.logo and their_event.title == "Westbrook 2031"


def test_organiser_marks_the_event_content_bilingual_in_its_settings(admin_client, their_event):
    data = {**CREATE, "slug": their_event.slug, "starts_on": "2031-03-10", "ends_on": "2031-03-11"}
    page = admin_client.get(f"/{their_event.slug}/manage/settings").content.decode()
    assert 'name="bilingual"' in page
    url = f"/{their_event.slug}/manage/settings"
    response = admin_client.post(url, {**data, "bilingual": "on"})
    assert response.status_code == 302
    their_event.refresh_from_db()
    assert their_event.bilingual is True
    admin_client.post(url, data)
    their_event.refresh_from_db()
    assert their_event.bilingual is False


# -- one event -----------------------------------------------------------------------------------
def test_dashboard_is_for_organisers_only(client, event, organiser, reporter):
    client.force_login(reporter)
    assert client.get(f"/{event.slug}/manage/").status_code == 403
    assert "/manage/" not in client.get(f"/{event.slug}/").content.decode()
    client.force_login(organiser)
    assert client.get(f"/{event.slug}/manage/").status_code == 200
    assert f'href="/{event.slug}/manage/"' in client.get(f"/{event.slug}/").content.decode()


def test_another_organisations_admin_cannot_manage(client, event):
    stranger = UserFactory()
    do_grant_organisation_admin(user=stranger, organisation=OrganisationFactory())
    client.force_login(stranger)
    assert client.get(f"/{event.slug}/manage/").status_code == 403
    assert client.get(f"/{event.slug}/manage/programme/").status_code == 403


def test_dashboard_links_every_tool_and_counts_what_waits(admin_client, their_event):
    slug = their_event.slug
    session = SessionFactory(event=their_event, title="Uncovered")
    SessionFactory(event=their_event, title="Break", kind="break", hour=12)
    Slideshow.objects.create(
        event=their_event, title="Broken deck", source="x.pdf", status=Slideshow.Status.FAILED
    )
    Comment.objects.create(
        event=their_event,
        content_type_id=_ct(Session),
        object_id=session.pk,
        author_name="Reader",
        author_email="r@example.org",
        body="Held",
        status=Comment.Status.PENDING,
    )
    LiveEntry.objects.create(event=their_event, body="Waiting", status=LiveEntry.Status.PENDING)
    Application.objects.create(event=their_event, name="Priya", email="priya@example.org")
    page = admin_client.get(f"/{slug}/manage/").content.decode()
    for url in (
        f"/{slug}/manage/settings",
        f"/{slug}/manage/programme/",
        f"/{slug}/team/",
        f"/{slug}/unconference/console/",
        f"/{slug}/comments/moderate/",
        f"/{slug}/live/review",
        f"/{slug}/team/audit/",
        f"/{slug}/manage/next",
    ):
        assert f'href="{url}"' in page, url
    assert _count(page, "Sessions nobody is covering") == 1
    assert _count(page, "Comments held for moderation") == 1
    assert _count(page, "Slide decks that failed to render") == 1
    assert _count(page, "Live updates waiting for approval") == 1
    assert _count(page, "Applications to join the team") == 1


def _ct(model):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(model).pk


def _count(page: str, label: str) -> int:
    before = page.split(f"<span>{label}</span>")[0]
    return int(before.rsplit('<span class="bo-attention__count">', 1)[1].split("<")[0])


def test_dashboard_query_count_does_not_grow(admin_client, their_event, page_queries, org_admin):
    def fill(n):
        for i in range(n):
            session = SessionFactory(event=their_event, hour=9 + i)
            CoverageAssignment.objects.create(session=session, user=org_admin)

    fill(1)
    one = page_queries(admin_client, f"/{their_event.slug}/manage/")
    fill(2)
    assert page_queries(admin_client, f"/{their_event.slug}/manage/") == one


def test_programme_editor_query_count_does_not_grow(admin_client, their_event, page_queries):
    url = f"/{their_event.slug}/manage/programme/"

    def fill(hours):
        for hour in hours:
            session = SessionFactory(event=their_event, hour=hour)
            session.speakers.add(SpeakerFactory(event=their_event))

    fill([9])
    one = page_queries(admin_client, url)
    fill([11, 13])
    assert page_queries(admin_client, url) == one


# -- the programme editor ------------------------------------------------------------------------
def test_empty_cells_offer_add_session_prefilled_with_room_and_time(admin_client, their_event):
    chamber = RoomFactory(event=their_event, name="Chamber")
    page = admin_client.get(f"/{their_event.slug}/manage/programme/").content.decode()
    link = f"/{their_event.slug}/manage/programme/add?start=2031-03-10T10:00&amp;room={chamber.pk}"
    assert link in page
    assert "in Chamber at 10:00" in page
    form = admin_client.get(link.replace("&amp;", "&")).content.decode()
    assert 'value="10:00"' in form and 'value="11:00"' in form
    assert f'<option value="{chamber.pk}" selected>' in form


def _session_post(room, title, start, end, day="2031-03-10", **extra):
    return {
        "title": title,
        "kind": "workshop",
        "day": day,
        "start": start,
        "end": end,
        "room": str(room.pk) if room else "",
        "track": "",
        "description": "",
        **extra,
    }


def test_adding_a_clashing_session_names_both_and_saves_nothing(admin_client, their_event):
    chamber = RoomFactory(event=their_event, name="Chamber")
    url = f"/{their_event.slug}/manage/programme/add"
    first = admin_client.post(url, _session_post(chamber, "Opening", "09:00", "10:00"))
    assert first.status_code == 302
    response = admin_client.post(url, _session_post(chamber, "Data clinic", "09:30", "10:30"))
    assert response.status_code == 422
    page = response.content.decode()
    assert "“Data clinic” (09:30–10:30) clashes with “Opening” (09:00–10:00)" in page
    assert Session.objects.filter(event=their_event).count() == 1


def test_editing_moves_a_session_and_swap_exchanges_two(admin_client, their_event):
    chamber = RoomFactory(event=their_event, name="Chamber")
    annexe = RoomFactory(event=their_event, name="Annexe")
    first = SessionFactory(event=their_event, title="First", room=chamber, hour=9)
    second = SessionFactory(event=their_event, title="Second", room=annexe, hour=14)
    response = admin_client.post(
        f"/{their_event.slug}/manage/programme/{first.pk}/",
        _session_post(chamber, "First", "11:00", "12:00"),
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.starts_at == datetime(2031, 3, 10, 11, tzinfo=LONDON)
    swap = admin_client.get(f"/{their_event.slug}/manage/programme/{first.pk}/swap")
    assert "Second" in swap.content.decode()
    response = admin_client.post(
        f"/{their_event.slug}/manage/programme/{first.pk}/swap", {"other": second.pk}
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.room, first.starts_at.astimezone(LONDON).hour) == (annexe, 14)
    assert AuditEntry.objects.filter(action="hubbub.session.swapped").exists()


def test_session_form_offers_only_this_events_rooms_and_speakers(admin_client, their_event):
    RoomFactory(event=their_event, name="Our Chamber")
    SpeakerFactory(event=their_event, name="Sam Jones", organisation="Westbrook")
    RoomFactory(name="Their Annexe")
    SpeakerFactory(name="Borrowed Speaker")
    page = admin_client.get(f"/{their_event.slug}/manage/programme/add").content.decode()
    assert "Our Chamber" in page and "Sam Jones (Westbrook)" in page
    assert "Their Annexe" not in page and "Borrowed Speaker" not in page


def test_a_room_with_sessions_cannot_be_deleted(admin_client, their_event):
    session = SessionFactory(event=their_event)
    response = admin_client.post(f"/{their_event.slug}/manage/rooms/{session.room.pk}/delete")
    assert response.status_code == 422
    assert "Move or delete the 1 sessions" in response.content.decode()
    assert Room.objects.filter(pk=session.room.pk).exists()


def test_rooms_page_adds_a_room_with_accessibility_notes(admin_client, their_event):
    response = admin_client.post(
        f"/{their_event.slug}/manage/rooms/",
        {"name": "Chamber", "capacity": "80", "accessibility_notes": "Hearing loop"},
    )
    assert response.status_code == 302
    assert Room.objects.get(event=their_event).accessibility_notes == "Hearing loop"


def test_copy_a_speaker_from_an_earlier_event(admin_client, council, their_event):
    earlier = EventFactory(organisation=council, starts_on=date(2030, 3, 10), title="Last year")
    speaker = SpeakerFactory(event=earlier, name="Mary Seacole")
    page = admin_client.get(f"/{their_event.slug}/manage/speakers/").content.decode()
    assert "Mary Seacole" in page and "Last year" in page
    response = admin_client.post(
        f"/{their_event.slug}/manage/speakers/copy", {"speaker": speaker.pk}
    )
    assert response.status_code == 302
    assert their_event.speakers.get().name == "Mary Seacole"


def test_start_the_next_event_from_this_one(admin_client, their_event):
    SessionFactory(event=their_event, title="Keynote", hour=9)
    response = admin_client.post(
        f"/{their_event.slug}/manage/next",
        {
            "title": "Westbrook 2032",
            "slug": "westbrook-2032",
            "starts_on": "2032-03-08",
            "with_programme": "on",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/westbrook-2032/manage/"
    copy = Event.objects.get(slug="westbrook-2032")
    assert copy.status == "draft"
    assert copy.sessions.get().starts_at == datetime(2032, 3, 8, 9, tzinfo=LONDON)


def test_an_event_organiser_cannot_start_the_next_event(client, event, organiser):
    client.force_login(organiser)
    assert client.get(f"/{event.slug}/manage/next").status_code == 403
    assert (
        f'href="/{event.slug}/manage/next"'
        not in client.get(f"/{event.slug}/manage/").content.decode()
    )


def test_status_change_from_the_settings_page(admin_client, their_event):
    their_event.status = "draft"
    their_event.save()
    response = admin_client.post(f"/{their_event.slug}/manage/status", {"status": "published"})
    assert response.status_code == 302
    their_event.refresh_from_db()
    assert their_event.status == "published"


def test_speakers_of_the_same_name_are_told_apart_in_the_session_form(admin_client, their_event):
    SpeakerFactory(event=their_event, name="Sam Jones", organisation="Westbrook")
    SpeakerFactory(event=their_event, name="Sam Jones", organisation="Eastvale", slug="sam-2")
    SpeakerFactory(event=their_event, name="Alex Lee", organisation="", slug="alex-lee")
    SpeakerFactory(event=their_event, name="Alex Lee", organisation="", slug="alex-lee-2")
    page = admin_client.get(f"/{their_event.slug}/manage/programme/add").content.decode()
    assert "Sam Jones (Westbrook)" in page and "Sam Jones (Eastvale)" in page
    assert "Alex Lee – alex-lee<" in page and "Alex Lee – alex-lee-2<" in page
