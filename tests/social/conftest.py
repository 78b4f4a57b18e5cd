import pytest

from .fakes import FakeServer


@pytest.fixture
def fake(settings):
    """A local server standing in for the networks, with private addresses allowed."""
    settings.HUBBUB_SOCIAL_ALLOW_PRIVATE = True
    server = FakeServer().start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def empty_caches():
    """Pages are cached by event id and stream position, which repeat between tests."""
    from django.core.cache import cache

    cache.clear()
