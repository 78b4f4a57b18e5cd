"""The social wall's audit entries in words."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hubbub.core.audit import Description, event_link, quoted, register_describer

POST_SENTENCES = {
    "approved": gettext_lazy("%(who)s approved a post by %(handle)s for the wall"),
    "featured": gettext_lazy("%(who)s approved and featured a post by %(handle)s"),
    "auto_approved": gettext_lazy("A post by trusted author %(handle)s went on the wall"),
    "rejected": gettext_lazy("%(who)s rejected a post by %(handle)s"),
    "quoted": gettext_lazy("%(who)s quoted a post by %(handle)s in the live blog"),
    "author_blocked": gettext_lazy("%(who)s blocked %(handle)s from the wall"),
    "taken_down": gettext_lazy("%(who)s took down a social post (%(network)s); no copy is kept"),
}
SOURCE_SENTENCES = {
    "source_added": gettext_lazy("%(who)s added the social source %(name)s"),
    "source_stopped": gettext_lazy("%(who)s stopped the social source %(name)s"),
    "source_restarted": gettext_lazy("%(who)s restarted the social source %(name)s"),
    "source_removed": gettext_lazy("%(who)s removed the social source %(name)s"),
    "settings_changed": gettext_lazy("%(who)s changed the wall's trusted authors and words"),
}


def describe_social(entry):
    verb = entry.action.removeprefix("hubbub.social.")
    values = {
        "who": entry.who,
        "handle": entry.data.get("handle") or _("an unnamed author"),
        "network": entry.data.get("network", ""),
        "name": quoted(entry.data.get("name", "")),
    }
    if verb in POST_SENTENCES:
        url = event_link(entry, "social:queue") if verb not in ("taken_down",) else ""
        return Description(str(POST_SENTENCES[verb]) % values, url)
    if verb in SOURCE_SENTENCES:
        return Description(
            str(SOURCE_SENTENCES[verb]) % values, event_link(entry, "social:sources")
        )
    return None


def register() -> None:
    register_describer(
        "hubbub.social.", describe_social, kind="social", label=gettext_lazy("Social wall")
    )
