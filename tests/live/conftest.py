from .helpers import published, site, site_factory  # noqa: F401 - fixtures for the tests in this folder
