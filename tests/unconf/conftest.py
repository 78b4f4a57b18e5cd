"""Fixtures shared by the unconference tests; builders are in tests/unconf/factories.py."""

import pytest
from django.core.cache import cache

from .factories import make_unconference


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate limits and identity allowances live in the cache: start each test with none."""
    cache.clear()


@pytest.fixture
def s(db):
    """An event with a running unconference: two rooms, two slots, an organiser."""
    return make_unconference()
