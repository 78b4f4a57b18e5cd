"""Archives started from the back office: queued as a job, with progress, kept once per format."""

from __future__ import annotations

import logging
import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from hubbub.core.audit import log_action
from hubbub.core.permissions import Action, policy
from hubbub.events.extensions import DashboardLink

from .models import ArchiveExport
from .services import FORMATS, build_archive, static_copy

logger = logging.getLogger(__name__)
RUN_TASK = "hubbub.archive.tasks.run_archive_export"
SUFFIXES = {"static": ".zip", "zip": ".zip", "wacz": ".wacz"}


def can_archive(user, event) -> bool:
    return policy.can(user, Action.MANAGE_EVENT, event)


def dashboard_links(event, user) -> list[DashboardLink]:
    if not can_archive(user, event):
        return []
    return [
        DashboardLink(
            label=_("Archive and WordPress"),
            url=reverse("archive:manage", args=[event.slug]),
            hint=_("A copy that opens anywhere, a web archive (WACZ), WordPress import"),
        )
    ]


def check_export_request(*, event, user, fmt: str) -> None:
    if not can_archive(user, event):
        raise ValidationError({"format": _("Only the event's organisers can archive it.")})
    if fmt not in FORMATS:
        raise ValidationError({"format": _("Choose a static copy, a zip or a WACZ.")})
    if not event.is_public:
        raise ValidationError({"format": _("Publish the event first: drafts are not archived.")})
    if ArchiveExport.objects.filter(
        event=event, status__in=[ArchiveExport.Status.QUEUED, ArchiveExport.Status.RUNNING]
    ).exists():
        raise ValidationError({"format": _("An archive of this event is already being made.")})


def do_request_export(*, event, user, fmt: str) -> ArchiveExport:
    check_export_request(event=event, user=user, fmt=fmt)
    with transaction.atomic():
        export = ArchiveExport.objects.create(event=event, format=fmt, requested_by=user)
        log_action(
            "hubbub.archive.requested", actor=user, event=event, target=export, data={"format": fmt}
        )
        transaction.on_commit(lambda: import_string(RUN_TASK).enqueue(export.pk))
    return export


def do_run_export(export_id: int) -> str:
    export = ArchiveExport.objects.select_related("event").get(pk=export_id)
    if export.status != ArchiveExport.Status.QUEUED:
        return export.status
    ArchiveExport.objects.filter(pk=export.pk).update(status=ArchiveExport.Status.RUNNING)
    last = [0]

    def progress(done, total):
        if done - last[0] >= 10 or done == total:  # a write every ten pages, not every page
            last[0] = done
            ArchiveExport.objects.filter(pk=export.pk).update(pages_done=done, pages_total=total)

    try:
        crawl, result = build_archive(export.event, export.format, progress)
        if isinstance(result, dict):  # the static copy is handed over as a zip
            result = static_copy.zip_bytes(result, root=export.event.slug)
        # Stored under a name nobody can guess: only the download view hands it out.
        name = (
            f"{export.event.slug}-{timezone.now():%Y%m%d-%H%M}-{secrets.token_urlsafe(18)}"
            f"{SUFFIXES[export.format]}"
        )
        export.file.save(name, ContentFile(result), save=False)
    except Exception as exc:
        logger.exception("archive export %s failed", export.pk)
        ArchiveExport.objects.filter(pk=export.pk).update(
            status=ArchiveExport.Status.FAILED, error=str(exc)[:1000], finished_at=timezone.now()
        )
        return ArchiveExport.Status.FAILED
    export.status = ArchiveExport.Status.DONE
    export.pages_done = export.pages_total = len(crawl.resources)
    export.finished_at = timezone.now()
    export.save()
    # Only the latest archive per format is kept.
    for old in ArchiveExport.objects.filter(event=export.event, format=export.format).exclude(
        pk=export.pk
    ):
        if old.file:
            old.file.delete(save=False)
        old.delete()
    return ArchiveExport.Status.DONE


def latest_exports(event) -> list[ArchiveExport]:
    return list(ArchiveExport.objects.filter(event=event).order_by("-created_at", "-pk")[:10])
