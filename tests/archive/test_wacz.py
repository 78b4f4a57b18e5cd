"""`hubbub archive … --format wacz`: a web archive that the `wacz` tool accepts."""

import io
import json
import subprocess
import sys
import zipfile

import pytest
from django.core.management import CommandError, call_command
from warcio.archiveiterator import ArchiveIterator

from .conftest import SLUG


@pytest.fixture
def wacz_file(full_event, tmp_path):
    target = tmp_path / "event.wacz"
    call_command("archive", SLUG, "--format", "wacz", "--out", str(target), stdout=io.StringIO())
    return target


def test_wacz_passes_the_wacz_validator(wacz_file):
    result = subprocess.run(
        [sys.executable, "-m", "wacz", "validate", "-f", str(wacz_file)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=wacz_file.parent,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Validation succeeded" in result.stdout


def test_wacz_index_points_at_each_response_record(wacz_file):
    archive = zipfile.ZipFile(wacz_file)
    assert {i.compress_type for i in archive.infolist()} == {zipfile.ZIP_STORED}
    warc = archive.read("archive/data.warc.gz")
    lines = archive.read("indexes/index.cdx").decode().splitlines()
    assert lines == sorted(lines)
    urls = set()
    for line in lines:
        key, timestamp, data = line.split(" ", 2)
        fields = json.loads(data)
        assert key.split(")", 1)[1] in fields["url"].lower()
        offset, length = int(fields["offset"]), int(fields["length"])
        record = next(ArchiveIterator(io.BytesIO(warc[offset : offset + length])))
        assert record.rec_type == "response"
        assert record.rec_headers.get_header("WARC-Target-URI") == fields["url"]
        assert len(timestamp) == 14
        urls.add(fields["url"])
    assert any(u.endswith(f"/{SLUG}/live/") for u in urls)
    assert any("/static/hubbub/site.css" in u for u in urls)
    assert any("/media/" in u for u in urls), "slide images and photos"
    kinds = [r.rec_type for r in ArchiveIterator(io.BytesIO(warc))]
    assert kinds[0] == "warcinfo"
    assert kinds.count("request") == kinds.count("response") == len(lines)


def test_wacz_lists_pages_and_digests_its_datapackage(wacz_file):
    import hashlib

    archive = zipfile.ZipFile(wacz_file)
    pages = [json.loads(line) for line in archive.read("pages/pages.jsonl").splitlines()]
    assert pages[0]["format"] == "json-pages-1.0"
    assert pages[1]["url"].endswith(f"/{SLUG}/")
    assert any(p["title"].startswith("What we heard about shared services") for p in pages[1:])
    package = archive.read("datapackage.json")
    digest = json.loads(archive.read("datapackage-digest.json"))
    assert digest["hash"] == "sha256:" + hashlib.sha256(package).hexdigest()
    for resource in json.loads(package)["resources"]:
        data = archive.read(resource["path"])
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        assert resource["bytes"] == len(data)


def test_wacz_refuses_an_existing_file_without_force(full_event, tmp_path):
    target = tmp_path / "event.wacz"
    target.write_bytes(b"keep")
    with pytest.raises(CommandError, match="exists"):
        call_command("archive", SLUG, "--format", "wacz", "--out", str(target))
    assert target.read_bytes() == b"keep"


def test_wacz_records_the_sites_public_address(full_event, tmp_path, settings):
    settings.HUBBUB_SITE_URL = "https://events.example.gov.uk"
    settings.ALLOWED_HOSTS = ["events.example.gov.uk"]
    target = tmp_path / "event.wacz"
    call_command("archive", SLUG, "--format", "wacz", "--out", str(target), stdout=io.StringIO())
    lines = zipfile.ZipFile(target).read("indexes/index.cdx").decode().splitlines()
    urls = [json.loads(line.split(" ", 2)[2])["url"] for line in lines]
    assert f"https://events.example.gov.uk/{SLUG}/" in urls
    assert all(url.startswith("https://events.example.gov.uk/") for url in urls)
