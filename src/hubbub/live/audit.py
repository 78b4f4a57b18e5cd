"""The live blog's audit entries in words."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hubbub.core.audit import Description, event_link, excerpt, quoted, register_describer

VERBS = {
    "posted": gettext_lazy("posted an update"),
    "submitted": gettext_lazy("sent an update for approval"),
    "edited": gettext_lazy("edited an update"),
    "approved": gettext_lazy("approved an update"),
    "returned": gettext_lazy("returned an update to its reporter"),
    "pinned": gettext_lazy("pinned an update"),
    "unpinned": gettext_lazy("unpinned an update"),
    "deleted": gettext_lazy("deleted an update"),
}


def describe_entry(entry):
    verb = VERBS.get(entry.action.rsplit(".", 1)[-1])
    if verb is None:
        return None
    body = entry.target.body if entry.target is not None else entry.data.get("body")
    text = f"{entry.who} {verb}"
    if body:
        text += f": {quoted(excerpt(body))}"
    if entry.data.get("note"):
        text += " " + _("(note: %(note)s)") % {"note": quoted(excerpt(entry.data["note"]))}
    return Description(text, event_link(entry, "live:entry", entry_id=entry.target_id))


def register() -> None:
    register_describer(
        "hubbub.entry.", describe_entry, kind="live", label=gettext_lazy("Live updates")
    )
