"""Shared fixtures: users with roles, real server processes, a browser, required services."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hubbub.core.permissions import Role
from hubbub.core.tokens import do_create_token
from hubbub.team.organisations import do_grant_organisation_admin

from .factories import EventFactory, OrganisationFactory, UserFactory, grant

REQUIRE_SERVICES = os.environ.get("HUBBUB_REQUIRE_SERVICES") == "1"
REDIS_URL = os.environ.get("HUBBUB_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def missing_service(reason: str):
    """Skip with a visible reason, or fail when CI requires every service."""
    if REQUIRE_SERVICES:
        pytest.fail(f"HUBBUB_REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


# -- data ----------------------------------------------------------------------------------------
@pytest.fixture
def event(db):
    return EventFactory()


@pytest.fixture
def other_event(db):
    return EventFactory()


@pytest.fixture
def council(db):
    return OrganisationFactory(name="Westbrook Council", slug="westbrook")


@pytest.fixture
def org_admin(council):
    """An administrator of the council: may set up its events."""
    user = UserFactory(username="ada")
    do_grant_organisation_admin(user=user, organisation=council)
    return user


def _user_with_role(event, role):
    user = UserFactory()
    grant(user, event, role)
    return user


@pytest.fixture
def organiser(event):
    return _user_with_role(event, Role.ORGANISER)


@pytest.fixture
def editor(event):
    return _user_with_role(event, Role.EDITOR)


@pytest.fixture
def reporter(event):
    return _user_with_role(event, Role.REPORTER)


@pytest.fixture
def moderator(event):
    return _user_with_role(event, Role.MODERATOR)


@pytest.fixture
def page_queries():
    """page_queries(client, url, **headers) -> the number of database queries a GET of ``url``
    makes, with the render caches emptied first so that every page is built from scratch."""

    def count(client, url, **headers) -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, headers=headers)
        assert response.status_code == 200, (url, response.status_code)
        return len(captured)

    return count


@pytest.fixture
def token_for():
    """token_for(user) -> a fresh API token for ``user``."""

    def make(user):
        return do_create_token(user, "test")[1]

    return make


# -- services ------------------------------------------------------------------------------------
@pytest.fixture
def redis_url():
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        missing_service(f"Redis is not reachable at {REDIS_URL}: {exc}")
    return REDIS_URL


# -- real server processes -----------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_database_url() -> str:
    """The URL of the test database, for a server process to use the same data."""
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    user = settings.get("USER") or ""
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    port = settings.get("PORT") or 5432
    return f"postgres://{auth}{settings.get('HOST') or '127.0.0.1'}:{port}/{settings['NAME']}"


class ServerProcess:
    def __init__(self, port: int, env: dict, workers: int = 1):
        self.port = port
        self.base_url = f"http://127.0.0.1:{port}"
        self.env = env
        self.workers = workers
        self.log_path = Path(env["HUBBUB_VAR_DIR"]) / f"server-{port}.log"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 20.0) -> "ServerProcess":
        log = open(self.log_path, "ab")  # noqa: SIM115 - kept open for the process's lifetime
        self.process = subprocess.Popen(
            [sys.executable, "-m", "hubbub.cli", "serve", "--port", str(self.port),
             "--workers", str(self.workers), "--log-level", "warning"],
            env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log_path.read_text()}")
            try:
                if httpx.get(f"{self.base_url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"server did not start:\n{self.log_path.read_text()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def start_server(transactional_db, settings):
    """start_server(broker="memory://", workers=1, **env) -> a running ``hubbub serve``."""
    started: list[ServerProcess] = []

    def start(broker: str = "memory://", workers: int = 1, **extra_env) -> ServerProcess:
        env = {
            **os.environ,
            # The test settings (fast password hashing, local mail) on the same database.
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": server_database_url(),
            "HUBBUB_BROKER": broker,
            "HUBBUB_VAR_DIR": str(settings.VAR_DIR),
            "SECRET_KEY": settings.SECRET_KEY,
            "HUBBUB_MEDIA_ROOT": str(settings.MEDIA_ROOT),
            **{k: str(v) for k, v in extra_env.items()},
        }
        server = ServerProcess(free_port(), env, workers).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


# -- browser -------------------------------------------------------------------------------------
@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Browser tests run last, after pytest-django's ordering: once the session's Playwright
    starts, its event loop counts as running in the main thread, and any later test that calls
    asyncio.run() would fail."""
    items[:] = [item for item in items if "browser" not in item.fixturenames] + [
        item for item in items if "browser" in item.fixturenames
    ]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        missing_service(f"{CHROMIUM} is missing (make test installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    page = context.new_page()
    yield page
    context.close()
