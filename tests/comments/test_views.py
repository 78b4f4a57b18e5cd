"""The "Leave a Reply" form, likes without JavaScript, the moderation queue."""

import pytest
from django.core import signing
from django.utils import timezone

from hubbub.comments.models import Comment, Like
from hubbub.live.services import do_create_entry

from ..blog.helpers import make_comment, make_post

pytestmark = pytest.mark.django_db


def form_data(**extra):
    data = {
        "name": "Grace Hopper",
        "email": "grace@example.org",
        "url": "",
        "body": "Plain <script>alert('x')</script> & *text*",
        "ts": signing.dumps(timezone.now().timestamp() - 10, salt="hubbub.comments.form-time"),
        "homepage": "",
    }
    data.update(extra)
    return data


def test_guest_comment_is_held_with_a_notice(client, event):
    post = make_post(event)
    response = client.post(post.get_absolute_url(), form_data(), follow=True)
    assert "awaiting moderation" in response.content.decode()
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert comment.body.startswith("Plain <script>")


def test_approved_comment_shows_exactly_as_written(client, event):
    post = make_post(event)
    make_comment(post, body="Plain <script>alert('x')</script> & *text*")
    html = client.get(post.get_absolute_url()).content.decode()
    assert "Plain &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; *text*" in html
    assert "<script>alert" not in html


@pytest.mark.parametrize(
    "extra, message",
    [
        ({"body": ""}, "Write a comment: it is empty."),
        ({"body": "x" * 5001}, "the limit is 5,000"),
        ({"email": "nope"}, "Give an email address like name@example.org."),
        ({"name": ""}, "Give your name."),
        ({"homepage": "http://spam.example"}, "could not be accepted"),
        ({"ts": ""}, "The form has expired"),
    ],
)
def test_bad_input_shows_message_and_stores_nothing(client, event, extra, message):
    post = make_post(event)
    response = client.post(post.get_absolute_url(), form_data(**extra))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Comment.objects.exists()


def test_reply_to_comment_on_another_post_is_refused(client, event):
    post, other = make_post(event), make_post(event, title="Other")
    elsewhere = make_comment(other)
    response = client.post(post.get_absolute_url(), form_data(parent=str(elsewhere.pk)))
    assert response.status_code == 400
    assert "only reply to a published comment on this page" in response.content.decode()
    assert Comment.objects.count() == 1


def test_closed_post_refuses_comments(client, event):
    post = make_post(event, comments_open=False)
    assert "Comments are closed." in client.get(post.get_absolute_url()).content.decode()
    response = client.post(post.get_absolute_url(), form_data())
    assert response.status_code == 400 and not Comment.objects.exists()


def trusted_guest(client, post):
    """This browser's first comment, approved by a moderator: its next ones go straight up."""
    client.post(post.get_absolute_url(), form_data(body="My first comment"))
    Comment.objects.filter(body="My first comment").update(status=Comment.Status.APPROVED)


def test_flood_gets_429_with_a_friendly_text(client, event, settings):
    settings.HUBBUB_RATE_LIMITS = {**settings.HUBBUB_RATE_LIMITS, "comment.visitor": (5, 60),
                                   "comment.email": (5, 60)}  # fmt: skip
    post = make_post(event)
    for n in range(5):
        client.post(post.get_absolute_url(), form_data(body=f"Comment {n}"))
    response = client.post(post.get_absolute_url(), form_data(body="Too many"))
    assert response.status_code == 429
    assert "Please wait a minute" in response.content.decode()
    assert Comment.objects.count() == 5


def test_like_without_javascript_counts_once_per_reader(client, event):
    post = make_post(event)
    like_url = f"/{event.slug}/comments/post/{post.pk}/like/"
    response = client.post(like_url, {"next": post.get_absolute_url()})
    assert response.status_code == 302 and response.url == post.get_absolute_url()
    client.post(like_url)
    assert Like.objects.count() == 1
    page = client.get(post.get_absolute_url()).content.decode()
    assert "1 person likes this" in page and 'aria-pressed="true"' in page
    response = client.post(like_url, {"liked": "0"}, HTTP_ACCEPT="application/json")
    assert response.json() == {"target": f"post-{post.pk}", "count": 0, "liked": False}


def test_like_of_a_post_on_another_event_is_404(client, event, other_event):
    post = make_post(other_event)
    assert client.post(f"/{event.slug}/comments/post/{post.pk}/like/").status_code == 404


def test_like_flood_gets_429(client, event, settings):
    post = make_post(event)
    url = f"/{event.slug}/comments/post/{post.pk}/like/"
    statuses = [client.post(url, HTTP_ACCEPT="application/json").status_code for _ in range(31)]
    assert statuses[-1] == 429 and statuses[0] == 200


def test_live_entry_card_has_like_and_comment_links(client, event, reporter):
    entry = do_create_entry(event=event, author=reporter, body="Keynote starts")
    page = client.get(f"/{event.slug}/live/").content.decode()
    assert f"/{event.slug}/comments/entry/{entry.pk}/" in page
    response = client.post(f"/{event.slug}/comments/entry/{entry.pk}/", form_data())
    assert response.status_code == 302
    assert Comment.objects.get().object_id == entry.pk


def test_moderation_queue_approves_in_bulk(client, event, moderator):
    post = make_post(event)
    held = [make_comment(post, status=Comment.Status.PENDING, name=f"N{i}") for i in range(3)]
    client.force_login(moderator)
    url = f"/{event.slug}/comments/moderate/"
    page = client.get(url).content.decode()
    assert "N0" in page and "Approve" in page
    client.post(url, {"do": "bulk", "action": "approve", "selected": [held[0].pk, held[1].pk]})
    client.post(url, {"do": f"spam:{held[2].pk}"})
    statuses = dict(Comment.objects.values_list("author_name", "status"))
    assert statuses == {"N0": "approved", "N1": "approved", "N2": "spam"}


def test_moderation_queue_is_for_moderators_only(client, event, reporter):
    url = f"/{event.slug}/comments/moderate/"
    assert client.get(url).status_code == 302
    client.force_login(reporter)
    assert client.get(url).status_code == 403


def test_guest_can_edit_from_the_same_device(client, event):
    post = make_post(event)
    trusted_guest(client, post)  # an approved browser: goes straight up
    client.post(post.get_absolute_url(), form_data(body="First version"))
    comment = Comment.objects.get(body="First version")
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Edit your comment" in page
    client.post(f"/{event.slug}/comments/edit/{comment.pk}/", {"body": "Second version"})
    comment.refresh_from_db()
    assert comment.body == "Second version"
    other = client.__class__()
    assert other.get(f"/{event.slug}/comments/edit/{comment.pk}/").status_code == 403


def test_like_without_javascript_returns_to_the_page_it_was_on(client, event, reporter):
    entry = do_create_entry(event=event, author=reporter, body="Keynote starts")
    live = f"http://testserver/{event.slug}/live/"
    response = client.post(f"/{event.slug}/comments/entry/{entry.pk}/like/", HTTP_REFERER=live)
    assert response.url == live
    response = client.post(
        f"/{event.slug}/comments/entry/{entry.pk}/like/", HTTP_REFERER="https://evil.example/"
    )
    assert response.url == entry.get_absolute_url()


def test_entry_comments_page_shows_the_entry_and_its_thread(client, event, reporter):
    entry = do_create_entry(event=event, author=reporter, body="Keynote starts")
    make_comment(entry, body="Great start")
    html = client.get(f"/{event.slug}/comments/entry/{entry.pk}/").content.decode()
    assert "Keynote starts" in html and "Great start" in html and "Leave a Reply" in html
    assert "1 comment" in client.get(f"/{event.slug}/live/").content.decode()


def test_form_with_an_error_keeps_input_time_and_points_at_the_message(client, event):
    post = make_post(event)
    data = form_data(email="nope")
    html = client.post(post.get_absolute_url(), data).content.decode()
    assert f'value="{data["ts"]}"' in html
    assert 'aria-invalid="true"' in html and 'aria-describedby="id_email-error"' in html
    assert 'id="id_email-error"' in html and 'value="Grace Hopper"' in html


def test_signed_in_reader_comments_under_their_account_name(client, event):
    from ..factories import UserFactory

    post = make_post(event)
    user = UserFactory(first_name="Ada", last_name="Lovelace")
    client.force_login(user)
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Commenting as Ada Lovelace" in page and 'name="email"' not in page
    client.post(post.get_absolute_url(), form_data(name="", email=""))
    comment = Comment.objects.get()
    assert comment.user == user and comment.author_name == "Ada Lovelace"


def test_reply_link_fills_the_form_and_reply_nests(client, event):
    post = make_post(event)
    top = make_comment(post, name="Ada", email="grace@example.org")
    trusted_guest(client, post)
    page = client.get(post.get_absolute_url(), {"replyto": top.pk}).content.decode()
    assert "Reply to Ada" in page and f'name="parent" value="{top.pk}"' in page
    client.post(post.get_absolute_url(), form_data(parent=str(top.pk), body="Agreed"))
    reply = Comment.objects.get(body="Agreed")
    assert reply.parent == top and reply.status == "approved"
    html = client.get(post.get_absolute_url()).content.decode()
    assert "comment-list--replies" in html and f'id="comment-{reply.pk}"' in html
