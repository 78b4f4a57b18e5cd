import pytest
from django.core.cache import cache

from tests.live.helpers import published, site, site_factory  # noqa: F401 - fixtures


@pytest.fixture(autouse=True)
def clear_rate_limits():
    # Rate limits live in the cache; each test starts with a clean slate.
    cache.clear()
    yield
    cache.clear()
