"""Polling sources against local servers that answer as the real networks do."""

import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from hubbub.live.models import StreamMessage
from hubbub.live.schemas import MESSAGE_SCHEMAS
from hubbub.social import services
from hubbub.social.models import SocialPost, Source
from hubbub.social.services import polling

from ..factories import EventFactory
from .fakes import Answer, bluesky_post, mastodon_status, photo_bytes

pytestmark = pytest.mark.django_db


def make_source(event, kind, url, query=""):
    return Source.objects.create(event=event, kind=kind, url=url, query=query)


def test_mastodon_poll_stores_posts_with_clean_text_and_images(event, fake):
    media = [
        {
            "id": "1",
            "type": "image",
            "url": f"{fake.url}/media/1.jpg",
            "preview_url": f"{fake.url}/media/1s.jpg",
            "description": "A full hall listening to the keynote",
        }
    ]
    text = (
        '<p>Packed room! <script>alert(1)</script><a href="javascript:alert(2)">click</a> '
        '<a href="https://example.org/slides" onclick="x()">slides</a></p>'
    )
    fake.json(
        "/api/v1/timelines/tag/AllChange",
        [mastodon_status(fake.url, 1, text=text, media=media)],
    )
    fake.add("/media/1.jpg", photo_bytes(), "image/jpeg")
    fake.add("/avatars/sam.jpg", photo_bytes((32, 32)), "image/jpeg")
    source = make_source(event, "mastodon", fake.url, "#AllChange")

    report = services.poll_source(source)

    assert report.error == "" and len(report.new) == 1
    post = SocialPost.objects.get()
    assert post.status == "queued"
    assert post.author_name == "Sam Ortiz"
    assert post.author_handle == "@sam@127.0.0.1"
    assert post.url.endswith("/@sam/109000000000000001")
    assert "<script" not in post.text_html and "alert(1)" not in post.text_html
    assert "javascript:" not in post.text_html and "onclick" not in post.text_html
    assert 'href="https://example.org/slides"' in post.text_html
    assert post.links == ["https://example.org/slides"]
    image = post.images.get()
    assert image.alt == "A full hall listening to the keynote"
    with Image.open(image.image.open("rb")) as stored:
        assert not stored.getexif()  # no camera, no GPS position
    assert post.avatar
    source.refresh_from_db()
    assert source.cursor == "109000000000000001"
    assert source.state == "active" and source.next_poll_at is not None
    # The next poll asks only for what is newer.
    services.poll_source(source)
    assert "min_id=109000000000000001" in fake.requests[-1][1]


def test_bluesky_poll_builds_web_links_and_keeps_alt_text(event, fake):
    fake.json(
        "/xrpc/app.bsky.feed.searchPosts",
        {
            "posts": [bluesky_post(fake.url, "3kabc", images=[("/img/1.jpg", "Slide 3")])],
            "cursor": "1",
        },
    )
    fake.add("/img/1.jpg", photo_bytes(), "image/jpeg")
    source = make_source(event, "bluesky", fake.url, "#AllChange")

    services.poll_source(source)

    post = SocialPost.objects.get()
    assert post.url == "https://bsky.app/profile/ada.example.org/post/3kabc"
    assert post.uri == "at://did:plc:abc123/app.bsky.feed.post/3kabc"
    assert post.author_handle == "@ada.example.org"
    assert post.text_html == "<p>Great talk #AllChange</p>"
    assert post.images.get().alt == "Slide 3"
    assert post.links == ["https://example.org/x"]
    query = fake.requests[0][1]
    assert "q=%23AllChange" in query
    source.refresh_from_db()
    services.poll_source(source)
    assert "since=2030-06-10T10%3A00%3A00Z" in fake.requests[-1][1]


def test_same_post_from_two_sources_is_one_item(event, fake):
    status = mastodon_status(fake.url, 7)
    fake.json("/api/v1/timelines/tag/AllChange", [status])
    fake.json("/api/v1/timelines/tag/AllChange2030", [status])
    first = make_source(event, "mastodon", fake.url, "#AllChange")
    second = make_source(event, "mastodon", fake.url, "#AllChange2030")

    services.poll_source(first)
    report = services.poll_source(second)

    assert report.new == [] and report.seen == 1
    post = SocialPost.objects.get()
    assert set(post.sources.all()) == {first, second}


def test_same_post_on_two_events_is_kept_for_each(event, other_event, fake):
    fake.json("/api/v1/timelines/tag/AllChange", [mastodon_status(fake.url, 7)])
    services.poll_source(make_source(event, "mastodon", fake.url, "#AllChange"))
    services.poll_source(make_source(other_event, "mastodon", fake.url, "#AllChange"))
    assert SocialPost.objects.count() == 2


RSS = """<?xml version="1.0"?>
<rss version="2.0"><channel><title>Westbrook Council news</title><link>https://example.org/</link>
<item><title>Our day at All Change</title><link>https://example.org/news/all-change</link>
<guid>https://example.org/news/all-change</guid><pubDate>Mon, 10 Jun 2030 12:00:00 GMT</pubDate>
<description>&lt;p&gt;We spoke about &lt;b&gt;shared services&lt;/b&gt;.&lt;/p&gt;
&lt;script&gt;x()&lt;/script&gt;</description>
</item></channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Digital team blog</title>
<id>urn:uuid:feed</id><updated>2030-06-10T12:00:00Z</updated>
<entry><title>Notes from the think-tank</title><id>urn:uuid:entry-1</id>
<link href="https://blog.example.org/think-tank"/><updated>2030-06-10T13:00:00Z</updated>
<author><name>Jo Bloggs</name></author><summary>Three things we learnt.</summary></entry>
</feed>"""


def test_rss_feed_is_read_and_asked_again_with_its_etag(event, fake):
    fake.routes["/feed.xml"] = [
        Answer(RSS.encode(), content_type="application/rss+xml", headers={"ETag": '"v1"'}),
        Answer(b"", status=304, content_type="application/rss+xml"),
    ]
    source = make_source(event, "feed", f"{fake.url}/feed.xml")

    services.poll_source(source)
    post = SocialPost.objects.get()
    assert post.url == "https://example.org/news/all-change"
    assert "<b>shared services</b>" in post.text_html and "script" not in post.text_html
    assert post.author_name == "Westbrook Council news"

    source.refresh_from_db()
    report = services.poll_source(source)
    assert report.error == "" and report.new == []
    assert fake.requests[-1][2].get("If-None-Match") == '"v1"'


def test_atom_feed_is_read(event, fake):
    fake.add("/atom", ATOM, "application/atom+xml", headers={"Last-Modified": "Mon, 10 Jun 2030"})
    source = make_source(event, "feed", f"{fake.url}/atom")
    services.poll_source(source)
    post = SocialPost.objects.get()
    assert post.author_name == "Jo Bloggs"
    assert post.url == "https://blog.example.org/think-tank"
    assert "Three things we learnt." in post.text
    source.refresh_from_db()
    assert source.last_modified == "Mon, 10 Jun 2030"


def test_single_url_uses_oembed_when_offered(event, fake):
    page = (
        f'<html><head><link rel="alternate" type="application/json+oembed" '
        f'href="{fake.url}/oembed?url=x"><title>A post</title></head><body></body></html>'
    )
    fake.add("/@sam/1", page, "text/html; charset=utf-8")
    fake.json(
        "/oembed",
        {
            "type": "rich",
            "version": "1.0",
            "author_name": "Sam Ortiz",
            "author_url": "https://social.example.org/@sam",
            "provider_name": "Mastodon",
            "html": '<iframe src="https://social.example.org/@sam/1/embed"></iframe>'
            "<blockquote><p>Brilliant panel</p></blockquote><script>x()</script>",
        },
    )
    source = make_source(event, "url", f"{fake.url}/@sam/1")

    services.poll_source(source)
    post = SocialPost.objects.get()
    assert post.author_name == "Sam Ortiz"
    assert post.author_handle == "@sam@social.example.org"
    assert "Brilliant panel" in post.text_html
    assert "iframe" not in post.text_html and "script" not in post.text_html
    # A single post is read once.
    source.refresh_from_db()
    assert services.poll_source(source).new == [] and len(fake.requests) == 2


def test_single_url_falls_back_to_open_graph(event, fake):
    page = """<html><head><meta property="og:title" content="Council wins award">
    <meta property="og:description" content="The digital team was recognised &amp; thanked.">
    <meta property="og:image" content="/card.jpg"><meta property="og:image:alt" content="The team">
    </head></html>"""
    fake.add("/news/award", page, "text/html")
    fake.add("/card.jpg", photo_bytes(), "image/jpeg")
    services.poll_source(make_source(event, "url", f"{fake.url}/news/award"))
    post = SocialPost.objects.get()
    assert "Council wins award" in post.text_html
    assert "recognised &amp; thanked" in post.text_html
    assert post.images.get().alt == "The team"


def test_429_waits_for_retry_after_without_counting_a_failure(event, fake):
    fake.add(
        "/api/v1/timelines/tag/AllChange",
        "slow down",
        "text/plain",
        status=429,
        headers={"Retry-After": "120"},
    )
    source = make_source(event, "mastodon", fake.url, "#AllChange")
    before = timezone.now()

    report = services.poll_source(source, now=before)

    source.refresh_from_db()
    assert report.wait == 120
    assert source.failures == 0 and source.state == "active"
    assert "429" in source.last_error
    assert source.next_poll_at == before + timedelta(seconds=120)


def test_exhausted_rate_limit_delays_the_next_poll(event, fake):
    reset = (timezone.now() + timedelta(seconds=300)).isoformat()
    fake.json(
        "/api/v1/timelines/tag/AllChange",
        [],
        headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset},
    )
    source = make_source(event, "mastodon", fake.url, "#AllChange")
    now = timezone.now()
    services.poll_source(source, now=now)
    source.refresh_from_db()
    assert source.next_poll_at >= now + timedelta(seconds=290)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (Answer(b"<html>hello</html>", content_type="text/html"), "where JSON was expected"),
        (Answer(b'[{"id": "1", "content": '), "not valid JSON"),
        (Answer(b'{"error": "nope"}'), "not a Mastodon timeline"),
        (Answer(b"x" * (10 * 1024 * 1024)), "larger than"),
        (Answer(b"down", status=502, content_type="text/plain"), "answered 502"),
    ],
    ids=["html", "malformed", "wrong-shape", "10mb", "502"],
)
def test_bad_answers_are_shown_on_the_source_and_store_nothing(event, fake, answer, message):
    fake.routes["/api/v1/timelines/tag/AllChange"] = answer
    source = make_source(event, "mastodon", fake.url, "#AllChange")
    report = services.poll_source(source)
    source.refresh_from_db()
    assert message in report.error and message in source.last_error
    assert source.state == "failing" and source.failures == 1
    assert not SocialPost.objects.exists()


def test_source_that_keeps_failing_is_stopped_and_says_so(event, fake):
    fake.add("/api/v1/timelines/tag/AllChange", "<html></html>", "text/html")
    source = make_source(event, "mastodon", fake.url, "#AllChange")
    for _ in range(services.MAX_FAILURES):
        services.poll_source(source)
    source.refresh_from_db()
    assert source.state == "stopped"
    assert source.last_error.startswith("Stopped after 5 failed polls in a row.")
    # Stopped sources are not polled again until restarted.
    assert services.poll_event(event) == []


def test_failing_backoff_grows(event, fake):
    source = make_source(event, "feed", f"{fake.url}/missing.xml")
    now = timezone.now()
    services.poll_source(source, now=now)
    first = source.next_poll_at - now
    services.poll_source(source, now=now)
    assert source.next_poll_at - now == first * 2


def test_one_source_failing_does_not_stop_the_others(event, fake):
    fake.add("/api/v1/timelines/tag/Broken", "<html></html>", "text/html")
    fake.json("/api/v1/timelines/tag/AllChange", [mastodon_status(fake.url, 1)])
    make_source(event, "mastodon", fake.url, "#Broken")
    make_source(event, "mastodon", fake.url, "#AllChange")
    reports = services.poll_event(event)
    assert [bool(r.error) for r in reports] == [True, False]
    assert SocialPost.objects.count() == 1


def test_unexpected_error_in_one_source_is_recorded_not_raised(event, fake, monkeypatch):
    fake.json("/api/v1/timelines/tag/AllChange", [mastodon_status(fake.url, 1)])
    broken = make_source(event, "feed", f"{fake.url}/feed")
    make_source(event, "mastodon", fake.url, "#AllChange")

    real = polling._fetch_posts

    def explode(source):
        if source.pk == broken.pk:
            raise RuntimeError("bug")
        return real(source)

    monkeypatch.setattr(polling, "_fetch_posts", explode)
    services.poll_event(event)
    broken.refresh_from_db()
    assert "RuntimeError" in broken.last_error
    assert SocialPost.objects.count() == 1


def test_huge_image_is_left_out_and_the_post_kept(event, fake, settings):
    settings.HUBBUB_MAX_PHOTO_BYTES = 100_000
    big = Image.new("RGB", (900, 900))
    out = io.BytesIO()
    big.save(out, "BMP")  # large on the wire, and not a format the wall accepts anyway
    fake.add("/media/huge.jpg", out.getvalue(), "image/jpeg")
    bomb = io.BytesIO()
    Image.new("1", (7000, 7000)).save(bomb, "PNG")  # small file, 49 megapixels
    fake.add("/media/bomb.png", bomb.getvalue(), "image/png")
    media = [
        {"type": "image", "url": f"{fake.url}/media/huge.jpg", "description": "big"},
        {"type": "image", "url": f"{fake.url}/media/bomb.png", "description": "bomb"},
    ]
    fake.json("/api/v1/timelines/tag/AllChange", [mastodon_status(fake.url, 1, media=media)])
    services.poll_source(make_source(event, "mastodon", fake.url, "#AllChange"))
    post = SocialPost.objects.get()
    assert post.images.count() == 0


def test_trusted_author_goes_straight_on_the_wall(event, fake):
    services.wall_settings(event)
    event.wall_settings.trusted_handles = "@sam@127.0.0.1"
    event.wall_settings.save()
    fake.json(
        "/api/v1/timelines/tag/AllChange",
        [
            mastodon_status(fake.url, 1),
            mastodon_status(fake.url, 2, text="<p>Buy cheap pills</p>"),
            mastodon_status(fake.url, 3, acct="stranger"),
        ],
    )
    event.wall_settings.blocked_words = "cheap pills"
    event.wall_settings.save()
    services.poll_source(make_source(event, "mastodon", fake.url, "#AllChange"))

    statuses = dict(SocialPost.objects.values_list("url", "status"))
    assert statuses[f"{fake.url}/@sam/109000000000000001"] == "approved"
    assert statuses[f"{fake.url}/@sam/109000000000000002"] == "queued"
    assert statuses[f"{fake.url}/@stranger/109000000000000003"] == "queued"
    held = SocialPost.objects.get(url__endswith="000002")
    assert "cheap pills" in held.held_reason
    message = StreamMessage.objects.get(type="social.approved")
    MESSAGE_SCHEMAS["social.approved"].model_validate(json.loads(message.data))


def test_team_members_handles_are_trusted(event, fake):
    from hubbub.team.models import Application

    Application.objects.create(
        event=event,
        name="Sam",
        email="sam@example.org",
        social_handles="@sam@127.0.0.1, @sam.bsky.social",
        status=Application.Status.ACCEPTED,
    )
    fake.json("/api/v1/timelines/tag/AllChange", [mastodon_status(fake.url, 1)])
    services.poll_source(make_source(event, "mastodon", fake.url, "#AllChange"))
    assert SocialPost.objects.get().status == "approved"


def test_periodic_poll_covers_only_due_sources_of_events_that_are_on(fake):
    today = timezone.localdate()
    on = EventFactory(starts_on=today, ends_on=today)
    later = EventFactory()
    fake.json("/api/v1/timelines/tag/AllChange", [])
    due = make_source(on, "mastodon", fake.url, "#AllChange")
    not_due = make_source(on, "mastodon", fake.url, "#AllChange")
    not_due.next_poll_at = timezone.now() + timedelta(minutes=5)
    not_due.save()
    make_source(later, "mastodon", fake.url, "#AllChange")

    reports = services.poll_due_sources()

    assert [r.source.pk for r in reports] == [due.pk]
    assert len(fake.requests) == 1


def test_poll_command_prints_what_it_fetched(event, fake, capsys):
    fake.json("/api/v1/timelines/tag/AllChange", [mastodon_status(fake.url, 1)])
    fake.add("/feed", "<html></html>", "text/html")
    make_source(event, "mastodon", fake.url, "#AllChange")
    make_source(event, "feed", f"{fake.url}/feed")
    call_command("social", "poll", "--event", event.slug)
    out = capsys.readouterr().out
    assert f"{event.slug}: Mastodon hashtag: #AllChange @ {fake.url}: 1 new, 0 already seen" in out
    assert "+ Waiting: @sam@127.0.0.1:" in out
    assert "error: That address is not an RSS or Atom feed." in out


def test_post_seen_on_mastodon_and_in_its_authors_feed_is_one_item(event, fake):
    status = mastodon_status(fake.url, 4)
    fake.json("/api/v1/timelines/tag/AllChange", [status])
    feed = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Sam</title>
    <item><link>{status["url"]}</link><guid>{status["url"]}</guid>
    <description>Hello</description></item></channel></rss>"""
    fake.add("/@sam.rss", feed, "application/rss+xml")
    services.poll_source(make_source(event, "mastodon", fake.url, "#AllChange"))
    report = services.poll_source(make_source(event, "feed", f"{fake.url}/@sam.rss"))
    assert report.seen == 1 and SocialPost.objects.count() == 1


def test_source_stopped_during_a_poll_stays_stopped(event, fake):
    fake.json("/api/v1/timelines/tag/AllChange", [mastodon_status(fake.url, 1)])
    source = make_source(event, "mastodon", fake.url, "#AllChange")
    Source.objects.filter(pk=source.pk).update(state="stopped")  # by an editor, meanwhile
    services.poll_source(source)
    source.refresh_from_db()
    assert source.state == "stopped" and source.cursor == "109000000000000001"
