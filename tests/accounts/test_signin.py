"""Sign-up does not reveal which addresses are registered; wrong passwords do not lock the
real person out."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from ..factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def sign_up(client, email, username):
    return client.post(
        "/accounts/signup/",
        {"email": email, "username": username, "password1": "a-long pass phrase 42",
         "password2": "a-long pass phrase 42"},
    )  # fmt: skip


def test_sign_up_answers_the_same_for_new_and_registered_addresses(client):
    UserFactory(username="known", email="known@example.org")
    known = sign_up(client, "known@example.org", "someone-else")
    client.logout()
    new = sign_up(client, "new@example.org", "newcomer")
    assert known.status_code == new.status_code == 302
    assert known.url == new.url
    assert not get_user_model().objects.filter(username="someone-else").exists()
    assert get_user_model().objects.filter(username="newcomer").exists()
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"known@example.org", "new@example.org"}
    assert "already" in by_address["known@example.org"].body.lower()
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", by_address[
        "new@example.org"].body).group(1)  # fmt: skip
    # Following the link in the same browser confirms the address and signs the person in.
    client.post(link)
    assert client.get("/").wsgi_request.user.username == "newcomer"


def sign_in(client, login, password, address):
    return client.post(
        "/accounts/login/", {"login": login, "password": password}, REMOTE_ADDR=address
    )


def test_wrong_passwords_do_not_lock_out_the_right_one_from_elsewhere(client):
    UserFactory(username="ada", email="ada@example.org")
    for _ in range(8):
        assert sign_in(client, "ada", "wrong guess", "203.0.113.9").status_code == 200
    paused = sign_in(client, "ada", PASSWORD, "203.0.113.9")
    assert paused.status_code != 302
    assert "Too many wrong passwords for this account from your network" in paused.content.decode()
    # The real person, on another network with a new browser, signs in at once.
    fresh = client.__class__()
    response = sign_in(fresh, "ada", PASSWORD, "198.51.100.20")
    assert response.status_code == 302
    assert fresh.get("/").wsgi_request.user.username == "ada"
