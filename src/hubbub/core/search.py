"""Site search: what a hit looks like, and the sources apps add to it.

The blog app answers the search page from posts and live entries; other apps (slide decks,
and later reflections or the social wall) register a source here from their
``AppConfig.ready()`` so that the search page never imports them.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Hit:
    kind: str
    title: str
    url: str
    snippet: str
    event: object
    when: object


# (query, event or None for every public event, limit) -> hits, best first.
SearchSource = Callable[[str, object, int], list[Hit]]
_sources: list[SearchSource] = []


def register_search_source(source: SearchSource) -> None:
    if source not in _sources:
        _sources.append(source)


def hits_from_sources(query: str, event=None, limit: int = 50) -> list[Hit]:
    """Every registered source's hits, source by source in registration order."""
    return [hit for source in _sources for hit in source(query, event, limit)]
