"""The reflections' audit entries in words."""

from django.utils.translation import gettext_lazy

from hubbub.core.audit import Description, event_link, register_describer

VERBS = {
    "hubbub.reflection.published": gettext_lazy("published a reflection by"),
    "hubbub.reflection.approved": gettext_lazy("approved the reflection by"),
    "hubbub.reflection.rejected": gettext_lazy("rejected the reflection by"),
}


def describe_reflection(entry):
    verb = VERBS.get(entry.action)
    if verb is None:
        return None
    url = ""
    if entry.target is not None and entry.target.is_published:
        url = event_link(entry, "reflections:detail", reflection_id=entry.target.pk)
    return Description(f"{entry.who} {verb} {entry.data.get('name', '')}".strip(), url)


def register() -> None:
    register_describer(
        "hubbub.reflection.", describe_reflection, kind="reflections",
        label=gettext_lazy("Reflections"),
    )  # fmt: skip
