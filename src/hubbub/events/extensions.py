"""What apps above events add to an event's set-up, registered from their ``ready()``.

Copying an event ("start the next event from this one") copies what the events app owns itself;
the team's settings and roles, and anything else a higher app keeps per event, come across
through a copy hook. The organiser's dashboard counts what needs attention now; apps this layer
cannot import (slides, the unconference) tell it through an attention provider.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class EventCopy:
    """One copy in progress: the new event, and the new rows made for the source's rows."""

    source: object
    target: object
    actor: object
    with_programme: bool
    with_team: bool
    # Old primary key -> the new row, for rows the copy made (empty without the programme).
    rooms: dict = field(default_factory=dict)
    tracks: dict = field(default_factory=dict)
    speakers: dict = field(default_factory=dict)
    sessions: dict = field(default_factory=dict)


CopyHook = Callable[[EventCopy], None]
_copy_hooks: list[CopyHook] = []


def register_copy_hook(hook: CopyHook) -> None:
    """Run ``hook`` inside every event copy's transaction, after the events app's own rows."""
    if hook not in _copy_hooks:
        _copy_hooks.append(hook)


def run_copy_hooks(copy: EventCopy) -> None:
    for hook in _copy_hooks:
        hook(copy)


@dataclass
class Attention:
    """Something waiting for the organiser: a count, what it is, and where to deal with it."""

    label: str
    count: int
    url: str


# event -> the things waiting in that app (one query each, whatever the numbers).
AttentionProvider = Callable[[object], list[Attention]]
_attention_providers: list[AttentionProvider] = []


def register_attention_provider(provider: AttentionProvider) -> None:
    if provider not in _attention_providers:
        _attention_providers.append(provider)


def attention_from_apps(event) -> list[Attention]:
    return [item for provider in _attention_providers for item in provider(event)]


# event -> the public pages an app adds to the event's sitemap: (path, last modified or None).
# The archive app lists the pages of the apps it knows; others join by registering here.
SitemapSource = Callable[[object], list[tuple[str, object]]]
_sitemap_sources: list[SitemapSource] = []


def register_sitemap_source(source: SitemapSource) -> None:
    if source not in _sitemap_sources:
        _sitemap_sources.append(source)


def sitemap_pages(event) -> list[tuple[str, object]]:
    return [page for source in _sitemap_sources for page in source(event)]


@dataclass
class DashboardLink:
    """A tool a higher app offers on the organiser's dashboard."""

    label: str
    url: str
    hint: str = ""


# (event, user) -> the links that user may follow (an app checks its own permission).
DashboardLinks = Callable[[object, object], list[DashboardLink]]
_dashboard_links: list[DashboardLinks] = []


def register_dashboard_links(provider: DashboardLinks) -> None:
    if provider not in _dashboard_links:
        _dashboard_links.append(provider)


def dashboard_links(event, user) -> list[DashboardLink]:
    return [link for provider in _dashboard_links for link in provider(event, user)]


# Extra parts of public pages from apps above this one (reflections that mention a session,
# recent reflections on the event home). Each returns safe HTML, or "" for nothing.
SessionExtra = Callable[[object, object, object], str]  # (request, event, session)
HomeExtra = Callable[[object, object], str]  # (request, event)
_session_extras: list[SessionExtra] = []
_home_extras: list[HomeExtra] = []


def register_session_extra(extra: SessionExtra) -> None:
    if extra not in _session_extras:
        _session_extras.append(extra)


def register_home_extra(extra: HomeExtra) -> None:
    if extra not in _home_extras:
        _home_extras.append(extra)


def session_extras(request, event, session) -> list[str]:
    return [html for extra in _session_extras if (html := extra(request, event, session))]


def home_extras(request, event) -> list[str]:
    return [html for extra in _home_extras if (html := extra(request, event))]
