"""Places where the apps above the live blog plug into it.

The live app sits below the team and feature apps, so it never imports them; instead they
register here from their ``AppConfig.ready()``:

- the team app says which room a reporter usually covers (the console's default session);
- feature apps add panels beside the live blog (the social wall's newest posts);
- feature apps add things shown under each entry card (comments: the like button and the
  comment count), computed for the whole page at once so a page of entries costs the same
  number of queries whatever its length.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

# (user, event) -> the room the user usually covers on that event, or None.
HomeRoomLookup = Callable[[object, object], object | None]
_home_room_lookups: list[HomeRoomLookup] = []


def register_home_room_lookup(lookup: HomeRoomLookup) -> None:
    if lookup not in _home_room_lookups:
        _home_room_lookups.append(lookup)


def home_room(user, event):
    """The first room a registered lookup knows for ``user`` on ``event``, or None."""
    for lookup in _home_room_lookups:
        room = lookup(user, event)
        if room is not None:
            return room
    return None


@dataclass(frozen=True)
class EntryExtra:
    """A fragment shown under one entry: ``template`` rendered with ``context``."""

    template: str
    context: dict


# (entries, viewer) -> {entry id: EntryExtra}; called once per page with every entry on it.
EntryExtrasProvider = Callable[[list, object], dict[int, EntryExtra]]
_entry_extras_providers: list[EntryExtrasProvider] = []


def register_entry_extras(provider: EntryExtrasProvider) -> None:
    if provider not in _entry_extras_providers:
        _entry_extras_providers.append(provider)


def attach_entry_extras(entries: Iterable, viewer=None) -> None:
    """Set ``entry.extras`` (a list of EntryExtra) on every entry, in bulk."""
    entries = [entry for entry in entries if entry is not None]
    for entry in entries:
        entry.extras = []
    if not entries:
        return
    for provider in _entry_extras_providers:
        found = provider(entries, viewer)
        for entry in entries:
            extra = found.get(entry.pk)
            if extra is not None:
                entry.extras.append(extra)


# (request, event, session id or None) -> safe HTML for the live page's side column, or "".
# The page is kept for a few minutes per stream position, so an extra must not depend on who
# is reading.
PageExtra = Callable[[object, object, int | None], str]
_page_extras: list[PageExtra] = []


def register_page_extra(extra: PageExtra) -> None:
    if extra not in _page_extras:
        _page_extras.append(extra)


def page_extras(request, event, session_id) -> list[str]:
    return [html for extra in _page_extras if (html := extra(request, event, session_id))]


@dataclass(frozen=True)
class PagePanel:
    """A box beside the live blog: ``template`` rendered with ``context``."""

    template: str
    context: dict


# (event) -> a PagePanel, or None when there is nothing to show. The reader page is cached per
# stream position, so a panel that changes must publish a message when it does.
PagePanelProvider = Callable[[object], PagePanel | None]
_page_panel_providers: list[PagePanelProvider] = []


def register_page_panel(provider: PagePanelProvider) -> None:
    if provider not in _page_panel_providers:
        _page_panel_providers.append(provider)


def page_panels(event) -> list[PagePanel]:
    return [p for p in (provider(event) for provider in _page_panel_providers) if p is not None]
