"""A web archive of an event: WARC records of every page and asset as served, packed as WACZ.

Follows the WACZ 1.1.1 layout (https://specs.webrecorder.net/wacz/1.1.1/): the WARC in
`archive/data.warc.gz` (one gzip member per record; a request and a response record per URL),
the CDXJ index in `indexes/index.cdx`, the pages list in `pages/pages.jsonl`, and
`datapackage.json` with the sha256 of each, whose own digest is in `datapackage-digest.json`.
Every member is stored uncompressed in the zip, so replay tools can seek into the WARC."""

from __future__ import annotations

import hashlib
import html
import io
import json
import re
import zipfile
from datetime import UTC, datetime
from http import HTTPStatus
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from .crawl import Crawl, Resource

WACZ_VERSION = "1.1.1"
WARC_NAME = "data.warc.gz"
SOFTWARE = "hubbub archive"
TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
HOP_BY_HOP = {"transfer-encoding", "connection", "content-length", "keep-alive"}


def surt(url: str) -> str:
    """The Sort-friendly URI Reordering Transform the CDXJ index is keyed and sorted by."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.port and parts.port not in {80, 443}:
        host += f":{parts.port}"
    if host.startswith("www."):
        host = host[4:]
    if not re.fullmatch(r"[\d.]+(:\d+)?", host):
        host = ",".join(reversed(host.split(":")[0].split("."))) + (
            ":" + host.split(":")[1] if ":" in host else ""
        )
    key = f"{host})" + (parts.path or "/")
    if parts.query:
        key += "?" + "&".join(sorted(parts.query.split("&")))
    return key.lower()


def _title(resource: Resource) -> str:
    found = TITLE.search(resource.body.decode("utf-8", "replace"))
    return html.unescape(found.group(1)).strip() if found else ""


def _response_headers(resource: Resource) -> StatusAndHeaders:
    try:
        reason = HTTPStatus(resource.status).phrase
    except ValueError:
        reason = ""
    headers = [(k, v) for k, v in resource.headers if k.lower() not in HOP_BY_HOP]
    headers.append(("Content-Length", str(len(resource.body))))
    return StatusAndHeaders(f"{resource.status} {reason}", headers, protocol="HTTP/1.1")


def _request_headers(crawl: Crawl, path: str) -> StatusAndHeaders:
    headers = [("Host", crawl.host), ("User-Agent", SOFTWARE), ("Accept", "*/*")]
    return StatusAndHeaders(f"GET {path} HTTP/1.1", headers, is_http_request=True)


def write_warc(crawl: Crawl, taken_at: datetime) -> tuple[bytes, list[str]]:
    """The WARC bytes and the CDXJ lines (unsorted) for its response records."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    warc_date = taken_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    timestamp = taken_at.astimezone(UTC).strftime("%Y%m%d%H%M%S")
    info = writer.create_warcinfo_record(
        WARC_NAME,
        {"software": SOFTWARE, "format": "WARC File Format 1.1", "isPartOf": crawl.event_slug},
    )
    writer.write_record(info)
    cdx = []
    for path, resource in crawl.resources.items():
        url = crawl.origin + path
        response = writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(resource.body),
            length=len(resource.body),
            http_headers=_response_headers(resource),
            warc_headers_dict={"WARC-Date": warc_date},
        )
        request = writer.create_warc_record(
            url,
            "request",
            http_headers=_request_headers(crawl, path),
            warc_headers_dict={"WARC-Date": warc_date},
        )
        request.rec_headers.add_header(
            "WARC-Concurrent-To", response.rec_headers.get_header("WARC-Record-ID")
        )
        offset = out.tell()
        writer.write_record(response)
        length = out.tell() - offset
        writer.write_record(request)
        fields = {
            "url": url,
            "mime": resource.content_type,
            "status": str(resource.status),
            "digest": response.rec_headers.get_header("WARC-Payload-Digest"),
            "length": str(length),
            "offset": str(offset),
            "filename": WARC_NAME,
        }
        cdx.append(f"{surt(url)} {timestamp} {json.dumps(fields)}")
    return out.getvalue(), cdx


def _pages_jsonl(crawl: Crawl, iso: str) -> bytes:
    lines = [{"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}]
    home = crawl.origin + crawl.home
    pages = sorted(crawl.pages(), key=lambda r: (crawl.origin + r.url != home, r.url))
    for resource in pages:
        lines.append({"url": crawl.origin + resource.url, "ts": iso, "title": _title(resource)})
    return "".join(json.dumps(line) + "\n" for line in lines).encode()


def _sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def wacz_bytes(crawl: Crawl, *, title: str, taken_at: datetime) -> bytes:
    iso = taken_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    warc, cdx = write_warc(crawl, taken_at)
    members = {
        f"archive/{WARC_NAME}": warc,
        "indexes/index.cdx": ("\n".join(sorted(cdx)) + "\n").encode(),
        "pages/pages.jsonl": _pages_jsonl(crawl, iso),
    }
    package = {
        "profile": "data-package",
        "resources": [
            {
                "name": path.rsplit("/", 1)[-1],
                "path": path,
                "hash": _sha256(data),
                "bytes": len(data),
            }
            for path, data in members.items()
        ],
        "title": title,
        "mainPageURL": crawl.origin + crawl.home,
        "mainPageDate": iso,
        "created": iso,
        "wacz_version": WACZ_VERSION,
        "software": SOFTWARE,
    }
    package_bytes = json.dumps(package, indent=2).encode()
    digest = {"path": "datapackage.json", "hash": _sha256(package_bytes)}
    members["datapackage.json"] = package_bytes
    members["datapackage-digest.json"] = json.dumps(digest, indent=2).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for path, data in members.items():
            archive.writestr(path, data)
    return buffer.getvalue()
