"""The pages: writing without JavaScript, moderating, reading, feeds, search and the
session page's mentions."""

import re
from datetime import date, timedelta

import pytest

from hubbub.events.models import Event
from hubbub.reflections.models import MorningAfterRequest, Reflection

from ..factories import EventFactory, SessionFactory, UserFactory
from .helpers import publish, write

pytestmark = pytest.mark.django_db


def form_data(items, **extra):
    data = {"items-TOTAL_FORMS": str(len(items)), "items-INITIAL_FORMS": "0",
            "items-MIN_NUM_FORMS": "1", "items-MAX_NUM_FORMS": "20", "closing": "",
            "public_actions": "1", **extra}  # fmt: skip
    for i, item in enumerate(items):
        for key, value in item.items():
            data[f"items-{i}-{key}"] = value
    return data


def test_write_page_adds_an_item_without_javascript(client, event):
    client.force_login(UserFactory())
    url = f"/{event.slug}/reflections/new"
    page = client.get(url)
    assert page.status_code == 200 and 'name="items-0-text"' in page.content.decode()
    more = client.post(url, form_data([{"text": "kept"}], add_item="1"))
    html = more.content.decode()
    assert 'name="items-1-text"' in html and "kept" in html
    assert "There is a problem" not in html
    assert not Reflection.objects.exists()


def test_write_page_shows_errors_on_the_item_and_keeps_the_text(client, event):
    client.force_login(UserFactory())
    data = form_data([{"text": "Stood out", "action_answer": "yes", "action": ""}])
    page = client.post(f"/{event.slug}/reflections/new", data)
    html = page.content.decode()
    assert page.status_code == 400
    assert "say what you will do" in html and "Stood out" in html
    assert 'href="#id_items-0-action"' in html
    assert not Reflection.objects.exists()


def test_write_page_saves_a_draft_and_comes_back_to_it(client, event):
    user = UserFactory()
    client.force_login(user)
    url = f"/{event.slug}/reflections/new"
    client.post(url, form_data([{"text": "Half a thought"}], save_draft="1"))
    assert Reflection.objects.get().status == Reflection.Status.DRAFT
    assert "Half a thought" in client.get(url).content.decode()
    client.post(url, form_data([{"text": "A whole thought"}], submit="1"))
    reflection = Reflection.objects.get()
    assert reflection.status == Reflection.Status.PENDING
    assert reflection.items.get().text == "A whole thought"


def test_write_page_guest_gets_a_confirmation_link(
    client, event, mailoutbox, moderator, django_capture_on_commit_callbacks
):
    data = form_data([{"text": "Guest view"}], name="Gil", email="gil@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/{event.slug}/reflections/new", data)
    assert response.status_code == 302
    link = re.search(r"(/\S+/reflections/confirm/\S+/)", mailoutbox[0].body).group(1)
    assert client.get(link).status_code == 200
    assert Reflection.objects.get().email_confirmed_at is None  # a GET confirms nothing
    client.post(link)
    assert Reflection.objects.get().email_confirmed_at is not None
    client.force_login(moderator)
    queue = client.get(f"/{event.slug}/reflections/moderate/")
    assert "Guest view" in queue.content.decode()


def test_moderation_queue_needs_the_right_and_publishes(client, event, moderator):
    reflection = write(event, items=[{"text": "Worth reading"}])
    client.force_login(UserFactory())
    assert client.get(f"/{event.slug}/reflections/moderate/").status_code == 403
    client.force_login(moderator)
    client.post(f"/{event.slug}/reflections/moderate/",
                {"reflection": reflection.pk, "decision": "approve"})  # fmt: skip
    client.logout()
    listing = client.get(f"/{event.slug}/reflections/").content.decode()
    assert "Worth reading" in listing


def test_held_reflection_is_not_shown_anywhere(client, event):
    reflection = write(event, items=[{"text": "Not yet public"}])
    assert "Not yet public" not in client.get(f"/{event.slug}/reflections/").content.decode()
    assert client.get(f"/{event.slug}/reflections/{reflection.pk}/").status_code == 404
    assert (
        "Not yet public" not in client.get(f"/{event.slug}/reflections/feed/rss/").content.decode()
    )


def test_detail_page_takes_comments_and_likes(client, event):
    reflection = publish(write(event, items=[{"text": "Comment on me"}]))
    url = f"/{event.slug}/reflections/{reflection.pk}/"
    page = client.get(url)
    assert page.status_code == 200 and "Leave a Reply" in page.content.decode()
    user = UserFactory()
    client.force_login(user)
    client.post(f"/{event.slug}/comments/reflection/{reflection.pk}/like/", {"liked": "1"})
    from hubbub.comments.models import Like

    assert Like.objects.filter(object_id=reflection.pk, user=user).exists()


def test_private_actions_are_not_shown(client, event):
    items = [{"text": "Seen", "action_answer": "yes", "action": "Secret plan"}]
    publish(write(event, items=items, public_actions=False))
    html = client.get(f"/{event.slug}/reflections/").content.decode()
    assert "Seen" in html and "Secret plan" not in html
    assert "Secret plan" not in client.get(f"/{event.slug}/reflections/feed/atom/").content.decode()


def test_session_page_counts_mentions_and_invites_after_it_ends(client):
    event = EventFactory(starts_on=date(2020, 6, 10), ends_on=date(2020, 6, 10),
                         status=Event.Status.ENDED)  # fmt: skip
    session = SessionFactory(event=event, title="Open meetings")
    publish(write(event, items=[{"text": "a", "session_id": session.pk}]))
    publish(write(event, items=[{"text": "b", "session_id": session.pk}]))
    html = client.get(session.get_absolute_url()).content.decode()
    assert "2 reflections mention this session" in html
    assert "Write a reflection on this session" in html
    assert f"reflections/new?session={session.pk}" in html
    form = client.get(f"/{event.slug}/reflections/new?session={session.pk}").content.decode()
    assert f'<option value="{session.pk}" selected>' in form
    home = client.get(f"/{event.slug}/").content.decode()
    assert "Read every reflection" in home


def test_session_page_before_it_ends_has_no_prompt(client, event):
    session = SessionFactory(event=event)
    assert "Write a reflection" not in client.get(session.get_absolute_url()).content.decode()


def test_search_finds_published_reflections(client, event):
    publish(write(event, items=[{"text": "Procurement with social enterprises"}]))
    write(event, items=[{"text": "Procurement held back"}])
    html = client.get("/search/", {"q": "procurement"}).content.decode()
    assert "social enterprises" in html and "held back" not in html


def test_feeds_list_published_reflections(client, event):
    publish(write(event, items=[{"text": "In the feed"}]))
    rss = client.get(f"/{event.slug}/reflections/feed/rss/")
    assert rss.status_code == 200 and "In the feed" in rss.content.decode()
    assert "<feed" in client.get(f"/{event.slug}/reflections/feed/atom/").content.decode()


def test_morning_after_request_is_kept_once(client, event):
    for _ in range(2):
        client.post(f"/{event.slug}/reflections/remind-me/", {"email": "Me@example.org"})
    assert list(MorningAfterRequest.objects.values_list("email", flat=True)) == ["me@example.org"]


def test_event_home_after_the_event_shows_totals_without_private_actions(client):
    event = EventFactory(starts_on=date(2020, 6, 10), ends_on=date(2020, 6, 10),
                         status=Event.Status.ENDED)  # fmt: skip
    reflection = publish(write(event, items=[{"text": "x", "action": "Private step"}],
                               public_actions=False))  # fmt: skip
    from django.utils import timezone

    from hubbub.reflections.models import ActionAnswer

    ActionAnswer.objects.create(item=reflection.items.get(), round=1, progress="done",
                                answered_at=timezone.now())  # fmt: skip
    html = client.get(f"/{event.slug}/").content.decode()
    assert re.search(r"Actions pledged</dt><dd>1</dd>\s*<dt>Actions done</dt><dd>1<", html)
    assert '<svg class="chart"' in html and "Private step" not in html
    assert "<svg" in client.get(f"/{event.slug}/reflections/").content.decode()


def test_reflections_page_queries_do_not_grow_with_reflections(client, event, page_queries):
    session = SessionFactory(event=event)
    item = {"text": "x", "session_id": session.pk, "action": "Do it"}
    publish(write(event, items=[item]))
    one = page_queries(client, f"/{event.slug}/reflections/")
    for _ in range(4):
        publish(write(event, items=[item, {"text": "y"}]))
    assert page_queries(client, f"/{event.slug}/reflections/") == one


def test_live_page_invites_a_reflection_once_the_followed_session_ends(client):
    from django.utils import timezone

    now = timezone.now()
    event = EventFactory(starts_on=now.date(), ends_on=now.date(), status=Event.Status.LIVE)
    ended = SessionFactory(event=event, title="Just finished", starts_at=now - timedelta(hours=1),
                           ends_at=now - timedelta(minutes=5))  # fmt: skip
    running = SessionFactory(event=event, title="Still on", starts_at=now - timedelta(minutes=5),
                             ends_at=now + timedelta(hours=1))  # fmt: skip
    html = client.get(f"/{event.slug}/live/?session={ended.pk}").content.decode()
    assert "Write a reflection on this session: Just finished" in html
    assert f"reflections/new?session={ended.pk}" in html
    html = client.get(f"/{event.slug}/live/?session={running.pk}").content.decode()
    assert "Write a reflection on this session" not in html
    html = client.get(f"/{event.slug}/live/").content.decode()
    assert "Write a reflection on this session: Just finished" in html


def test_write_page_of_an_archive_says_it_is_closed(client, event):
    event.status = Event.Status.ARCHIVED
    event.save()
    page = client.get(f"/{event.slug}/reflections/new")
    assert page.status_code == 409 and "<form method" not in page.content.decode()
    assert client.post(f"/{event.slug}/reflections/new", {}).status_code == 409
