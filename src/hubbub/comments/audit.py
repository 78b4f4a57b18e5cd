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


POLICIES = {
    "open": gettext_lazy("open"),
    "closed": gettext_lazy("closed"),
    "close_after": gettext_lazy("open until %(days)s days after the event"),
    "approval": gettext_lazy("open, each held for approval"),
}


def describe_policy(entry):
    chosen = entry.data.get("policy", "")
    wording = POLICIES.get(chosen, chosen.replace("_", " "))
    wording = str(wording) % {"days": entry.data.get("close_after_days") or 0}
    return Description(
        _("%(who)s set comments on this event to: %(policy)s")
        % {"who": entry.who, "policy": wording},
        event_link(entry, "backoffice:comment_policy"),
    )


def register() -> None:
    register_describer(
        "hubbub.comment.", describe_comment, kind="comments", label=gettext_lazy("Comments")
    )
    register_describer(
        "hubbub.comments.policy_changed",
        describe_policy,
        kind="comments",
        label=gettext_lazy("Comments"),
    )
