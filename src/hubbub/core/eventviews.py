"""The glue every event page shares, in one place.

``@event_view(action, section=…)`` resolves the ``event`` slug in the URL to the event (404 for
an unknown event, or a draft the visitor may not see), checks ``action`` with the permission
policy (403), and runs the view in the event's own time zone, as pretalx's event middleware
does. ``render_event`` renders a page of the event, and ``add_service_errors`` puts a service's
``ValidationError`` on the form that collected the input.

Finding an event belongs to the events app, a layer above this one: it registers its finder
with ``register_event_finder`` when Django starts.
"""

import functools
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone

from .permissions import Action, policy

# (slug, user) -> the event, raising Http404 when the user may not see it.
EventFinder = Callable[[str, object], object]
_finder: list[EventFinder] = []


def register_event_finder(finder: EventFinder) -> None:
    _finder[:] = [finder]


def find_event(slug: str, user):
    return _finder[0](slug, user)


def event_view(action: Action | None = None, *, section: str | None = None):
    """Decorate a view whose URL has an ``event`` slug; the view receives the Event."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, event, *args, **kwargs):
            found = find_event(event, request.user)
            if action is not None:
                policy.require(request.user, action, found)
            request.event_section = section
            with timezone.override(found.tz):
                return view(request, found, *args, **kwargs)

        return wrapper

    return decorator


def render_event(request, event, template, context=None, *, section=None, status=200):
    """Render ``template`` for a page of ``event`` (or a site-wide page when it is None), with
    times shown in the event's time zone."""
    section = section or getattr(request, "event_section", None)
    context = {"event": event, "section": section, **(context or {})}
    if event is None:
        return render(request, template, context, status=status)
    with timezone.override(event.tz):
        return render(request, template, context, status=status)


def add_service_errors(form, exc: ValidationError, fields: dict[str, str] | None = None) -> None:
    """Show a service's ValidationError on ``form``: each message on the field it names when
    the form has that field, otherwise at the top of the form. ``fields`` maps a service's
    field names to the form's where they differ."""
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            field = (fields or {}).get(field, field)
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)
