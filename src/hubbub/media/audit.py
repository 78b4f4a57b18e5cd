"""Slides and photo galleries: their audit entries in words."""

from django.utils.translation import gettext_lazy

from hubbub.core.audit import Description, event_link, quoted, register_describer

VERBS = {
    "hubbub.slideshow.uploaded": gettext_lazy("uploaded the slides"),
    "hubbub.slideshow.retried": gettext_lazy("asked to convert again the slides"),
    "hubbub.slideshow.deleted": gettext_lazy("deleted the slides"),
    "hubbub.gallery.created": gettext_lazy("created the photo gallery"),
    "hubbub.gallery.photos_added": gettext_lazy("added photos to the gallery"),
}


def describe_media(entry):
    verb = VERBS.get(entry.action)
    if verb is None:
        return None
    title = entry.target.title if entry.target is not None else entry.data.get("title", "")
    text = f"{entry.who} {verb}" + (f" {quoted(title)}" if title else "")
    if entry.action.startswith("hubbub.slideshow."):
        url = event_link(entry, "media:slideshow", slideshow_id=entry.target_id)
    else:
        url = event_link(entry, "media:gallery", gallery_id=entry.target_id)
    return Description(text, url)


def register() -> None:
    label = gettext_lazy("Slides and photos")
    register_describer("hubbub.slideshow.", describe_media, kind="media", label=label)
    register_describer("hubbub.gallery.", describe_media, kind="media", label=label)
