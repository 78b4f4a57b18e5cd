"""The public pages: what a visitor sees, what they do not, and what it costs the database."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hubbub.events.models import Event, Partner, Session
from tests.factories import (
    EventFactory,
    RoomFactory,
    SessionFactory,
    SpeakerFactory,
    TrackFactory,
)

LONDON = ZoneInfo("Europe/London")
pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


# -- events index ---------------------------------------------------------------------------------
def test_index_shows_sections_with_dates_venue_and_organiser(client):
    EventFactory(
        title="All Change",
        starts_on=date(2011, 12, 9),
        ends_on=date(2011, 12, 9),
        venue="Riverside Business School",
        organisation__name="Demo Councils Network",
    )
    page = html(client.get("/"))
    for heading in ("Live now", "Coming up", "Past events"):
        assert f">{heading}</h2>" in page
    assert ">All Change</a>" in page
    assert "9 December 2011" in page
    assert "Riverside Business School" in page
    assert "Demo Councils Network" in page
    assert "Finished" in page


def test_index_shows_a_date_range_for_a_multi_day_event(client):
    EventFactory(starts_on=date(2008, 11, 19), ends_on=date(2008, 11, 20))
    assert "19 November 2008</time> to <time" in html(client.get("/"))


def test_index_leaves_out_drafts(client):
    EventFactory(title="Secret plans", status=Event.Status.DRAFT)
    assert "Secret plans" not in html(client.get("/"))


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_index_query_count_does_not_grow_with_events(client):
    for _ in range(3):
        EventFactory()
    few = _count_queries(client, "/")
    for n in range(27):
        EventFactory(starts_on=date(2031, 1, 1) + timedelta(days=n * 3))
    many = _count_queries(client, "/")
    assert few == many
    assert many <= 3


# -- event home -----------------------------------------------------------------------------------
def test_home_shows_summary_partners_and_links(client, event):
    event.summary = "A day on **change**.\n\n<script>alert(1)</script>"
    event.save()
    Partner.objects.create(event=event, name="Riverside Business School")
    page = html(client.get(f"/{event.slug}/"))
    assert f"<h1>{event.title}</h1>" in page
    assert "<strong>change</strong>" in page
    assert "<script>alert" not in page
    assert "Riverside Business School" in page
    assert f'href="/{event.slug}/live/"' in page
    assert f'href="/{event.slug}/programme/"' in page
    assert "Add to calendar (ICS)" in page


def test_home_of_a_past_event_says_it_has_ended(client):
    event = EventFactory(starts_on=date(2011, 12, 9), ends_on=date(2011, 12, 9))
    page = html(client.get(f"/{event.slug}/"))
    assert "This event has ended" in page
    assert f'<a href="/{event.slug}/programme/">programme</a>' in page
    assert f'<a href="/{event.slug}/live/">live blog</a>' in page


def test_home_during_the_event_shows_on_now_and_up_next_in_event_time(client, monkeypatch):
    event = EventFactory(time_zone="America/New_York")
    new_york = ZoneInfo("America/New_York")
    day = event.starts_on
    SessionFactory(
        event=event,
        title="Opening",
        starts_at=datetime(day.year, day.month, day.day, 9, tzinfo=new_york),
        ends_at=datetime(day.year, day.month, day.day, 10, tzinfo=new_york),
    )
    SessionFactory(
        event=event,
        title="Workshops",
        starts_at=datetime(day.year, day.month, day.day, 10, 30, tzinfo=new_york),
        ends_at=datetime(day.year, day.month, day.day, 11, 30, tzinfo=new_york),
    )
    monkeypatch.setattr(
        timezone, "now", lambda: datetime(day.year, day.month, day.day, 9, 30, tzinfo=new_york)
    )
    page = html(client.get(f"/{event.slug}/"))
    assert "On now" in page and "Up next" in page
    on_now = page[page.index("On now") : page.index("Up next")]
    assert "Opening" in on_now
    # New York times, not London ones (which would be 14:00 and 15:30).
    assert ">09:00</time>" in on_now
    assert ">10:30</time>" in page[page.index("Up next") :]


def test_home_of_a_draft_is_404_for_the_public(client):
    event = EventFactory(status=Event.Status.DRAFT)
    response = client.get(f"/{event.slug}/")
    assert response.status_code == 404
    assert "Page not found" in html(response)


def test_home_of_a_draft_is_shown_to_its_organiser(client, organiser, event):
    event.status = Event.Status.DRAFT
    event.save()
    client.force_login(organiser)
    assert client.get(f"/{event.slug}/").status_code == 200


def test_unknown_event_is_the_404_page(client):
    response = client.get("/no-such-event/")
    assert response.status_code == 404
    assert "Page not found" in html(response)
    assert "No event at this address." in html(response)


# -- programme ------------------------------------------------------------------------------------
def test_programme_is_a_table_with_caption_headers_and_spans(client, event):
    day = event.starts_on
    hall = RoomFactory(event=event, name="Main Hall", order=0)
    RoomFactory(event=event, name="Boardroom", order=1)
    SessionFactory(event=event, room=None, kind=Session.Kind.BREAK, title="Lunch", hour=12)
    talk = SessionFactory(
        event=event,
        room=hall,
        kind=Session.Kind.WORKSHOP,
        title="Digital by default",
        starts_at=datetime(day.year, day.month, day.day, 10, tzinfo=LONDON),
        ends_at=datetime(day.year, day.month, day.day, 11, 45, tzinfo=LONDON),
    )
    talk.speakers.set([SpeakerFactory(event=event, name="Tom Ashworth")])
    SessionFactory(
        event=event,
        room=event.rooms.get(name="Boardroom"),
        hour=10,
        title="Short one",
    )
    page = html(client.get(f"/{event.slug}/programme/"))
    assert "<caption" in page and "by time and room</caption>" in page
    assert '<th scope="col">Main Hall</th>' in page
    assert '<th scope="col">Boardroom</th>' in page
    assert '<th scope="row"><time' in page and ">10:00</time></th>" in page
    assert 'rowspan="2"' in page  # 10:00-11:45 covers the 10:00 and 11:00 rows
    assert 'colspan="2"' in page  # lunch has no room: it spans both
    assert "kind--workshop" in page and ">Workshop</span>" in page
    assert "kind--break" in page and ">Break</span>" in page
    assert f'href="{talk.get_absolute_url()}"' in page
    assert "Tom Ashworth" in page
    assert 'role="region"' in page and 'tabindex="0"' in page
    for label in ("Add to calendar (ICS)", "schedule.xml", "schedule.json"):
        assert label in page


def test_programme_shows_times_in_the_event_time_zone(client):
    event = EventFactory(time_zone="Asia/Tokyo")
    tokyo = ZoneInfo("Asia/Tokyo")
    day = event.starts_on
    SessionFactory(
        event=event,
        starts_at=datetime(day.year, day.month, day.day, 9, tzinfo=tokyo),
        ends_at=datetime(day.year, day.month, day.day, 10, tzinfo=tokyo),
    )
    page = html(client.get(f"/{event.slug}/programme/"))
    assert ">09:00</time>" in page
    assert "01:00" not in page  # London time would show here if the zone were ignored
    assert "Asia/Tokyo" in page


def test_programme_with_no_sessions_says_so(client, event):
    assert "No sessions have been published yet." in html(client.get(f"/{event.slug}/programme/"))


def _fill_programme(event, count: int) -> None:
    rooms = [RoomFactory(event=event) for _ in range(3)]
    track = TrackFactory(event=event)
    speakers = [SpeakerFactory(event=event) for _ in range(4)]
    for n in range(count):
        day = event.starts_on + timedelta(days=n // 30)
        hour = 8 + (n // 3) % 10
        start = datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)
        session = SessionFactory(
            event=event,
            room=rooms[n % 3],
            track=track,
            starts_at=start,
            ends_at=start + timedelta(minutes=50),
        )
        session.speakers.set(speakers[n % 4 : n % 4 + 2])


def test_programme_query_count_does_not_grow_with_sessions(client):
    small, large = EventFactory(), EventFactory()
    _fill_programme(small, 3)
    _fill_programme(large, 30)
    few = _count_queries(client, f"/{small.slug}/programme/")
    many = _count_queries(client, f"/{large.slug}/programme/")
    assert few == many
    assert many <= 4


def test_home_query_count_does_not_grow_with_sessions(client):
    small, large = EventFactory(), EventFactory()
    _fill_programme(small, 3)
    _fill_programme(large, 30)
    assert _count_queries(client, f"/{small.slug}/") == _count_queries(client, f"/{large.slug}/")


def test_programme_of_a_draft_is_404(client):
    event = EventFactory(status=Event.Status.DRAFT)
    assert client.get(f"/{event.slug}/programme/").status_code == 404


# -- session and speaker pages --------------------------------------------------------------------
def test_session_page_shows_details_speakers_and_links(client, event):
    track = TrackFactory(event=event, name="Leadership")
    session = SessionFactory(
        event=event,
        title="Leaders' think-tank",
        kind=Session.Kind.THINK_TANK,
        track=track,
        description="We will *talk*.",
    )
    speaker = SpeakerFactory(event=event, name="Ruth Pennington")
    session.speakers.set([speaker])
    page = html(client.get(session.get_absolute_url()))
    assert "<h1>Leaders&#x27; think-tank</h1>" in page
    assert "Think-tank" in page
    assert session.room.name in page
    assert "Leadership" in page
    assert "<em>talk</em>" in page
    # 10:00-11:00 London on the event's first day, written out in full.
    assert "Monday 10 June 2030, 10:00</time>–<time" in page
    assert f'href="/{event.slug}/speakers/{speaker.slug}/"' in page
    assert f'href="/{event.slug}/live/?session={session.pk}"' in page
    assert f'href="/{event.slug}/programme/{session.pk}.ics"' in page


def test_session_page_with_an_old_slug_redirects_to_the_current_one(client, event):
    session = SessionFactory(event=event, title="New title")
    response = client.get(f"/{event.slug}/programme/{session.pk}-old-title/")
    assert response.status_code == 301
    assert response["Location"] == session.get_absolute_url()


def test_unknown_session_is_the_404_page(client, event):
    response = client.get(f"/{event.slug}/programme/99999-nothing/")
    assert response.status_code == 404
    assert "No session at this address." in html(response)


def test_session_of_another_event_is_404(client, event, other_event):
    session = SessionFactory(event=other_event)
    response = client.get(f"/{event.slug}/programme/{session.pk}-{session.slug}/")
    assert response.status_code == 404


def test_speaker_page_shows_bio_and_sessions(client, event):
    speaker = SpeakerFactory(
        event=event, name="Priya Raman", organisation="Common Ground", bio="Founder of **CG**."
    )
    session = SessionFactory(event=event, title="Social enterprise and councils")
    session.speakers.set([speaker])
    page = html(client.get(speaker.get_absolute_url()))
    assert "<h1>Priya Raman</h1>" in page
    assert "Common Ground" in page
    assert "<strong>CG</strong>" in page
    assert f'href="{session.get_absolute_url()}"' in page


def test_speaker_photo_has_alt_text(client, event, settings, tmp_path):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    speaker = SpeakerFactory(event=event, name="Helen Marsh")
    speaker.photo.save("helen.png", ContentFile(b"not really a png"), save=True)
    page = html(client.get(speaker.get_absolute_url()))
    assert 'alt="Photo of Helen Marsh"' in page


def test_unknown_speaker_is_the_404_page(client, event):
    response = client.get(f"/{event.slug}/speakers/nobody/")
    assert response.status_code == 404
    assert "No speaker at this address." in html(response)


def test_pages_send_a_strict_content_security_policy(client, event):
    response = client.get(f"/{event.slug}/programme/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "style=" not in html(response)
    assert "<script>" not in html(response)
