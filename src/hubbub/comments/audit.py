"""Comment moderation's audit entries in words."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hubbub.core.audit import Description, event_link, excerpt, quoted, register_describer

VERBS = {
    "approve": gettext_lazy("approved a comment"),
    "spam": gettext_lazy("marked a comment as spam"),
    "trash": gettext_lazy("put a comment in the bin"),
    "unapprove": gettext_lazy("took a comment back to the moderation queue"),
}


def describe_comment(entry):
    verb = VERBS.get(entry.action.rsplit(".", 1)[-1])
    if verb is None:
        return None
    text = f"{entry.who} {verb}"
    if entry.target is not None:
        if entry.target.author_name:
            text += " " + _("by %(name)s") % {"name": entry.target.author_name}
        text += f": {quoted(excerpt(entry.target.body))}"
    return Description(text, event_link(entry, "comments:moderate"))


def register() -> None:
    register_describer(
        "hubbub.comment.", describe_comment, kind="comments", label=gettext_lazy("Comments")
    )
