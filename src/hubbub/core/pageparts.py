"""The per-person parts of shared pages, and the values each answer gets fresh.

A public page is rendered once as a stranger would see it (``core/pagecache.py``) and shared.
What differs from person to person is marked in its templates with
``{% part "name" arg %}…{% endpart %}``: in a copy, the stranger's version of the part is kept
between two HTML comments. A signed-in reader gets the copy with each marked part rendered for
them by the renderer an app registered for that name (``register_part``); for a reader who
only carries a visitor cookie, only the parts registered ``for_visitors`` (their own comments
and likes) are. The parts are rendered in one call per (person, page, content versions) and
kept for as long as a copy is, so a signed-in reader reloading a page costs a lookup.

People who see more of an event than a stranger (its team, organisers, site staff: drafts,
held items, controls on every page) get pages Django renders for them: ``needs_own_page``.

A value that must differ on every answer (the comment form's single-use timing token) is
written into the copy as a placeholder (``fresh_placeholder``) and replaced per answer by the
function registered with ``register_fresh``; such answers are never shared by a proxy.
"""

import io
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import close_old_connections
from django.utils import translation

from .permissions import Action, policy

PART_START = "<!--hubbub:part {name} {arg}-->"
PART_END = "<!--/hubbub:part-->"
_PART = re.compile(
    rb"<!--hubbub:part ([a-z_]{1,40}) ([-a-zA-Z0-9_:.]{0,80})-->(.*?)<!--/hubbub:part-->",
    re.DOTALL,
)
_FRESH_PREFIX = "hubbub-fresh-"
_FRESH = re.compile(rb"hubbub-fresh-([a-z_]{1,40})")


@dataclass(frozen=True, slots=True)
class PartRenderer:
    render: Callable  # (request, event or None, arg) -> str, or None for the stranger's
    for_visitors: bool


_parts: dict[str, PartRenderer] = {}
_fresh: dict[str, Callable[[], str]] = {}


def register_part(name: str, render: Callable, *, for_visitors: bool = False) -> None:
    """``render(request, event, arg) -> str`` draws part ``name`` for the request's person."""
    _parts[name] = PartRenderer(render, for_visitors)


def register_fresh(name: str, make: Callable[[], str]) -> None:
    """``make()`` gives the value that replaces ``fresh_placeholder(name)`` in each answer."""
    _fresh[name] = make


def fresh_placeholder(name: str) -> str:
    return _FRESH_PREFIX + name


def rendering_for_many(request) -> bool:
    """Whether this render goes into a copy or a cached part (so it must hold nothing that
    belongs to one browser: no CSRF token, no new cookie, no single-use value)."""
    scope = getattr(request, "scope", None) or {}
    return bool(scope.get("hubbub.shared") or scope.get("hubbub.part"))


def fresh_values_later(request) -> bool:
    """Whether single-use values are left as placeholders in this render, to be filled in
    per answer: in copies, in drawn parts, and in pages kept for one person."""
    scope = getattr(request, "scope", None) or {}
    return rendering_for_many(request) or bool(scope.get("hubbub.own"))


def marks_parts(request) -> bool:
    """Whether parts are marked in this render (only in the copy itself)."""
    scope = getattr(request, "scope", None) or {}
    return bool(scope.get("hubbub.shared"))


# -- a copy, split at its parts --------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Layout:
    """A copy's body as literal pieces and (name, arg, stranger's version) parts."""

    pieces: tuple  # bytes, or (name, arg, default bytes)
    parts: tuple  # ((name, arg), ...) in order, without repeats
    fresh: tuple  # names of the fresh values the body holds
    for_visitors: bool  # some part is drawn for a visitor cookie too


def fresh_names(body: bytes) -> tuple:
    """The registered fresh values whose placeholders ``body`` holds."""
    return tuple(dict.fromkeys(n.decode() for n in _FRESH.findall(body) if n.decode() in _fresh))


def layout(body: bytes) -> tuple[bytes, Layout | None]:
    """(the stranger's body, its layout) — no layout when the page has no parts or fresh
    values, so most copies are answered exactly as they were rendered."""
    fresh = fresh_names(body)
    if b"<!--hubbub:part " not in body and not fresh:
        return body, None
    pieces: list = []
    position = 0
    for found in _PART.finditer(body):
        pieces.append(body[position : found.start()])
        name, arg = found[1].decode(), found[2].decode()
        pieces.append((name, arg, found[3]))
        position = found.end()
    pieces.append(body[position:])
    parts = tuple(dict.fromkeys((p[0], p[1]) for p in pieces if isinstance(p, tuple)))
    stranger = b"".join(p[2] if isinstance(p, tuple) else p for p in pieces)
    for_visitors = any(_parts[n].for_visitors for n, _a in parts if n in _parts)
    return stranger, Layout(tuple(pieces), parts, fresh, for_visitors)


def assemble(page_layout: Layout, drawn: dict | None) -> bytes:
    """The body with each part as drawn for the person (the stranger's where not drawn)."""
    if not drawn:
        body = b"".join(p[2] if isinstance(p, tuple) else p for p in page_layout.pieces)
    else:
        body = b"".join(
            drawn.get((p[0], p[1]), p[2]) if isinstance(p, tuple) else p for p in page_layout.pieces
        )
    return with_fresh_values(body, page_layout.fresh)


def with_fresh_values(body: bytes, names: tuple) -> bytes:
    for name in names:
        body = body.replace(fresh_placeholder(name).encode(), _fresh[name]().encode())
    return body


# -- drawing the parts for one person --------------------------------------------------------------
OWN_PAGE = object()  # the person gets the page Django renders for them


def draw_parts(scope: dict, language: str, event_id: int | None, parts: tuple) -> dict | object:
    """{(name, arg): bytes} for the person the request's cookies name, or ``OWN_PAGE``.

    Runs in a thread (it reads the session, the user and the parts' data)."""
    from django.contrib.auth import get_user
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.core.handlers.asgi import ASGIRequest

    try:
        request = ASGIRequest({**scope, "hubbub.part": True}, io.BytesIO())
        SessionMiddleware(lambda r: None).process_request(request)
        request.user = get_user(request)
        request.LANGUAGE_CODE = language
        event = None
        if event_id is not None:
            event = apps.get_model("events", "Event").objects.filter(pk=event_id).first()
            if event is None:
                return OWN_PAGE
        signed_in = request.user.is_authenticated
        if signed_in and needs_own_page(request.user, event):
            return OWN_PAGE
        drawn = {}
        with translation.override(language):
            for name, arg in parts:
                renderer = _parts.get(name)
                if renderer is None or not (signed_in or renderer.for_visitors):
                    continue
                html = renderer.render(request, event, arg)
                if html is not None:  # None: the stranger's version stays
                    drawn[(name, arg)] = html.encode()
        return drawn
    finally:
        close_old_connections()


def needs_own_page(user, event) -> bool:
    """Site staff, and anyone with a role on the event, see more than a stranger: drafts,
    held items and their controls on every page."""
    if user.is_staff or user.is_superuser:
        return True
    return event is not None and (
        policy.has_any_role(user, event) or policy.can(user, Action.MANAGE_EVENT, event)
    )
