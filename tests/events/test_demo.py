"""`hubbub demo`: the demo events, loaded once however often it runs; the live workshop is
dated today whenever it is loaded."""

import io
from datetime import date, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from hubbub.events.demo import LONDON, workshop_anchor
from hubbub.events.models import Event, Room, Session, Speaker
from hubbub.live.models import LiveEntry
from hubbub.team.models import EventRole

pytestmark = pytest.mark.django_db


def counts() -> dict:
    from hubbub.blog.models import Post
    from hubbub.comments.models import Comment, Like
    from hubbub.media.models import Photo, Slide, Slideshow
    from hubbub.unconf.models import Outcome, Pitch, Vote

    models = (Event, Room, Session, Speaker, EventRole, LiveEntry, get_user_model())
    models += (Post, Comment, Like, Slideshow, Slide, Photo, Pitch, Vote, Outcome)
    return {model.__name__: model.objects.count() for model in models}


def test_demo_twice_changes_nothing_the_second_time():
    call_command("demo", stdout=io.StringIO())
    first = counts()
    call_command("demo", stdout=io.StringIO())
    assert counts() == first
    assert first["Event"] == 3 and first["Session"] > 10


def test_demo_creates_both_events_on_their_dates():
    out = io.StringIO()
    call_command("demo", stdout=out)
    all_change = Event.objects.get(slug="all-change-2011")
    assert (all_change.starts_on, all_change.ends_on) == (date(2011, 12, 9), date(2011, 12, 9))
    innovation = Event.objects.get(slug="lg-innovation-2008")
    assert innovation.starts_on.year == 2008 and innovation.starts_on.month == 11
    assert (innovation.ends_on - innovation.starts_on).days == 1
    assert "/all-change-2011/" in out.getvalue()


def test_demo_sessions_fit_their_events():
    call_command("demo", stdout=io.StringIO())
    for session in Session.objects.select_related("event", "room"):
        session.full_clean()  # raises on a clash or a session outside its event


def test_demo_pages_render(client):
    call_command("demo", stdout=io.StringIO())
    session = Session.objects.filter(event__slug="all-change-2011", speakers__isnull=False).first()
    speaker = session.speakers.first()
    for url in (
        "/",
        "/all-change-2011/",
        "/all-change-2011/programme/",
        "/lg-innovation-2008/programme/",
        session.get_absolute_url(),
        speaker.get_absolute_url(),
    ):
        assert client.get(url).status_code == 200, url


def london_today() -> date:
    return timezone.localtime(timezone.now(), Event().tz).date()


def test_demo_workshop_is_live_today_with_sessions_before_now_and_after():
    call_command("demo", stdout=io.StringIO())
    workshop = Event.objects.get(slug="personalisation-workshop")
    assert workshop.status == Event.Status.LIVE and workshop.time_zone == "Europe/London"
    assert workshop.starts_on == workshop.ends_on == london_today()
    # The programme is laid out around the current half hour (see the next test for the hours
    # when today has no room before or after it).
    anchor = workshop_anchor()
    sessions = list(workshop.sessions.all())
    assert any(s.ends_at <= anchor for s in sessions)
    assert any(s.starts_at <= anchor < s.ends_at for s in sessions)
    assert any(s.starts_at > anchor for s in sessions)
    assert workshop.rooms.count() >= 2 and workshop.speakers.count() >= 2
    assert "demo" in workshop.summary.lower()


def test_demo_workshop_programme_is_around_the_current_half_hour_and_within_the_day():
    noon = datetime(2026, 6, 1, 12, 17, tzinfo=LONDON)
    assert workshop_anchor(noon) == datetime(2026, 6, 1, 12, 0, tzinfo=LONDON)
    after_midnight = workshop_anchor(datetime(2026, 6, 1, 0, 10, tzinfo=LONDON))
    assert after_midnight.date() == date(2026, 6, 1)
    assert after_midnight - timedelta(minutes=150) >= datetime(2026, 6, 1, tzinfo=LONDON)
    late = workshop_anchor(datetime(2026, 6, 1, 23, 50, tzinfo=LONDON))
    assert late + timedelta(minutes=210) <= datetime(2026, 6, 2, tzinfo=LONDON)


def test_demo_workshop_has_a_team_a_pinned_entry_and_entries_already_posted(client):
    call_command("demo", stdout=io.StringIO())
    workshop = Event.objects.get(slug="personalisation-workshop")
    roles = set(EventRole.objects.filter(event=workshop).values_list("role", flat=True))
    assert {"editor", "reporter"} <= roles
    entries = LiveEntry.objects.filter(event=workshop)
    assert entries.count() >= 5
    assert entries.filter(pinned=True).count() == 1
    assert entries.exclude(image="").exists()
    assert all(entry.created_at <= timezone.now() for entry in entries)
    page = client.get("/personalisation-workshop/live/")
    assert page.status_code == 200
    assert "Welcome to the live blog" in page.content.decode()


def test_demo_loaded_on_a_later_day_moves_the_workshop_to_that_day():
    call_command("demo", stdout=io.StringIO())
    workshop = Event.objects.get(slug="personalisation-workshop")
    # As if it had been loaded yesterday and run all day.
    day = timedelta(days=1)
    Event.objects.filter(pk=workshop.pk).update(
        starts_on=F("starts_on") - day, ends_on=F("ends_on") - day, status=Event.Status.ENDED
    )
    workshop.sessions.update(starts_at=F("starts_at") - day, ends_at=F("ends_at") - day)
    LiveEntry.objects.filter(event=workshop).update(created_at=F("created_at") - day)
    old_ids = set(LiveEntry.objects.filter(event=workshop).values_list("pk", flat=True))

    call_command("demo", stdout=io.StringIO())

    workshop.refresh_from_db()
    assert workshop.starts_on == london_today() and workshop.status == Event.Status.LIVE
    for session in workshop.sessions.select_related("event", "room"):
        session.full_clean()  # on the event's (new) day
    entries = LiveEntry.objects.filter(event=workshop)
    assert not old_ids & set(entries.values_list("pk", flat=True))
    assert entries.filter(pinned=True).count() == 1
    assert entries.filter(created_at__date__lt=london_today() - day).count() == 0


def test_demo_conference_is_a_full_archive_of_its_day(client):
    from hubbub.blog.models import Post
    from hubbub.comments.models import Comment, Like
    from hubbub.media.models import Gallery, Photo, Slideshow
    from hubbub.unconf.models import Outcome, Pitch

    call_command("demo", stdout=io.StringIO())
    event = Event.objects.get(slug="all-change-2011")
    assert Post.objects.filter(event=event, status=Post.Status.PUBLISHED).count() >= 3
    decks = Slideshow.objects.filter(event=event)
    assert decks.count() >= 2
    assert all(deck.status == Slideshow.Status.READY and deck.slides.count() >= 3 for deck in decks)
    assert Photo.objects.filter(gallery__event=event).count() >= 5
    comments = Comment.objects.filter(event=event)
    assert comments.count() >= 5
    assert set(comments.values_list("status", flat=True)) == {Comment.Status.APPROVED}
    assert Like.objects.filter(event=event).count() >= 10
    assert Pitch.objects.filter(unconference__event=event, slot__isnull=False).count() >= 3
    assert Outcome.objects.filter(pitch__unconference__event=event).count() >= 3
    # Everything said on the live blog is dated on the day of the conference.
    days = {e.created_at.astimezone(LONDON).date() for e in LiveEntry.objects.filter(event=event)}
    assert days == {date(2011, 12, 9)}
    for url in (
        "/all-change-2011/blog/",
        "/all-change-2011/slides/",
        f"/all-change-2011/photos/{Gallery.objects.get(event=event).pk}/",
        f"/all-change-2011/slides/{decks.first().pk}/",
        "/all-change-2011/live/",
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        assert "demo" in page.content.decode().lower(), url
    topics = client.get("/all-change-2011/unconference/board").content.decode()
    assert "Open data nobody uses" in topics


def test_demo_2008_conference_is_an_archive_with_its_updates_and_a_post(client):
    from hubbub.blog.models import Post

    call_command("demo", stdout=io.StringIO())
    event = Event.objects.get(slug="lg-innovation-2008")
    assert event.status == Event.Status.ARCHIVED
    entries = LiveEntry.objects.filter(event=event)
    assert entries.count() >= 4
    days = {entry.created_at.astimezone(LONDON).date() for entry in entries}
    assert days == {date(2008, 11, 19), date(2008, 11, 20)}
    assert Post.objects.filter(event=event).count() == 1
    assert "Helen Marsh" in client.get("/lg-innovation-2008/live/").content.decode()
    call_command("demo", stdout=io.StringIO())
    assert LiveEntry.objects.filter(event=event).count() == entries.count()
