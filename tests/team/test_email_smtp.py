"""The acceptance email over real SMTP (an aiosmtpd sink on a free local port), and the
set-password link in it working end to end."""

import email
import re

import pytest
from django.contrib.auth import get_user_model

from hubbub.team import services
from tests.conftest import free_port

pytestmark = pytest.mark.django_db


class Sink:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content))
        return "250 OK"


@pytest.fixture
def smtp_sink(settings):
    from aiosmtpd.controller import Controller

    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    # The settings EMAIL_URL=smtp://127.0.0.1:<port> gives.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield sink
    controller.stop()


def test_acceptance_email_goes_over_smtp_with_a_working_set_password_link(
    smtp_sink, client, event, organiser
):
    found = services.team_settings(event)
    found.recruitment_open = True
    found.save()
    application = services.do_submit_application(event, name="Jo Bloggs", email="jo@example.org")
    decision = services.do_accept_application(
        application, actor=organiser, site_url="http://testserver/"
    )
    assert decision.emailed
    [(recipients, raw)] = smtp_sink.messages
    assert recipients == ["jo@example.org"]
    body = email.message_from_bytes(raw).get_payload(decode=True).decode()
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", body)[1]

    # allauth's reset view: the key link leads to the set-password form.
    shown = client.get(link, follow=True)
    assert shown.status_code == 200
    form_url = shown.redirect_chain[-1][0] if shown.redirect_chain else link
    done = client.post(
        form_url, {"password1": "a fresh long passphrase", "password2": "a fresh long passphrase"}
    )
    assert done.status_code == 302
    user = get_user_model().objects.get(email="jo@example.org")
    assert user.check_password("a fresh long passphrase")


def test_unreachable_mail_server_keeps_the_decision_and_says_so(settings, event, organiser):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    settings.EMAIL_TIMEOUT = 2
    found = services.team_settings(event)
    found.recruitment_open = True
    found.save()
    application = services.do_submit_application(event, name="Jo", email="jo@example.org")
    decision = services.do_accept_application(
        application, actor=organiser, site_url="http://testserver/"
    )
    assert not decision.emailed
    application.refresh_from_db()
    assert application.status == "accepted"
