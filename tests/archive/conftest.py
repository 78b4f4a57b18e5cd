"""An event with every kind of public content, and a link checker for static copies."""

import io
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image

from hubbub.blog.models import Post
from hubbub.blog.services import do_save_post, post_target
from hubbub.comments.models import Comment
from hubbub.comments.services.moderation import do_post_comment
from hubbub.events.models import Event
from hubbub.media.services import galleries, slideshows

from ..media.pdfs import make_pdf

SLUG = "all-change-2011"


def jpeg(colour="teal") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (400, 300), colour).save(out, "JPEG")
    return SimpleUploadedFile("photo.jpg", out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def full_event(db, settings, tmp_path, django_capture_on_commit_callbacks):
    """The demo conference plus a blog post with a threaded conversation, a slide deck with its
    slide images and a photo gallery."""
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()  # rate limits and cached pages from earlier tests
    call_command("demo", stdout=io.StringIO())
    event = Event.objects.get(slug=SLUG)
    organiser = get_user_model().objects.get(username="organiser")
    post = do_save_post(
        event=event,
        author=organiser,
        title="What we heard about shared services",
        body="Councils **shared** more than they expected. "
        "See [the programme](/all-change-2011/programme/).",
        status=Post.Status.PUBLISHED,
        categories="Reports",
        tags="shared services, leadership",
    )
    target = post_target(post)
    first = do_post_comment(
        target=target, user=organiser, body="Thanks for writing this up.", device_key="k1"
    )
    first.status = Comment.Status.APPROVED
    first.save()
    reply = do_post_comment(
        target=target, user=organiser, body="A reply further down.", parent_id=first.pk
    )
    reply.status = Comment.Status.APPROVED
    reply.save()
    with django_capture_on_commit_callbacks(execute=True):  # the slide rendering job
        deck = slideshows.do_create_slideshow(
            event=event,
            actor=organiser,
            title="Leading when everything changes",
            upload=SimpleUploadedFile("deck.pdf", make_pdf(["Welcome", "Budgets", "Thank you"])),
            allow_download=True,
        )
    deck.refresh_from_db()
    assert deck.is_ready
    galleries.do_create_gallery(
        event=event, actor=organiser, title="The day in pictures", files=[jpeg(), jpeg("red")]
    )
    return event


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, str, str]] = []  # (tag, attribute, value)

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name in {"href", "src", "poster", "action"}:
                self.links.append((tag, name, value))
            elif name == "srcset":
                for part in value.split(","):
                    if part.strip():
                        self.links.append((tag, name, part.split()[0]))


CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")


def check_links(root: Path, site_hosts: tuple[str, ...]) -> list[str]:
    """Problems in a static copy: links that do not resolve to a file in it, anything loaded
    from elsewhere, and absolute URLs to the site."""
    problems = []
    for file in sorted(root.rglob("*")):
        if file.suffix not in {".html", ".css"}:
            continue
        text = file.read_text()
        for host in site_hosts:
            if f"//{host}" in text:
                problems.append(f"{file}: absolute URL to the site ({host})")
        if file.suffix == ".css":
            links = [("css", "url", m.group(2)) for m in CSS_URL.finditer(text)]
        else:
            parser = _Links()
            parser.feed(text)
            links = parser.links
        for tag, attr, value in links:
            if value.startswith(("#", "data:", "mailto:")):
                continue
            parts = urlsplit(value)
            if parts.scheme or value.startswith("/"):
                if tag == "a" and attr == "href" and parts.netloc not in site_hosts:
                    continue  # a link to another site is fine; loading from one is not
                problems.append(f"{file}: {tag} {attr}={value} is not relative")
                continue
            target = (file.parent / unquote(parts.path)).resolve()
            if not target.is_file() or root.resolve() not in target.parents:
                problems.append(f"{file}: {tag} {attr}={value} does not resolve to a file")
    return problems
