from django import template

from hubbub.media.models import Slideshow

register = template.Library()


@register.inclusion_tag("media/_session_slides.html")
def session_slides(session):
    """The session's public decks, in one query."""
    decks = list(
        Slideshow.objects.public().filter(session=session).select_related("speaker", "event")
    )
    return {"slideshows": decks}
