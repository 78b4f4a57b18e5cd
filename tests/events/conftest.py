from tests.live.helpers import published  # noqa: F401 - a fixture for the lifecycle tests
