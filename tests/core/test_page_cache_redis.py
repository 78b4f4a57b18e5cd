"""With the Redis broker, content versions are shared: a write made by another process retires
the copies a `hubbub serve` process keeps."""

import httpx
import pytest

from hubbub.blog.models import Post
from hubbub.core import pageversion
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.server


@pytest.fixture
def shared_versions(redis_url, settings):
    url = redis_url.rsplit("/", 1)[0] + "/4"
    settings.HUBBUB_BROKER = url
    pageversion.reset_store()
    yield url
    pageversion.reset_store()


def test_write_in_another_process_shows_on_the_next_request(
    transactional_db, shared_versions, start_server
):
    event = EventFactory(title="Digital by default")
    server = start_server(broker=shared_versions)
    page = f"{server.base_url}/{event.slug}/blog/"
    first = httpx.get(page)
    assert first.status_code == 200 and "etag" in first.headers
    assert httpx.get(page).headers["etag"] == first.headers["etag"]  # the same copy

    # Written here, in the test's process, not in the server's.
    Post.objects.create(event=event, title="Notes from the plenary", slug="notes",
                        author=UserFactory(), body="x", status=Post.Status.PUBLISHED)  # fmt: skip
    after = httpx.get(page)
    assert "Notes from the plenary" in after.text
    assert after.headers["etag"] != first.headers["etag"]
    revalidated = httpx.get(page, headers={"If-None-Match": after.headers["etag"]})
    assert revalidated.status_code == 304
