"""The short cache in front of Django: public answers shared for their max-age, nothing else."""

import asyncio

import pytest

from hubbub.core.microcache import MicroCache


class App:
    """Stands in for Django: answers with the given headers and counts its calls."""

    def __init__(self, status=200, headers=()):
        self.calls = 0
        self.status = status
        self.headers = [(b"content-type", b"application/json"), *headers]

    async def __call__(self, scope, receive, send):
        self.calls += 1
        await send({"type": "http.response.start", "status": self.status, "headers": self.headers})
        await send({"type": "http.response.body", "body": b'{"n": %d}' % self.calls})


def ask(cache, app, query=b"targets=entry-1"):
    sent = []

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": "/ev/comments/likes/",
             "query_string": query, "headers": [(b"host", b"hubbub.test")]}  # fmt: skip
    asyncio.run(cache.handle(scope, None, send, app))
    return sent[0]["status"], sent[-1]["body"]


def test_microcache_shares_a_public_answer_for_its_max_age():
    cache, app = MicroCache(), App(headers=[(b"cache-control", b"public, max-age=1")])
    assert ask(cache, app) == (200, b'{"n": 1}')
    assert ask(cache, app) == (200, b'{"n": 1}')
    assert ask(cache, app, query=b"targets=entry-2") == (200, b'{"n": 2}')
    assert app.calls == 2


@pytest.mark.parametrize(
    "status, headers",
    [
        (200, [(b"cache-control", b"private, max-age=1")]),
        (200, [(b"cache-control", b"public, max-age=1"), (b"set-cookie", b"a=b")]),
        (200, []),
        (400, [(b"cache-control", b"public, max-age=1")]),
    ],
)
def test_microcache_passes_anything_else_through(status, headers):
    cache, app = MicroCache(), App(status=status, headers=headers)
    ask(cache, app)
    ask(cache, app)
    assert app.calls == 2


def test_microcache_does_not_keep_huge_queries():
    cache, app = MicroCache(), App(headers=[(b"cache-control", b"public, max-age=1")])
    ask(cache, app, query=b"t=" + b"x" * 5000)
    ask(cache, app, query=b"t=" + b"x" * 5000)
    assert app.calls == 2
