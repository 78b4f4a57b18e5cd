"""Archive exports: check where they go, crawl the event, write the copy in one piece."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from hubbub.events.models import Event

from . import static_copy
from .crawl import Crawl, crawl_event

FORMATS = ("static", "zip", "wacz")


@dataclass
class ExportReport:
    format: str
    out: Path
    pages: int
    files: int
    skipped: dict[str, int]
    truncated: bool = False


def get_archivable_event(slug: str) -> Event:
    event = Event.objects.filter(slug=slug).first()
    if event is None:
        raise ValidationError({"event": _("No event with the slug “%(slug)s”.") % {"slug": slug}})
    if not event.is_public:
        raise ValidationError(
            {
                "event": _("“%(slug)s” is a draft: only public events can be archived.")
                % {"slug": slug}
            }
        )
    return event


def check_archive_target(*, fmt: str, out: Path, force: bool = False) -> None:
    if fmt not in FORMATS:
        raise ValidationError(
            {"format": _("Choose one of: %(formats)s.") % {"formats": ", ".join(FORMATS)}}
        )
    out = Path(out)
    if fmt == "static":
        if out.exists() and not out.is_dir():
            raise ValidationError(
                {"out": _("%(path)s exists and is not a directory.") % {"path": out}}
            )
        if out.is_dir() and any(out.iterdir()) and not force:
            raise ValidationError(
                {
                    "out": _("%(path)s is not empty: choose another place or add --force.")
                    % {"path": out}
                }
            )
    else:
        if out.is_dir():
            raise ValidationError(
                {"out": _("%(path)s is a directory, not a file.") % {"path": out}}
            )
        if out.exists() and out.stat().st_size > 0 and not force:
            raise ValidationError(
                {"out": _("%(path)s exists: choose another name or add --force.") % {"path": out}}
            )
        if not out.parent.is_dir():
            raise ValidationError(
                {"out": _("The folder %(path)s does not exist.") % {"path": out.parent}}
            )


def _replace_file(out: Path, data: bytes) -> None:
    """Write beside the target and rename, so a failure never leaves half a file."""
    with tempfile.NamedTemporaryFile(dir=out.parent, prefix=f".{out.name}.", delete=False) as tmp:
        tmp.write(data)
    Path(tmp.name).replace(out)


def _replace_directory(out: Path, files: dict[str, bytes]) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}."))
    try:
        static_copy.write_directory(files, tmp)
        if out.exists():
            shutil.rmtree(out)
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def build_archive(
    event: Event,
    fmt: str,
    progress: Callable[[int, int], None] | None = None,
    taken_at=None,
) -> tuple[Crawl, dict[str, bytes] | bytes]:
    """The crawl and the archive itself: the copy's files (static) or the zip/WACZ bytes."""
    taken_at = taken_at or timezone.now()
    crawl = crawl_event(event.slug, progress=progress)
    if fmt == "wacz":
        from .wacz import wacz_bytes  # the WACZ writer pulls in warcio only when asked

        return crawl, wacz_bytes(crawl, title=event.title, taken_at=taken_at)
    files = static_copy.copy_files(crawl, timezone.localtime(taken_at))
    if fmt == "zip":
        return crawl, static_copy.zip_bytes(files, root=event.slug)
    return crawl, files


def do_export_archive(
    event: Event,
    *,
    fmt: str,
    out: Path,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ExportReport:
    out = Path(out)
    check_archive_target(fmt=fmt, out=out, force=force)
    crawl, result = build_archive(event, fmt, progress)
    if isinstance(result, dict):
        _replace_directory(out, result)
        count = len(result)
    else:
        _replace_file(out, result)
        count = len(crawl.resources)
    return ExportReport(
        format=fmt,
        out=out,
        pages=len(crawl.pages()),
        files=count,
        skipped=crawl.skipped,
        truncated=crawl.truncated,
    )


def do_export_wxr(event: Event, *, out: Path, entries_as_posts=False, force=False) -> dict:
    from defusedxml import ElementTree

    from .wxr_export import build_wxr

    out = Path(out)
    check_archive_target(fmt="zip", out=out, force=force)  # a single file, like a zip
    data = build_wxr(event, entries_as_posts=entries_as_posts)
    _replace_file(out, data)
    items = ElementTree.fromstring(data).findall("./channel/item")
    wp = "{http://wordpress.org/export/1.2/}"
    types = [i.findtext(f"{wp}post_type") for i in items]
    return {
        "posts": types.count("post"),
        "attachments": types.count("attachment"),
        "comments": sum(len(i.findall(f"{wp}comment")) for i in items),
    }
