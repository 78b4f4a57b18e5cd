"""Helpers shared by the live and API tests: a broker that records what is published, an SSE
reader with bounded waits, and a look inside rendered HTML."""

import json
import time
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser

import httpx
import pytest

from hubbub.live import publishing
from hubbub.live.broker import CONTROL_PREFIX, Broker, StreamMessageData


# -- capturing published messages ----------------------------------------------------------------
class RecordingBroker(Broker):
    """Keeps every message handed to it, in order, instead of sending it anywhere."""

    url = "recording://"

    def __init__(self):
        self.messages: list[StreamMessageData] = []
        # Instructions to the stream processes (rewrite a log, close desk streams): not for
        # readers, so kept apart from what readers receive.
        self.controls: list[StreamMessageData] = []

    def publish(self, message: StreamMessageData) -> None:
        if message.type.startswith(CONTROL_PREFIX):
            self.controls.append(message)
        else:
            self.messages.append(message)

    async def subscribe(self, handler) -> None:
        pass

    async def unsubscribe(self, handler) -> None:
        pass

    def check(self) -> dict:
        return {"ok": True, "broker": "recording"}

    def of_type(self, type_: str) -> list[StreamMessageData]:
        return [m for m in self.messages if m.type == type_]


class Published:
    """``with published.capture(): ...`` runs the code, commits, and records what was sent."""

    def __init__(self, broker: RecordingBroker, capture_on_commit):
        self.broker = broker
        self._capture_on_commit = capture_on_commit

    @property
    def messages(self) -> list[StreamMessageData]:
        return self.broker.messages

    @contextmanager
    def capture(self):
        with self._capture_on_commit(execute=True):
            yield self.broker.messages


@pytest.fixture
def published(monkeypatch, django_capture_on_commit_callbacks) -> Published:
    broker = RecordingBroker()
    monkeypatch.setattr(publishing, "get_broker", lambda: broker)
    return Published(broker, django_capture_on_commit_callbacks)


# -- reading a live stream -----------------------------------------------------------------------
@dataclass
class SSEEvent:
    id: str | None
    event: str
    data: str

    def json(self):
        return json.loads(self.data)


class SSEStream:
    """One open ``text/event-stream`` response, read line by line.

    Every wait is bounded: each socket read times out after ``read_timeout`` and each call has its
    own deadline, so a stream that goes quiet fails the test instead of hanging it.
    """

    def __init__(self, url: str, headers: dict | None = None, read_timeout: float = 10.0):
        self._client = httpx.Client(timeout=httpx.Timeout(read_timeout, connect=5.0))
        self._context = self._client.stream("GET", url, headers=headers or {})
        self.response = self._context.__enter__()
        self._lines = self.response.iter_lines() if self.response.status_code == 200 else iter(())
        # (monotonic time, text) of every comment line, in arrival order.
        self.comments: list[tuple[float, str]] = []
        self.retry: str | None = None

    @property
    def status_code(self) -> int:
        return self.response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.response.headers

    def wait_connected(self, timeout: float = 10.0) -> "SSEStream":
        """Read up to the server's greeting comment, so the reader is known to be subscribed."""
        assert self.status_code == 200, self.response.read()
        deadline = time.monotonic() + timeout
        for line in self._lines:
            if line.startswith(":"):
                self.comments.append((time.monotonic(), line[1:].strip()))
                if line[1:].strip() == "connected":
                    return self
            elif line.startswith("retry:"):
                self.retry = line.partition(":")[2].strip()
            if time.monotonic() > deadline:
                break
        raise AssertionError("the stream never sent its greeting")

    def next_event(self, timeout: float = 10.0) -> SSEEvent:
        deadline = time.monotonic() + timeout
        fields: dict[str, list[str]] = {}
        for line in self._lines:
            now = time.monotonic()
            if line == "":
                if fields:
                    return SSEEvent(
                        id=fields["id"][-1] if "id" in fields else None,
                        event=fields.get("event", ["message"])[-1],
                        data="\n".join(fields.get("data", [])),
                    )
            elif line.startswith(":"):
                self.comments.append((now, line[1:].strip()))
            else:
                name, _colon, value = line.partition(":")
                value = value.removeprefix(" ")
                if name == "retry":
                    self.retry = value
                else:
                    fields.setdefault(name, []).append(value)
            if now > deadline:
                break
        raise AssertionError(f"no event arrived within {timeout} s")

    def next_events(self, count: int, timeout: float = 10.0) -> list[SSEEvent]:
        deadline = time.monotonic() + timeout
        return [self.next_event(max(deadline - time.monotonic(), 0.1)) for _ in range(count)]

    def wait_for_comments(self, text: str, count: int, timeout: float = 10.0) -> list[float]:
        """Arrival times of the first ``count`` comment lines reading ``text``."""
        deadline = time.monotonic() + timeout
        for line in self._lines:
            now = time.monotonic()
            if line.startswith(":"):
                self.comments.append((now, line[1:].strip()))
            times = [t for t, c in self.comments if c == text]
            if len(times) >= count:
                return times[:count]
            if now > deadline:
                break
        raise AssertionError(f"fewer than {count} '{text}' comments within {timeout} s")

    def wait_ended(self, timeout: float = 10.0) -> None:
        """Read on until the server ends the response (heartbeats keep the wait bounded)."""
        deadline = time.monotonic() + timeout
        for _line in self._lines:
            if time.monotonic() > deadline:
                raise AssertionError(f"the stream was still open after {timeout} s")

    def close(self) -> None:
        try:
            self._context.__exit__(None, None, None)
        finally:
            self._client.close()

    def __enter__(self) -> "SSEStream":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# -- a running server with an event on it ------------------------------------------------------
FAST_HEARTBEAT = {"HUBBUB_STREAM_HEARTBEAT": "0.5,1"}


class Site:
    """A running server, an event on it and a reporter's API token."""

    def __init__(self, server, event, token):
        self.server = server
        self.event = event
        self.token = token
        self.http = httpx.Client(base_url=server.base_url, timeout=10)

    @property
    def stream_url(self) -> str:
        return f"{self.server.base_url}/{self.event.slug}/live/stream"

    def stream(self, last_event_id: str | bytes | None = None, query: str = "") -> SSEStream:
        headers = {} if last_event_id is None else {"Last-Event-ID": last_event_id}
        return SSEStream(self.stream_url + query, headers=headers)

    def post(self, body: str) -> dict:
        response = self.http.post(
            f"/api/v1/events/{self.event.slug}/entries",
            json={"body": body},
            headers={"Authorization": f"Bearer {self.token}"},
        )
        assert response.status_code == 201, response.text
        return response.json()

    def patch(self, entry_id: int, **changes) -> dict:
        response = self.http.patch(
            f"/api/v1/events/{self.event.slug}/entries/{entry_id}",
            json=changes,
            headers={"Authorization": f"Bearer {self.token}"},
        )
        assert response.status_code == 200, response.text
        return response.json()

    def delete(self, entry_id: int) -> None:
        response = self.http.delete(
            f"/api/v1/events/{self.event.slug}/entries/{entry_id}",
            headers={"Authorization": f"Bearer {self.token}"},
        )
        assert response.status_code == 204, response.text

    def get(self, entry_id: int) -> dict:
        response = self.http.get(f"/api/v1/events/{self.event.slug}/entries/{entry_id}")
        assert response.status_code == 200, response.text
        return response.json()

    def close(self) -> None:
        self.http.close()


@pytest.fixture
def site_factory(start_server, event, editor, token_for):
    sites = []

    def make(**env) -> Site:
        site = Site(start_server(**env), event, token_for(editor))
        sites.append(site)
        return site

    yield make
    for site in sites:
        site.close()


@pytest.fixture
def site(site_factory) -> "Site":
    return site_factory(**FAST_HEARTBEAT)


# -- looking inside rendered HTML ----------------------------------------------------------------
class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def html_tags(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """Every element of ``html`` as (tag, attributes), as a browser's parser would see them."""
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.tags


def unsafe_markup(html: str) -> list[str]:
    """What in ``html`` could run script: script tags, on* handlers, javascript: URLs."""
    found = []
    for tag, attrs in html_tags(html):
        if tag in {"script", "iframe", "object", "embed"}:
            found.append(f"<{tag}>")
        for name, value in attrs:
            if name.lower().startswith("on"):
                found.append(f"<{tag} {name}=…>")
            url = "".join((value or "").split()).lower()
            if name.lower() in {"href", "src", "action", "formaction"} and url.startswith(
                ("javascript:", "vbscript:", "data:text/html")
            ):
                found.append(f"<{tag} {name}={value}>")
    return found
