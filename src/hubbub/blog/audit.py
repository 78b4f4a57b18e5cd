"""The blog's audit entries in words."""

from django.utils.translation import gettext_lazy

from hubbub.core.audit import Description, event_link, quoted, register_describer

VERBS = {
    "hubbub.post.created": gettext_lazy("wrote the blog post"),
    "hubbub.post.edited": gettext_lazy("edited the blog post"),
}


def describe_post(entry):
    verb = VERBS.get(entry.action)
    if verb is None:
        return None
    title = entry.target.title if entry.target is not None else entry.data.get("title", "")
    url = ""
    if entry.target is not None:
        url = event_link(entry, "blog:post", slug=entry.target.slug)
    return Description(f"{entry.who} {verb} {quoted(title)}", url)


def register() -> None:
    register_describer("hubbub.post.", describe_post, kind="blog", label=gettext_lazy("Blog"))
