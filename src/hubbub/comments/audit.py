"""Comment moderation's audit entries in words."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hubbub.core.audit import Description, event_link, excerpt, quoted, register_describer

SENTENCES = {
    "approve": gettext_lazy("%(who)s approved %(whose)s"),
    "spam": gettext_lazy("%(who)s marked %(whose)s as spam"),
    "trash": gettext_lazy("%(who)s put %(whose)s in the bin"),
    "unapprove": gettext_lazy("%(who)s took %(whose)s back to the moderation queue"),
}


def describe_comment(entry):
    sentence = SENTENCES.get(entry.action.rsplit(".", 1)[-1])
    if sentence is None:
        return None
    comment = entry.target
    if comment is None:
        return Description(sentence % {"who": entry.who, "whose": _("a comment since deleted")})
    whose = (
        _("the comment by %(name)s") % {"name": comment.author_name}
        if comment.author_name
        else _("a comment")
    )
    text = sentence % {"who": entry.who, "whose": whose} + f": {quoted(excerpt(comment.body))}"
    return Description(text, event_link(entry, "comments:moderate"))


def register() -> None:
    register_describer(
        "hubbub.comment.", describe_comment, kind="comments", label=gettext_lazy("Comments")
    )
