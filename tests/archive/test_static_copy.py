"""`hubbub archive … --format static|zip`: a copy of the event that opens without a server."""

import io
import zipfile

import pytest
from django.core.management import CommandError, call_command

from hubbub.archive.crawl import default_host

from .conftest import SLUG, check_links


def run_archive(*args) -> str:
    out = io.StringIO()
    call_command("archive", *args, stdout=out)
    return out.getvalue()


def test_static_copy_has_every_kind_of_page_and_every_link_resolves(full_event, tmp_path):
    out = tmp_path / "copy"
    report = run_archive(SLUG, "--format", "static", "--out", str(out))
    assert "Archived all-change-2011 as static" in report
    event_dir = out / SLUG
    assert (out / "index.html").is_file()
    for page in [
        "index.html",
        "live/index.html",
        "programme/index.html",
        "programme/schedule.ics",
        "programme/schedule.xml",
        "programme/schedule.json",
        "blog/index.html",
        "blog/what-we-heard-about-shared-services/index.html",
        "slides/index.html",
        "unconference/index.html",
        "feed/rss.xml",
    ]:
        assert (event_dir / page).is_file(), page
    assert list(event_dir.glob("speakers/*/index.html"))
    assert list(event_dir.glob("live/*/index.html")), "entries' own pages"
    assert list((out / "media").rglob("*.webp")) or list((out / "media").rglob("*.jpg")), (
        "slide images and photos are in the copy"
    )
    assert (out / "static/hubbub/site.css").is_file()
    assert check_links(out, (default_host(), "testserver")) == []


def test_static_copy_pages_say_they_are_an_archive_and_carry_no_script(full_event, tmp_path):
    out = tmp_path / "copy"
    run_archive(SLUG, "--out", str(out))
    home = (out / SLUG / "index.html").read_text()
    assert "This is an archive taken on" in home
    live = (out / SLUG / "live/index.html").read_text()
    assert "Embed this live blog" not in live
    assert "appear when you reload" not in live
    post = (out / SLUG / "blog/what-we-heard-about-shared-services/index.html").read_text()
    assert "Thanks for writing this up." in post
    assert "A reply further down." in post
    for page in (out / SLUG).rglob("*.html"):
        text = page.read_text()
        assert "<script" not in text, page
        assert "<form" not in text, page
        assert "live/stream" not in text, page


def test_zip_copy_holds_the_same_files(full_event, tmp_path):
    target = tmp_path / "copy.zip"
    run_archive(SLUG, "--format", "zip", "--out", str(target))
    names = zipfile.ZipFile(target).namelist()
    assert f"{SLUG}/{SLUG}/live/index.html" in names
    assert f"{SLUG}/static/hubbub/site.css" in names


def test_archive_refuses_an_unknown_event(db, tmp_path):
    with pytest.raises(CommandError, match="No event with the slug"):
        run_archive("no-such-event", "--out", str(tmp_path / "copy"))
    assert not (tmp_path / "copy").exists()


def test_archive_refuses_a_non_empty_target_without_force(full_event, tmp_path):
    out = tmp_path / "copy"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(CommandError, match="is not empty"):
        run_archive(SLUG, "--out", str(out))
    assert (out / "notes.txt").read_text() == "mine"
    run_archive(SLUG, "--out", str(out), "--force")
    assert not (out / "notes.txt").exists()
    assert (out / SLUG / "index.html").is_file()


def test_archive_refuses_an_existing_zip_without_force(full_event, tmp_path):
    target = tmp_path / "copy.zip"
    target.write_bytes(b"old")
    with pytest.raises(CommandError, match="exists"):
        run_archive(SLUG, "--format", "zip", "--out", str(target))
    assert target.read_bytes() == b"old"


def test_static_copy_holds_every_page_of_a_long_live_blog(full_event, tmp_path):
    from hubbub.live.models import LiveEntry

    author = full_event.entries.first().author
    LiveEntry.objects.bulk_create(
        LiveEntry(
            event=full_event,
            author=author,
            body=f"Update number {n}",
            body_html=f"<p>Update number {n}</p>",
            status=LiveEntry.Status.PUBLISHED,
        )
        for n in range(130)
    )
    out = tmp_path / "copy"
    run_archive(SLUG, "--out", str(out))
    live = out / SLUG / "live"
    older = sorted(p.name for p in live.glob("index--*before*.html"))
    assert len(older) >= 2, "newest page, then two more pages of older updates"
    text = "".join(p.read_text() for p in live.glob("index*.html"))
    for n in (0, 64, 129):
        assert f"Update number {n}<" in text
    every = LiveEntry.objects.filter(event=full_event, status="published")
    assert all((live / str(e.pk) / "index.html").is_file() for e in every)
    assert check_links(out, (default_host(), "testserver")) == []


def test_a_crawl_that_reaches_its_limit_says_the_copy_is_incomplete(full_event, tmp_path):
    from hubbub.archive.crawl import Crawler

    crawl = Crawler(SLUG, host="testserver", limit=5).run()
    assert crawl.truncated
    assert len(crawl.resources) <= 5


def test_archive_refuses_a_draft_event(event, tmp_path):
    event.status = event.Status.DRAFT
    event.save()
    with pytest.raises(CommandError, match="draft"):
        run_archive(event.slug, "--out", str(tmp_path / "copy"))
    assert not (tmp_path / "copy").exists()
