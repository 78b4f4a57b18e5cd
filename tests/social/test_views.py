"""The wall's pages, without JavaScript: what readers and the team see and can do."""

import pytest
from django.urls import reverse

from hubbub.live.models import LiveEntry
from hubbub.social.models import SocialPost, Source

from .helpers import make_post

pytestmark = pytest.mark.django_db


def url(name, event, **kwargs):
    return reverse(f"social:{name}", kwargs={"event": event.slug, **kwargs})


def test_wall_shows_approved_posts_newest_first_with_alt_text(client, event):
    make_post(event, text_html="<p>Waiting one</p>")
    older = make_post(event, status="approved", text_html="<p>Older one</p>", image=True)
    newer = make_post(event, status="featured", text_html="<p>Newer one</p>")
    older.posted_at = newer.posted_at.replace(hour=8)
    older.save()

    page = client.get(url("wall", event)).content.decode()

    assert "Waiting one" not in page
    assert page.index("Newer one") < page.index("Older one")
    assert 'alt="The hall"' in page
    assert "Featured" in page
    assert f'href="{newer.url}"' in page


def test_wall_of_an_unknown_event_is_404(client, db):
    assert client.get("/no-such-event/wall/").status_code == 404


def test_screen_has_a_qr_code_to_the_live_blog(client, event):
    make_post(event, status="approved")
    response = client.get(url("screen", event))
    page = response.content.decode()
    assert '<svg role="img" aria-label="QR code for testserver/' in page
    assert f"testserver/{event.slug}/live/" in page
    assert "data-wall-advance" in page


def test_embed_may_be_framed_anywhere(client, event):
    make_post(event, status="approved", text_html="<p>Embedded post</p>")
    response = client.get(url("embed", event))
    assert "Embedded post" in response.content.decode()
    assert "X-Frame-Options" not in response.headers
    assert "frame-ancestors 'self'" not in response.headers.get("Content-Security-Policy", "")


def test_live_page_shows_a_wall_panel(client, event):
    make_post(event, status="approved", text_html="<p>Seen on the live page</p>")
    page = client.get(reverse("live:page", kwargs={"event": event.slug})).content.decode()
    assert "From social media" in page and "Seen on the live page" in page


def test_live_page_has_no_panel_without_posts(client, event):
    page = client.get(reverse("live:page", kwargs={"event": event.slug})).content.decode()
    assert "From social media" not in page


def test_queue_is_for_the_team(client, event, reporter, moderator):
    assert client.get(url("queue", event)).status_code == 302  # to sign in
    client.force_login(reporter)
    assert client.get(url("queue", event)).status_code == 403
    client.force_login(moderator)
    assert client.get(url("queue", event)).status_code == 200


def test_moderator_approves_from_the_queue(client, event, moderator):
    post = make_post(event, text_html="<p>Please approve me</p>")
    client.force_login(moderator)
    page = client.get(url("queue", event)).content.decode()
    assert "Please approve me" in page
    assert "Quote in the live blog" not in page  # moderators do not post on the live blog

    response = client.post(url("post_action", event, post_id=post.pk), {"decision": "approve"})

    assert response.status_code == 302
    post.refresh_from_db()
    assert post.status == "approved"
    follow = client.get(response.url).content.decode()
    assert "Approved the post by @sam@social.example.org." in follow


def test_editor_quotes_and_takes_down_from_the_queue(client, event, editor):
    post = make_post(event, text_html="<p>Quote me</p>", text="Quote me")
    client.force_login(editor)
    client.post(url("post_action", event, post_id=post.pk), {"decision": "quote"})
    assert LiveEntry.objects.get().kind == "quote"
    client.post(url("post_action", event, post_id=post.pk), {"decision": "takedown"})
    assert not SocialPost.objects.exists()


def test_block_from_the_queue_says_how_many_posts_left(client, event, editor):
    post = make_post(event)
    make_post(event, status="approved")
    client.force_login(editor)
    response = client.post(
        url("post_action", event, post_id=post.pk), {"decision": "block"}, follow=True
    )
    assert "Blocked @sam@social.example.org; 2 posts of theirs are off the wall." in (
        response.content.decode()
    )


def test_post_action_on_another_events_post_is_404(client, event, other_event, editor):
    post = make_post(other_event)
    client.force_login(editor)
    response = client.post(url("post_action", event, post_id=post.pk), {"decision": "approve"})
    assert response.status_code == 404


def test_editor_adds_a_source_and_sees_errors_by_field(client, event, editor, moderator):
    client.force_login(moderator)
    assert client.get(url("sources", event)).status_code == 403
    client.force_login(editor)
    bad = client.post(
        url("sources", event),
        {
            "form": "source",
            "source-kind": "mastodon",
            "source-url": "https://mastodon.example",
            "source-query": "not a tag",
            "source-interval": "60",
        },
    )
    assert bad.status_code == 422
    assert "Enter one hashtag" in bad.content.decode()
    good = client.post(
        url("sources", event),
        {
            "form": "source",
            "source-kind": "mastodon",
            "source-url": "https://mastodon.example",
            "source-query": "#AllChange",
            "source-interval": "60",
        },
    )
    assert good.status_code == 302
    source = Source.objects.get()
    assert source.query == "#AllChange"
    page = client.get(url("sources", event)).content.decode()
    assert "#AllChange @ https://mastodon.example" in page


def test_stopped_source_says_why_and_can_be_restarted(client, event, editor):
    source = Source.objects.create(
        event=event,
        kind="feed",
        url="https://example.org/feed",
        state="stopped",
        failures=5,
        last_error="Stopped after 5 failed polls in a row. Last error: The server answered 500.",
    )
    client.force_login(editor)
    page = client.get(url("sources", event)).content.decode()
    assert "Stopped after 5 failed polls in a row." in page
    client.post(url("source_action", event, source_id=source.pk), {"decision": "restart"})
    source.refresh_from_db()
    assert source.state == "active" and source.last_error == ""


def test_dashboard_counts_waiting_posts_and_stopped_sources(client, event, organiser):
    make_post(event)
    Source.objects.create(event=event, kind="feed", url="https://example.org/f", state="stopped")
    client.force_login(organiser)
    page = client.get(reverse("backoffice:dashboard", kwargs={"event": event.slug}))
    text = page.content.decode()
    assert "Social posts waiting for the wall" in text
    assert "Social sources stopped after errors" in text


def test_wall_settings_are_saved(client, event, editor):
    client.force_login(editor)
    client.post(
        url("sources", event),
        {"form": "settings", "wall-trusted_handles": " @a@b.org \n\n", "wall-blocked_words": "x"},
    )
    event.wall_settings.refresh_from_db()
    assert event.wall_settings.trusted_handles == "@a@b.org"


@pytest.mark.parametrize("page", ["wall", "screen", "embed", "queue"])
def test_wall_pages_cost_the_same_queries_for_one_post_as_for_three(
    client, event, editor, page_queries, page
):
    status = "queued" if page == "queue" else "approved"
    client.force_login(editor)
    make_post(event, status=status, image=True)
    one = page_queries(client, url(page, event))
    make_post(event, status=status, image=True)
    make_post(event, status=status)
    assert page_queries(client, url(page, event)) == one


def test_archive_keeps_its_wall_but_refuses_curation_except_take_down(client, event, editor):
    shown = make_post(event, status="approved", text_html="<p>Kept in the archive</p>")
    waiting = make_post(event)
    event.status = "archived"
    event.save()
    assert "Kept in the archive" in client.get(url("wall", event)).content.decode()
    client.force_login(editor)
    client.post(url("post_action", event, post_id=waiting.pk), {"decision": "approve"})
    waiting.refresh_from_db()
    assert waiting.status == "queued"
    client.post(url("post_action", event, post_id=shown.pk), {"decision": "takedown"})
    assert not SocialPost.objects.filter(pk=shown.pk).exists()
