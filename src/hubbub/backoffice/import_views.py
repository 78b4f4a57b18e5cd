"""Importing a programme file from the back office: the organiser uploads a frab XML,
frab/pretalx JSON or CSV file; the events app's import service does the work and the page
shows its report, or why the file could not be read."""

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hubbub.core.eventviews import event_view
from hubbub.core.permissions import Action
from hubbub.events.importing.model import ScheduleError
from hubbub.events.importing.service import check_size, do_import_programme

from .views import render_form_page

# A file's name says what it is; without a telling name its first character does.
TYPES_BY_SUFFIX = {".xml": "application/xml", ".json": "application/json", ".csv": "text/csv"}


class ImportForm(forms.Form):
    schedule = forms.FileField(
        label=gettext_lazy("Programme file"),
        help_text=gettext_lazy(
            "A frab schedule.xml, a frab or pretalx schedule.json, or a CSV spreadsheet "
            "(.xml, .json or .csv)."
        ),
    )


def content_type_for(name: str, head: bytes) -> str:
    """The import's content type for an uploaded file: from its name (.xml, .json, .csv),
    otherwise from its content (``<`` XML, ``{`` or ``[`` JSON, anything else CSV)."""
    lowered = (name or "").lower()
    for suffix, content_type in TYPES_BY_SUFFIX.items():
        if lowered.endswith(suffix):
            return content_type
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if start == b"<":
        return "application/xml"
    if start in (b"{", b"["):
        return "application/json"
    return "text/csv"


@login_required
@event_view(Action.MANAGE_EVENT, section="manage")
def programme_import(request, event):
    form = ImportForm()
    report = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["schedule"]
            try:
                # Refused before it is read: the import's own size limit.
                check_size(upload.size)
                data = upload.read()
                report = do_import_programme(
                    event,
                    actor=request.user,
                    data=data,
                    content_type=content_type_for(upload.name, data[:64]),
                )
            except ScheduleError as exc:
                form.add_error("schedule", str(exc))
    return render_form_page(
        request,
        event,
        "backoffice/import.html",
        {
            "form": form,
            "report": report,
            "limit_mb": round(settings.HUBBUB_IMPORT_MAX_BYTES / (1024 * 1024), 1),
            "title": _("Import a programme"),
        },
        forms=[form],
    )
