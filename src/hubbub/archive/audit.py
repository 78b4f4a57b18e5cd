"""Archives and WordPress imports: their audit entries in words."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hubbub.core.audit import Description, register_describer


def describe_archive(entry):
    data = entry.data or {}
    url = reverse("archive:manage", args=[entry.event.slug]) if entry.event else ""
    if entry.action == "hubbub.archive.requested":
        return Description(
            _("%(who)s asked for an archive (%(format)s)")
            % {"who": entry.who, "format": data.get("format", "")},
            url,
        )
    if entry.action == "hubbub.archive.wxr_imported":
        return Description(
            _("%(who)s imported %(posts)s posts and %(comments)s comments from WordPress")
            % {
                "who": entry.who,
                "posts": data.get("posts", 0),
                "comments": data.get("comments", 0),
            },
            url,
        )
    return None


def register() -> None:
    register_describer(
        "hubbub.archive.", describe_archive, kind="archive", label=gettext_lazy("Archives")
    )
