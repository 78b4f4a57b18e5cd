"""Slide decks in the site search: decks whose title or slide text matches."""

from hubbub.core.search import Hit
from hubbub.core.text import plain_text

from .services.slideshows import search_slideshows


def slideshow_hits(query: str, event, limit: int) -> list[Hit]:
    return [
        Hit("slides", deck.title, deck.get_absolute_url(), plain_text(deck.text, 280),
            deck.event, deck.rendered_at or deck.created_at)
        for deck in search_slideshows(query, event=event, limit=limit)
    ]  # fmt: skip
