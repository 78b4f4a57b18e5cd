"""Reply notifications go through a real SMTP conversation, and their unsubscribe link works."""

import email
import re
import time
from email import policy

import pytest
from aiosmtpd.controller import Controller

from hubbub.comments import services
from hubbub.comments.models import Comment, EmailOptOut
from hubbub.comments.targets import describe

from ..blog.helpers import make_comment, make_post
from ..conftest import free_port
from ..factories import UserFactory

pytestmark = pytest.mark.django_db


class Sink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 OK"


@pytest.fixture
def smtp(settings):
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield sink
    controller.stop()


def wait_for(sink, count, timeout=5.0):
    deadline = time.monotonic() + timeout
    while len(sink.messages) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return sink.messages


def test_author_and_followers_are_emailed_and_can_unsubscribe(
    smtp, client, event, django_capture_on_commit_callbacks
):
    author = UserFactory(email="author@example.org")
    post = make_post(event, author=author, title="Budget day")
    make_comment(post, email="follower@example.org", notify_replies=True)
    make_comment(post, email="quiet@example.org", notify_replies=False, device_key="quiet")
    with django_capture_on_commit_callbacks(execute=True):
        services.do_post_comment(
            target=describe(post), name="Grace", email="quiet@example.org",
            body="A reply worth reading", base_url="http://testserver", device_key="quiet",
        )  # fmt: skip
    messages = wait_for(smtp, 2)
    assert sorted(r[0] for r, _m in messages) == ["author@example.org", "follower@example.org"]
    to_follower = next(m for r, m in messages if r == ["follower@example.org"])
    assert "Budget day" in to_follower["Subject"]
    text = to_follower.get_body(("plain",)).get_content()
    assert "A reply worth reading" in text
    link = re.search(r"http://testserver(/me/unsubscribe/\S+/)", text).group(1)
    assert str(to_follower["List-Unsubscribe"]).strip() == f"<http://testserver{link}>"

    page = client.get(link)
    assert page.status_code == 200 and "follower@example.org" in page.content.decode()
    assert not EmailOptOut.objects.exists()  # a link preview must not unsubscribe anyone
    done = client.post(link)
    assert "will get no more emails" in done.content.decode()
    assert EmailOptOut.objects.filter(email="follower@example.org").exists()
    assert not Comment.objects.filter(author_email="follower@example.org").first().notify_replies

    smtp.messages.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.do_post_comment(
            target=describe(post), name="Grace", email="quiet@example.org",
            body="Another one", base_url="http://testserver", device_key="quiet",
        )  # fmt: skip
    assert [r for r, _m in wait_for(smtp, 1)] == [["author@example.org"]]
    time.sleep(0.2)
    assert len(smtp.messages) == 1


def test_held_comment_sends_nothing_until_approved(smtp, event, moderator,
                                                  django_capture_on_commit_callbacks):  # fmt: skip
    post = make_post(event, author=UserFactory(email="author@example.org"))
    with django_capture_on_commit_callbacks(execute=True):
        comment = services.do_post_comment(
            target=describe(post), name="New", email="new@example.org", body="Hello"
        )
    time.sleep(0.2)
    assert comment.status == "pending" and smtp.messages == []
    with django_capture_on_commit_callbacks(execute=True):
        services.do_moderate([comment], actor=moderator, action="approve", event=event)
    assert [r for r, _m in wait_for(smtp, 1)] == [["author@example.org"]]


def test_forged_unsubscribe_link_is_refused(client):
    assert client.get("/me/unsubscribe/not-a-token/").status_code == 400
