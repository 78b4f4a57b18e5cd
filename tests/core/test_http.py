"""Behind a TLS proxy: forwarded headers count only from HUBBUB_TRUSTED_PROXIES."""

import httpx
import pytest
from django.core.cache import cache
from django.test import Client

from hubbub import settings as hubbub_settings
from hubbub.comments.models import Comment
from tests.blog.helpers import make_post
from tests.factories import UserFactory

PROXY = "10.0.0.3"
OUTSIDER = "203.0.113.9"
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    # Rate limits count in the cache, which outlives a test.
    cache.clear()


@pytest.fixture
def behind_proxy(settings):
    settings.HUBBUB_TRUSTED_PROXIES = ["10.0.0.0/24", "2001:db8::/32"]
    settings.SECURE_HSTS_SECONDS = 3600
    return settings


def sign_in(client: Client, **headers):
    """Show the sign-in form, then sign in; both responses."""
    user = UserFactory()
    form = client.get("/accounts/login/", **headers)
    done = client.post(
        "/accounts/login/", {"login": user.username, "password": PASSWORD}, **headers
    )
    assert done.status_code == 302, done.content[:500]
    return form, done


@pytest.mark.django_db
def test_https_from_a_trusted_proxy_gets_secure_cookies_and_hsts(behind_proxy):
    form, done = sign_in(Client(REMOTE_ADDR=PROXY), HTTP_X_FORWARDED_PROTO="https")
    assert form.headers["Strict-Transport-Security"] == "max-age=3600"
    assert form.cookies["csrftoken"]["secure"] is True
    assert done.cookies["sessionid"]["secure"] is True
    assert done.cookies["csrftoken"]["secure"] is True


@pytest.mark.django_db
def test_https_claimed_by_an_untrusted_address_is_plain_http(behind_proxy):
    form, done = sign_in(Client(REMOTE_ADDR=OUTSIDER), HTTP_X_FORWARDED_PROTO="https")
    assert "Strict-Transport-Security" not in form.headers
    assert not form.cookies["csrftoken"]["secure"]
    assert not done.cookies["sessionid"]["secure"]


@pytest.mark.django_db
def test_no_proxy_is_trusted_by_default(settings):
    assert settings.HUBBUB_TRUSTED_PROXIES == []
    form, _done = sign_in(Client(REMOTE_ADDR="127.0.0.1"), HTTP_X_FORWARDED_PROTO="https")
    assert "Strict-Transport-Security" not in form.headers
    assert not form.cookies["csrftoken"]["secure"]


def post_comment(event, post, client: Client, forwarded_for: str | None, n: int = 0):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    return client.post(
        f"/api/v1/events/{event.slug}/comments/post/{post.pk}",
        {"name": "Ada", "email": f"ada{n}@example.org", "body": f"Good point number {n}."},
        content_type="application/json",
        **headers,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("peer", "forwarded_for", "recorded"),
    [
        # The client wrote the leftmost hop itself; the proxy appended the address it saw.
        (PROXY, "198.51.100.1, 192.0.2.44", "192.0.2.44"),
        # A chain of our own proxies is skipped from the right.
        (PROXY, "198.51.100.1, 192.0.2.44, 10.0.0.7", "192.0.2.44"),
        ("2001:db8::5", "2001:db8:ffff::9, 192.0.2.45", "192.0.2.45"),
        # No header from a trusted proxy: the proxy is all we know.
        (PROXY, None, PROXY),
        # From anyone else the header is ignored.
        (OUTSIDER, "192.0.2.44", OUTSIDER),
        ("10.0.1.1", "192.0.2.44", "10.0.1.1"),
    ],
)
def test_comment_records_the_client_address_a_trusted_proxy_reports(
    behind_proxy, event, peer, forwarded_for, recorded
):
    post = make_post(event)
    response = post_comment(event, post, Client(REMOTE_ADDR=peer), forwarded_for)
    assert response.status_code == 201, response.content
    assert Comment.objects.get().ip_address == recorded


@pytest.fixture
def per_address_limit_of_five(settings):
    """Five comments a minute per address, and no tighter limit per browser or email, so the
    address is what these tests see counted."""
    settings.HUBBUB_RATE_LIMITS = {
        **settings.HUBBUB_RATE_LIMITS,
        "comment.address": (5, 60),
        "comment.visitor": (100, 60),
        "comment.email": (100, 60),
    }


@pytest.mark.django_db
def test_rate_limit_cannot_be_dodged_with_made_up_forwarded_addresses(
    behind_proxy, event, per_address_limit_of_five
):
    post = make_post(event)
    client = Client(REMOTE_ADDR=OUTSIDER)
    statuses = [post_comment(event, post, client, f"192.0.2.{n}", n).status_code for n in range(6)]
    assert statuses == [201] * 5 + [429]


@pytest.mark.django_db
def test_rate_limit_counts_each_client_behind_a_trusted_proxy_separately(
    behind_proxy, event, per_address_limit_of_five
):
    post = make_post(event)
    client = Client(REMOTE_ADDR=PROXY)
    statuses = [post_comment(event, post, client, f"192.0.2.{n}", n).status_code for n in range(6)]
    assert statuses == [201] * 6


def test_bad_trusted_proxy_setting_is_refused_with_its_value(monkeypatch):
    monkeypatch.setenv("HUBBUB_TRUSTED_PROXIES", "10.0.0.1, 192.0.2.0/24 ,nginx.internal")
    with pytest.raises(ValueError, match=r"nginx\.internal"):
        hubbub_settings._trusted_proxies()
    monkeypatch.setenv("HUBBUB_TRUSTED_PROXIES", "10.0.0.1, 192.0.2.0/24 ,")
    assert hubbub_settings._trusted_proxies() == ["10.0.0.1", "192.0.2.0/24"]


@pytest.mark.server
def test_real_server_ignores_forwarded_headers_from_an_untrusted_address(start_server, event):
    """uvicorn itself would believe X-Forwarded-* from 127.0.0.1; hubbub trusts no one unset."""
    post = make_post(event)
    server = start_server(HUBBUB_RATE_LIMITS="comment.address=5/60")
    spoofed = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "192.0.2.1"}
    with httpx.Client(base_url=server.base_url) as client:
        form = client.get("/accounts/login/", headers=spoofed)
        assert "strict-transport-security" not in form.headers
        assert "secure" not in form.headers["set-cookie"].lower()
        statuses = []
        for n in range(6):
            headers = {"X-Forwarded-For": f"192.0.2.{n}"}
            body = {"name": "Ada", "email": f"ada{n}@example.org", "body": f"Point {n}."}
            url = f"/api/v1/events/{event.slug}/comments/post/{post.pk}"
            statuses.append(client.post(url, json=body, headers=headers).status_code)
    assert statuses == [201] * 5 + [429]
    assert set(Comment.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}
