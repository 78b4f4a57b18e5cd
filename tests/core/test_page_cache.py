"""Public pages from copies kept by content version: the same page for every reader who is not
signed in, a new copy on the request after any write that changes it, and nothing personal in
a copy."""

import asyncio
import re
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone

from hubbub.asgi import django_application
from hubbub.blog.models import Post
from hubbub.comments.models import Comment
from hubbub.comments.services import do_like, do_moderate
from hubbub.comments.targets import describe
from hubbub.core import pageversion, visitor
from hubbub.core.pagecache import PageCache
from hubbub.core.permissions import Role
from hubbub.events.programme_setup import do_change_session
from hubbub.events.setup import do_update_event
from hubbub.live import publish
from hubbub.live.models import LiveEntry
from hubbub.live.services import (
    do_create_entry,
    do_delete_entry,
    do_pin_entry,
    do_update_entry,
)
from hubbub.media.models import Gallery
from tests.factories import EventFactory, SessionFactory, SpeakerFactory, UserFactory, grant

PASSWORD = "correct horse battery staple"


class Front:
    """The ASGI front as `hubbub serve` runs it, counting the pages Django renders."""

    def __init__(self):
        self.rendered = 0
        self.cache = PageCache(self._django)

    async def _django(self, scope, receive, send):
        self.rendered += 1
        await django_application(scope, receive, send)

    def get(self, path, *, cookie="", headers=()):
        path, _, query = path.partition("?")
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": query.encode(),
            "root_path": "",
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8000),
            "headers": [(b"host", b"127.0.0.1"), *headers]
            + ([(b"cookie", cookie.encode())] if cookie else []),
        }
        app = self.cache if PageCache.applies(scope) else self._django
        return asyncio.run(_call(app, scope))


class Answer:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.text = body.decode()


async def _call(app, scope):
    start, chunks = {}, []
    requested = False

    async def receive():
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()

    async def send(message):
        if message["type"] == "http.response.start":
            start.update(message)
        else:
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    headers = {}
    for name, value in start["headers"]:
        headers.setdefault(name.decode().lower(), value.decode())
    return Answer(start["status"], headers, b"".join(chunks))


@pytest.fixture
def front(transactional_db):
    pageversion.reset_store()
    return Front()


@pytest.fixture
def live_event(transactional_db):
    today = timezone.localdate()
    return EventFactory(status="live", starts_on=today, ends_on=today + timedelta(days=1))


def _session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


# -- one copy for everyone ------------------------------------------------------------------------
def test_public_page_is_rendered_once_for_readers_with_and_without_cookies(front, live_event):
    first = front.get(f"/{live_event.slug}/")
    second = front.get(f"/{live_event.slug}/", cookie="hubbub_visitor=abc; csrftoken=x" * 1)
    third = front.get(f"/{live_event.slug}/")
    assert first.status == second.status == third.status == 200
    assert first.text == second.text == third.text
    assert front.rendered == 1
    assert first.headers["etag"] == third.headers["etag"]
    assert "public" in first.headers["cache-control"]
    assert "set-cookie" not in second.headers


def test_copy_answers_if_none_match_with_304_and_a_malformed_one_with_the_page(front, live_event):
    etag = front.get(f"/{live_event.slug}/").headers["etag"]
    same = front.get(f"/{live_event.slug}/", headers=[(b"if-none-match", etag.encode())])
    assert same.status == 304 and same.text == ""
    for junk in (b'"nonsense', b",,,", b"W/", b"\x00\xff" * 3000):
        answer = front.get(f"/{live_event.slug}/", headers=[(b"if-none-match", junk)])
        assert answer.status == 200 and live_event.title in answer.text


def test_unknown_and_huge_query_strings_never_get_a_wrong_page(front, live_event):
    plain = front.get(f"/{live_event.slug}/live/")
    odd = front.get(f"/{live_event.slug}/live/?utm_source=x&order=sideways&zzz=" + "y" * 500)
    assert odd.status == 200 and odd.text == plain.text
    oldest = front.get(f"/{live_event.slug}/live/?order=oldest")
    assert oldest.status == 200
    assert front.get(f"/{live_event.slug}/live/?" + "a=1&" * 2000).status == 414
    assert front.get(f"/{live_event.slug}/live/").text == plain.text


def test_signed_in_people_each_see_only_their_own_name(front, live_event):
    ada, bob = UserFactory(username="ada"), UserFactory(username="bob")
    for user in (ada, bob):
        user.set_password(PASSWORD)
        user.save()
    page = f"/{live_event.slug}/programme/"
    stranger = front.get(page)
    as_ada = front.get(page, cookie=_session_cookie(ada))
    as_bob = front.get(page, cookie=_session_cookie(bob))
    again = front.get(page, cookie="hubbub_visitor=abc")
    assert "Signed in as ada" in as_ada.text and "bob" not in as_ada.text
    assert "Signed in as bob" in as_bob.text and "ada" not in as_bob.text
    for shared in (stranger, again):
        assert "Signed in as" not in shared.text
    assert "public" not in as_ada.headers.get("cache-control", "")


def test_copies_carry_no_csrf_token_and_set_no_cookie(front, live_event):
    slug = live_event.slug
    for path in ("/", f"/{slug}/", f"/{slug}/live/", f"/{slug}/unconference/",
                 f"/{slug}/programme/"):  # fmt: skip
        answer = front.get(path, cookie="csrftoken=abcdefghijklmnopqrstuvwxyz012345")
        assert answer.status in (200, 404), path
        assert "csrfmiddlewaretoken" not in answer.text, path
        assert "set-cookie" not in answer.headers, path


def _post_with_comments(event, **comment):
    author = UserFactory()
    post = Post.objects.create(event=event, title="Day one", slug="day-one", author=author,
                               body="Hello", status=Post.Status.PUBLISHED)  # fmt: skip
    return post, f"/{event.slug}/blog/day-one/"


def _form_token(text: str) -> str:
    found = re.search(r'name="ts" value="([^"]+)"', text)
    assert found, "the comment form has its timing token"
    return found[1]


def test_page_with_a_comment_form_is_shared_with_a_new_token_in_every_answer(front, live_event):
    """A blog post with open comments is rendered once; each answer's form still has a
    single-use timing token of its own, no cookie is set, and no proxy may keep it."""
    _post, page = _post_with_comments(live_event)
    one, two = front.get(page), front.get(page, cookie="hubbub_reader=abc")
    assert one.status == two.status == 200
    assert front.rendered == 1
    assert "set-cookie" not in one.headers and "set-cookie" not in two.headers
    assert _form_token(one.text) != _form_token(two.text)
    assert "hubbub-fresh" not in one.text and "hubbub:part" not in one.text
    assert one.headers["cache-control"] == "private, no-cache" and "etag" not in one.headers
    assert int(one.headers["content-length"]) == len(one.text.encode())


def test_token_from_a_shared_page_is_accepted_once(front, live_event, settings):
    settings.HUBBUB_COMMENT_MIN_FILL_SECONDS = 0
    post, page = _post_with_comments(live_event)
    token = _form_token(front.get(page).text)
    client = Client(HTTP_SEC_FETCH_SITE="same-origin")
    form = {"body": "Good point", "name": "Cy", "email": "cy@example.org", "ts": token}
    first = client.post(page, form)
    assert first.status_code == 302
    again = client.post(page, {**form, "body": "Another"})
    assert "already sent" in again.content.decode()
    assert Comment.objects.filter(object_id=post.pk).count() == 1


def test_signed_in_readers_get_the_shared_page_with_their_own_parts(front, live_event):
    """One render for strangers and for every signed-in reader without a role: each sees
    their own name in the header and in the comment form, never anyone else's."""
    ada, bob = UserFactory(username="ada"), UserFactory(username="bob")
    _post, page = _post_with_comments(live_event)
    stranger = front.get(page)
    as_ada = front.get(page, cookie=_session_cookie(ada))
    as_bob = front.get(page, cookie=_session_cookie(bob))
    assert front.rendered == 1
    assert "Signed in as ada" in as_ada.text and "Commenting as ada" in as_ada.text
    assert "bob" not in as_ada.text
    assert "Signed in as bob" in as_bob.text and "Commenting as bob" in as_bob.text
    assert "ada" not in as_bob.text
    assert "Signed in as" not in stranger.text and "Commenting as" not in stranger.text
    assert "Sign in to comment" in stranger.text
    assert as_ada.headers["cache-control"] == "private, no-cache"
    assert int(as_ada.headers["content-length"]) == len(as_ada.text.encode())


def test_the_events_team_gets_pages_rendered_for_them_and_kept_for_them(front, live_event):
    """A team member's page is Django's, with their links; reloading it costs nothing until
    the event changes, and nobody else (a stranger, another editor) is given it."""
    editor, other = _reporter(live_event), _reporter(live_event)
    page = f"/{live_event.slug}/programme/"
    # As a browser sends them once it has its CSRF cookie (the first page sets it).
    editor_cookie = _session_cookie(editor) + "; csrftoken=abcdefghijklmnopqrstuvwxyz012345"
    stranger = front.get(page)
    as_editor = front.get(page, cookie=editor_cookie)
    again = front.get(page, cookie=editor_cookie)
    assert front.rendered == 2
    assert f"Signed in as {editor.username}" in as_editor.text
    assert again.text == as_editor.text
    assert f'href="/{live_event.slug}/team/"' in as_editor.text
    assert f'href="/{live_event.slug}/team/"' not in stranger.text
    assert as_editor.headers["cache-control"] == "private, no-cache"
    as_other = front.get(page, cookie=_session_cookie(other))
    assert front.rendered == 3 and editor.username not in as_other.text
    SessionFactory(event=live_event, title="Added late")
    after = front.get(page, cookie=editor_cookie)
    assert "Added late" in after.text and front.rendered == 5  # a new copy, then theirs


def test_a_guest_sees_the_edit_link_on_their_own_comment_only(front, live_event):
    post, page = _post_with_comments(live_event)
    target = describe(post)
    Comment.objects.create(
        content_type=ContentType.objects.get_for_model(Post), object_id=post.pk,
        event=live_event, author_name="Cy", author_email="cy@example.org", body="Mine",
        status=Comment.Status.APPROVED, device_key="cy-browser",
    )  # fmt: skip
    assert target.key == f"post-{post.pk}"
    mine = front.get(page, cookie=f"{visitor.COOKIE}={_signed_reader('cy-browser')}")
    theirs = front.get(page, cookie=f"{visitor.COOKIE}={_signed_reader('someone-else')}")
    stranger = front.get(page)
    forged = front.get(page, cookie=f"{visitor.COOKIE}=cy-browser")  # unsigned: a stranger
    assert front.rendered == 1
    assert "Edit your comment" in mine.text
    for other in (theirs, stranger, forged):
        assert "Edit your comment" not in other.text


def _signed_reader(key: str) -> str:
    response = HttpResponse()
    response.set_signed_cookie(visitor.COOKIE, key, salt=visitor.SALT)
    return response.cookies[visitor.COOKIE].value


# -- every write that changes a page shows on the next request ------------------------------------
def _reporter(event):
    user = UserFactory()
    grant(user, event, Role.EDITOR)
    return user


def test_entry_post_edit_pin_and_delete_show_on_the_next_request(front, live_event):
    page = f"/{live_event.slug}/live/"
    editor = _reporter(live_event)
    front.get(page)
    entry = do_create_entry(event=live_event, author=editor, body="Coffee is served")
    assert "Coffee is served" in front.get(page).text
    entry = do_update_entry(entry, actor=editor, body="Lunch is served")
    assert "Lunch is served" in front.get(page).text
    before = front.get(page).text
    do_pin_entry(LiveEntry.objects.get(pk=entry.pk), actor=editor)
    assert front.get(page).text != before
    do_delete_entry(LiveEntry.objects.get(pk=entry.pk), actor=editor)
    assert "Lunch is served" not in front.get(page).text


def test_programme_and_speaker_changes_show_on_the_next_request(front, live_event):
    session = SessionFactory(event=live_event, title="Opening plenary")
    organiser = UserFactory()
    grant(organiser, live_event, Role.ORGANISER)
    page = f"/{live_event.slug}/programme/"
    assert "Opening plenary" in front.get(page).text
    do_change_session(session, actor=organiser, title="Welcome and plenary")
    assert "Welcome and plenary" in front.get(page).text
    speaker = SpeakerFactory(event=live_event, name="Dr Amara Okafor")
    session_page = front.get(session.get_absolute_url())
    assert session_page.status == 200 and "Dr Amara Okafor" not in session_page.text
    session.speakers.add(speaker)  # a many-to-many change
    assert "Dr Amara Okafor" in front.get(session.get_absolute_url()).text


def test_event_settings_change_event_pages_and_the_index(front, live_event):
    organiser = UserFactory()
    grant(organiser, live_event, Role.ORGANISER)
    front.get("/")
    front.get(f"/{live_event.slug}/")
    do_update_event(live_event, actor=organiser, title="All Change 2031")
    assert "All Change 2031" in front.get(f"/{live_event.slug}/").text
    assert "All Change 2031" in front.get("/").text


def test_blog_posts_published_and_edited_show_on_the_next_request(front, live_event):
    author = UserFactory()
    listing = f"/{live_event.slug}/blog/"
    front.get(listing)
    front.get("/blog/")
    post = Post.objects.create(event=live_event, title="What we learnt", slug="what",
                               author=author, body="x", status=Post.Status.PUBLISHED)  # fmt: skip
    assert "What we learnt" in front.get(listing).text
    post.title = "What we will do"
    post.save()
    assert "What we will do" in front.get(listing).text
    Post.objects.create(event=None, title="Site news", slug="news", author=author, body="x",
                        status=Post.Status.PUBLISHED)  # fmt: skip
    assert "Site news" in front.get("/blog/").text


def test_galleries_and_their_photos_move_the_event_version(front, live_event):
    page = f"/{live_event.slug}/slides/"
    front.get(page)
    gallery = Gallery.objects.create(event=live_event, title="Day one photos")
    assert "Day one photos" in front.get(page).text
    # A photo reaches its event through its gallery.
    from hubbub.media.models import Photo

    assert pageversion.keys_for(Photo(gallery=gallery)) == {live_event.pk}


def test_unconference_rows_reach_their_event(live_event):
    from hubbub.unconf.models import Pitch, Slot, Unconference

    unconference = Unconference.objects.create(event=live_event)
    assert pageversion.keys_for(Slot(unconference=unconference)) == {live_event.pk}
    assert pageversion.keys_for(Pitch(unconference=unconference)) == {live_event.pk}


def test_comment_approval_moves_the_event_version(live_event):
    moderator = UserFactory()
    grant(moderator, live_event, Role.MODERATOR)
    post = Post.objects.create(event=live_event, title="Post", slug="p", author=moderator,
                               body="x", status=Post.Status.PUBLISHED)  # fmt: skip
    target = describe(post)
    comment = Comment.objects.create(
        event=live_event, content_type=ContentType.objects.get_for_model(Post), object_id=post.pk,
        author_name="Sam", author_email="sam@example.org", body="Great",
        status=Comment.Status.PENDING,
    )  # fmt: skip
    before = pageversion.current(live_event.pk)
    do_moderate(Comment.objects.filter(pk=comment.pk), actor=moderator, action="approve",
                event=live_event)  # fmt: skip
    assert pageversion.current(live_event.pk) != before
    assert target.obj == post


def test_likes_do_not_move_the_version(live_event):
    editor = _reporter(live_event)
    entry = do_create_entry(event=live_event, author=editor, body="Coffee")
    before = pageversion.current(live_event.pk)
    do_like(describe(entry), reader_key="reader-1", liked=True)
    publish(live_event, "like.updated", {"target": "entry-1", "count": 1})
    assert pageversion.current(live_event.pk) == before


# -- forms on shared pages: accepted by their origin ----------------------------------------------
@pytest.mark.parametrize(
    ("headers", "accepted"),
    [
        ({"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}, True),
        ({"Origin": "http://testserver"}, True),
        ({"Sec-Fetch-Site": "same-origin"}, True),
        ({"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}, False),
        ({"Origin": "http://testserver", "Sec-Fetch-Site": "same-site"}, False),
        ({"Origin": "null"}, False),
        ({"Sec-Fetch-Site": "cross-site"}, False),
        ({}, False),
    ],
)
def test_form_without_token_is_accepted_only_from_this_site(db, headers, accepted):
    user = UserFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post("/accounts/logout/", headers=headers)
    assert (response.status_code == 302) is accepted, response.status_code
    assert (response.status_code == 403) is not accepted


@pytest.mark.parametrize(
    "header",
    [
        (b"Cache-Control", b"max-age=0, no-cache, no-store, must-revalidate, private"),
        (b"Cache-Control", b"private"),
        (b"Vary", b"Accept, Cookie"),
        (b"Set-Cookie", b"reader=1; Path=/"),
    ],
)
def test_answers_a_view_marks_personal_are_never_shared(header):
    rendered = []

    async def view(scope, receive, send):
        rendered.append(scope)
        await send({"type": "http.response.start", "status": 200, "headers": [header]})
        await send({"type": "http.response.body", "body": f"page {len(rendered)}".encode()})

    pageversion.reset_store()
    front = Front()
    front.cache = PageCache(view)
    first, second = front.get("/"), front.get("/")
    assert (first.text, second.text) == ("page 1", "page 2")
    assert "etag" not in first.headers


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("en;q=0.1, cy;q=0.9", "cy"),
        ("cy;q=0, en-gb", "en-gb"),
        ("cy-GB,cy;q=0.9", "cy"),
        ("fr, de", "en-gb"),
        ("", "en-gb"),
    ],
)
def test_page_cache_language_follows_accept_language_weights(header, language):
    from hubbub.core.pagecache import resolve_language

    scope = {"headers": [(b"accept-language", header.encode())]}
    assert resolve_language(scope, {}) == language
