"""The fetcher refuses our own networks, bounds what it reads, and follows few redirects."""

import pytest

from hubbub.social import fetch as fetching
from hubbub.social.fetch import FetchError, fetch, is_public_address, retry_after_seconds

from .fakes import Answer, FakeServer


@pytest.fixture
def local(settings):
    """A local server, with the guard left on (the setting's default)."""
    settings.HUBBUB_SOCIAL_ALLOW_PRIVATE = False
    server = FakeServer().start()
    server.add("/", "hello", "text/plain")
    yield server
    server.stop()


def test_loopback_is_refused_when_private_addresses_are_not_allowed(local):
    with pytest.raises(FetchError, match="private or local network"):
        fetch(local.url + "/")
    assert local.requests == []


def test_localhost_by_name_is_refused(local):
    port = local.httpd.server_address[1]
    with pytest.raises(FetchError, match=r"localhost is on a private or local network"):
        fetch(f"http://localhost:{port}/")
    assert local.requests == []


def test_loopback_is_read_when_allowed(local, settings):
    settings.HUBBUB_SOCIAL_ALLOW_PRIVATE = True
    assert fetch(local.url + "/").content == b"hello"


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.9",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",
        "0.0.0.0",
        "::1",
        "fe80::1",
        "fd00::1",
        "::ffff:127.0.0.1",
        "224.0.0.1",
    ],
)
def test_non_public_addresses_are_recognised(address):
    assert not is_public_address(address)


@pytest.mark.parametrize("address", ["8.8.8.8", "2a00:1450:4009:81f::200e", "1.1.1.1"])
def test_public_addresses_are_allowed(address):
    assert is_public_address(address)


def test_a_name_resolving_to_any_private_address_is_refused(monkeypatch, settings):
    settings.HUBBUB_SOCIAL_ALLOW_PRIVATE = False

    def resolve(host, port, type=0):
        return [(2, 1, 6, "", ("93.184.216.34", port)), (2, 1, 6, "", ("10.0.0.5", port))]

    monkeypatch.setattr(fetching.socket, "getaddrinfo", resolve)
    with pytest.raises(FetchError, match=r"10\.0\.0\.5"):
        fetch("https://mixed.example.org/")


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.org/", "gopher://x/", "http://user:pw@x.org/"]
)
def test_other_schemes_and_credentials_are_refused(url):
    with pytest.raises(FetchError):
        fetch(url)


def test_redirects_are_followed_a_few_times_then_refused(settings):
    settings.HUBBUB_SOCIAL_ALLOW_PRIVATE = True
    server = FakeServer().start()
    try:
        server.add("/a", "", "text/plain", status=302, headers={"Location": "/b"})
        server.add("/b", "here", "text/plain")
        answer = fetch(server.url + "/a")
        assert answer.content == b"here" and answer.url.endswith("/b")
        server.add("/loop", "", "text/plain", status=302, headers={"Location": "/loop"})
        with pytest.raises(FetchError, match="More than 3 redirects"):
            fetch(server.url + "/loop")
        assert server.paths().count("/loop") == 4
    finally:
        server.stop()


def test_redirect_to_a_private_address_is_refused(settings):
    settings.HUBBUB_SOCIAL_ALLOW_PRIVATE = True
    server = FakeServer().start()
    try:
        server.add("/go", "", "text/plain", status=302, headers={"Location": "file:///etc/passwd"})
        with pytest.raises(FetchError, match="Only http"):
            fetch(server.url + "/go")
    finally:
        server.stop()


def test_redirect_target_is_checked_again(settings, monkeypatch):
    """The first hop is allowed (as a public server would be); its redirect to 127.0.0.1 is
    checked afresh and refused."""
    settings.HUBBUB_SOCIAL_ALLOW_PRIVATE = False
    server = FakeServer().start()
    real_check = fetching.check_url
    try:
        port = server.httpd.server_address[1]
        server.add(
            "/go", "", "text/plain", status=302, headers={"Location": f"http://127.0.0.1:{port}/x"}
        )

        def check(url):
            if "public.example" in url:
                return "public.example", port, "127.0.0.1"
            return real_check(url)

        monkeypatch.setattr(fetching, "check_url", check)
        with pytest.raises(FetchError, match="private or local network"):
            fetch(f"http://public.example:{port}/go")
        assert server.paths() == ["/go"]
        assert server.requests[0][2]["Host"] == f"public.example:{port}"
    finally:
        server.stop()


def test_long_answers_are_refused_or_cut(settings):
    settings.HUBBUB_SOCIAL_ALLOW_PRIVATE = True
    server = FakeServer().start()
    try:
        server.routes["/big"] = Answer(b"x" * 5000, content_type="text/html")
        with pytest.raises(FetchError, match="larger than"):
            fetch(server.url + "/big", max_bytes=1000)
        cut = fetch(server.url + "/big", max_bytes=1000, truncate=True)
        assert len(cut.content) == 1000 and cut.truncated
    finally:
        server.stop()


@pytest.mark.parametrize(
    ("header", "seconds"),
    [("30", 30), ("0", 1), ("999999", 3600), ("soon", 60), (None, 60)],
)
def test_retry_after_is_read_within_bounds(header, seconds):
    assert retry_after_seconds(header) == seconds
