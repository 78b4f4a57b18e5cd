"""Editors and moderators curate: approve, feature, reject, block, quote, take down."""

import json

import pytest
from django.core.exceptions import PermissionDenied

from hubbub.core.audit import describe_entries
from hubbub.core.models import AuditEntry
from hubbub.live.models import LiveEntry, StreamMessage
from hubbub.live.schemas import MESSAGE_SCHEMAS
from hubbub.social import services
from hubbub.social.models import BlockedAuthor, SocialImage, SocialPost

from .helpers import make_post

pytestmark = pytest.mark.django_db


def messages_of(event):
    return [
        (m.type, json.loads(m.data))
        for m in StreamMessage.objects.filter(event=event).order_by("seq")
    ]


def test_approving_puts_the_post_on_the_wall_and_the_stream(event, moderator):
    post = make_post(event, image=True)
    services.do_approve_post(post, actor=moderator)
    assert list(services.wall_posts(event)) == [post]
    [(kind, data)] = messages_of(event)
    assert kind == "social.approved"
    message = MESSAGE_SCHEMAS["social.approved"].model_validate(data)
    assert message.id == post.pk and message.images[0].alt == "The hall"
    assert f'id="social-post-{post.pk}"' in message.html
    assert 'alt="The hall"' in message.html


def test_feature_marks_the_post(event, editor):
    post = make_post(event)
    services.do_approve_post(post, actor=editor, feature=True)
    post.refresh_from_db()
    assert post.status == "featured"
    assert "wall-post--featured" in messages_of(event)[0][1]["html"]


def test_rejecting_a_shown_post_removes_it_from_open_walls(event, editor):
    post = make_post(event, status="approved")
    services.do_reject_post(post, actor=editor)
    assert list(services.wall_posts(event)) == []
    [(kind, data)] = messages_of(event)
    assert kind == "social.removed"
    MESSAGE_SCHEMAS["social.removed"].model_validate(data)


def test_reporters_may_not_curate(event, reporter):
    post = make_post(event)
    with pytest.raises(PermissionDenied):
        services.do_approve_post(post, actor=reporter)
    post.refresh_from_db()
    assert post.status == "queued"


def test_blocking_an_author_rejects_their_posts_and_future_ones(event, moderator, fake):
    from .fakes import mastodon_status

    shown = make_post(event, status="approved", handle="@spam@127.0.0.1")
    waiting = make_post(event, handle="@Spam@127.0.0.1")
    other = make_post(event, handle="@ada@social.example.org")

    assert services.do_block_author(waiting, actor=moderator) == 2

    statuses = dict(SocialPost.objects.values_list("pk", "status"))
    assert statuses == {shown.pk: "rejected", waiting.pk: "rejected", other.pk: "queued"}
    assert BlockedAuthor.objects.filter(event=event, handle="spam@127.0.0.1").exists()
    assert [kind for kind, _data in messages_of(event)] == ["social.removed"]

    from hubbub.social.models import Source

    fake.json("/api/v1/timelines/tag/AllChange", [mastodon_status(fake.url, 9, acct="spam")])
    source = Source.objects.create(event=event, kind="mastodon", url=fake.url, query="#AllChange")
    report = services.poll_source(source)
    assert report.skipped == 1 and report.new == []


def test_quote_in_the_live_blog_creates_a_quote_entry_with_attribution(event, editor):
    post = make_post(event, text="We *must* redesign [services]", author_name="Sam Ortiz")
    entry = services.do_quote_in_live(post, actor=editor)
    assert entry.kind == LiveEntry.Kind.QUOTE and entry.is_published
    assert entry.body.startswith("> We \\*must\\* redesign \\[services\\]")
    assert "Sam Ortiz (@sam@social.example.org)" in entry.body
    assert f'href="{post.url}"' in entry.body_html
    assert "<em>" not in entry.body_html  # the post's text is quoted, not interpreted
    types = [kind for kind, _data in messages_of(event)]
    assert types == ["entry.created", "social.approved"]


def test_moderators_cannot_quote_in_the_live_blog(event, moderator):
    post = make_post(event)
    with pytest.raises(PermissionDenied):
        services.do_quote_in_live(post, actor=moderator)
    assert not LiveEntry.objects.exists()


def test_take_down_deletes_the_post_and_its_images_and_leaves_no_copy(
    event, editor, django_capture_on_commit_callbacks
):
    post = make_post(event, image=True, text_html="<p>Secret words</p>")
    services.do_approve_post(post, actor=editor)
    image = SocialImage.objects.get(post=post)
    storage, name = image.image.storage, image.image.name
    assert storage.exists(name)

    with django_capture_on_commit_callbacks(execute=True):
        services.do_take_down(post, actor=editor)

    assert not SocialPost.objects.filter(pk=post.pk).exists()
    assert not SocialImage.objects.exists()
    assert not storage.exists(name)
    logged = StreamMessage.objects.filter(event=event)
    assert not any("Secret words" in m.data for m in logged)
    assert {m.type for m in logged} == {"social.removed"}
    audit = AuditEntry.objects.get(action="hubbub.social.taken_down")
    assert "Secret" not in json.dumps(audit.data)


def test_every_curation_action_is_audited_in_words(event, editor):
    post = make_post(event)
    services.do_approve_post(post, actor=editor)
    services.do_reject_post(post, actor=editor)
    services.do_block_author(post, actor=editor)
    entries = describe_entries(
        AuditEntry.objects.filter(event=event, action__startswith="hubbub.social.")
        .select_related("actor", "event")
        .order_by("id")
    )
    name = editor.get_username()
    assert [e.description.text for e in entries] == [
        f"{name} approved a post by @sam@social.example.org for the wall",
        f"{name} rejected a post by @sam@social.example.org",
        f"{name} blocked @sam@social.example.org from the wall",
    ]


def test_check_source_refuses_bad_input():
    from django.core.exceptions import ValidationError

    for fields, field in [
        ({"kind": "myspace", "url": "https://x.org"}, "kind"),
        ({"kind": "mastodon", "url": "ftp://x.org", "query": "#a"}, "server"),
        ({"kind": "mastodon", "url": "https://x.org", "query": "two words"}, "hashtag"),
        ({"kind": "bluesky", "url": "https://x.org", "query": ""}, "query"),
        ({"kind": "feed", "url": "javascript:alert(1)"}, "url"),
        ({"kind": "feed", "url": "https://x.org/feed", "interval": 5}, "interval"),
    ]:
        with pytest.raises(ValidationError) as caught:
            services.check_source(**fields)
        assert field in caught.value.message_dict, fields
