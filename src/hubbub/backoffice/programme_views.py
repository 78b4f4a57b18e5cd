"""The programme editor: the grid of sessions per day, session forms (add, edit and move, swap,
delete), and the lists of rooms, tracks and speakers. Everything goes through the events
services, which check permissions, clashes and dates and keep the audit log."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hubbub.core.eventviews import add_service_errors, event_view, render_event
from hubbub.core.permissions import Action
from hubbub.events import programme_setup as programme
from hubbub.events.models import Room, Session, Speaker, Track
from hubbub.events.services import programme_sessions

from .forms import (
    SESSION_ERROR_FIELDS,
    CopySpeakerForm,
    RoomForm,
    SessionForm,
    SpeakerForm,
    SwapForm,
    TrackForm,
    speaker_label,
)
from .grid import day_grid, event_days
from .views import render_form_page

manage = event_view(Action.MANAGE_EVENT, section="manage")


# -- the grid ------------------------------------------------------------------------------------
def _chosen_day(request, event):
    days = event_days(event)
    wanted = request.GET.get("day", "")
    for day in days:
        if day.isoformat() == wanted:
            return day, days
    return days[0], days


@login_required
@manage
def programme_editor(request, event):
    day, days = _chosen_day(request, event)
    rooms = list(event.rooms.all())
    sessions = list(programme_sessions(event))
    for session in sessions:
        session.event = event
    grid = day_grid(event, day, rooms, sessions)
    return render_event(
        request,
        event,
        "backoffice/programme.html",
        {
            "grid": grid,
            "day": day,
            "days": days,
            "rooms": rooms,
            "session_count": len(sessions),
        },
    )


# -- sessions ------------------------------------------------------------------------------------
def _session_form(event, data=None, initial=None):
    return SessionForm(
        data,
        initial=initial,
        event=event,
        rooms=list(event.rooms.all()),
        tracks=list(event.tracks.all()),
        speakers=list(event.speakers.all()),
    )


def _grid_url(event, day) -> str:
    return reverse("backoffice:programme", kwargs={"event": event.slug}) + f"?day={day}"


def _prefill(request, event) -> dict:
    """Initial values from an empty cell's link: ?room=ID&start=YYYY-MM-DDTHH:MM (event time)."""
    initial = {"kind": Session.Kind.WORKSHOP, "day": event.starts_on}
    try:
        start = datetime.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        start = None
    if start is not None:
        end = start + timedelta(hours=1)
        initial.update(day=start.date(), start=start.time(), end=end.time())
    room = request.GET.get("room", "")
    if room.isdigit():
        initial["room"] = int(room)
    return initial


@login_required
@manage
def session_add(request, event):
    def add(fields):
        return programme.do_add_session(event, actor=request.user, **fields)

    initial = _prefill(request, event)
    return _session_page(request, event, None, initial, add, _("Added “%(title)s”."))


def _session_page(request, event, session, initial, save, done):
    """The form for a new (``session`` None) or an existing session. A valid POST goes to
    ``save``, which returns the saved session; ``done`` is the message then shown."""
    form = _session_form(event, initial=initial)
    if request.method == "POST":
        form = _session_form(event, request.POST)
        if form.is_valid():
            try:
                saved = save(form.service_fields())
            except ValidationError as exc:
                add_service_errors(form, exc, SESSION_ERROR_FIELDS)
            else:
                messages.success(request, done % {"title": saved.title})
                return redirect(_grid_url(event, form.cleaned_data["day"]))
    return render_form_page(
        request,
        event,
        "backoffice/session_form.html",
        {"form": form, "session": session},
        forms=[form],
    )


def _own_session(event, session_id) -> Session:
    session = programme_sessions(event).filter(pk=session_id).first()
    if session is None:
        raise Http404(_("No session at this address."))
    session.event = event
    return session


def _session_initial(session) -> dict:
    starts = timezone.localtime(session.starts_at, session.event.tz)
    ends = timezone.localtime(session.ends_at, session.event.tz)
    return {
        "title": session.title,
        "kind": session.kind,
        "day": starts.date(),
        "start": starts.time(),
        "end": ends.time(),
        "room": session.room_id,
        "track": session.track_id,
        "speakers": [s.pk for s in session.speakers.all()],
        "description": session.description,
    }


@login_required
@manage
def session_edit(request, event, session_id):
    session = _own_session(event, session_id)

    def change(fields):
        programme.do_change_session(session, actor=request.user, **fields)
        return session

    initial = _session_initial(session)
    return _session_page(request, event, session, initial, change, _("Saved “%(title)s”."))


def _session_label(session, tz) -> str:
    local = timezone.localtime(session.starts_at, tz)
    room = f" · {session.room.name}" if session.room else ""
    return f"{dateformat.format(local, 'D j M H:i')}{room} — {session.title}"


@login_required
@manage
def session_swap(request, event, session_id):
    session = _own_session(event, session_id)
    others = [s for s in programme_sessions(event) if s.pk != session.pk]
    for other in others:
        other.event = event
        other.label = _session_label(other, event.tz)
    form = SwapForm(request.POST or None, sessions=others)
    if request.method == "POST" and form.is_valid():
        other = next(s for s in others if s.pk == form.cleaned_data["other"])
        try:
            programme.do_swap_sessions(session, other, actor=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Swapped “%(first)s” and “%(second)s”.")
                % {"first": session.title, "second": other.title},
            )
            day = timezone.localtime(other.starts_at, event.tz).date()
            return redirect(_grid_url(event, day))
    return render_form_page(
        request,
        event,
        "backoffice/session_swap.html",
        {"form": form, "session": session, "label": _session_label(session, event.tz)},
        forms=[form],
    )


@login_required
@manage
def session_delete(request, event, session_id):
    session = _own_session(event, session_id)
    if request.method == "POST":
        day = timezone.localtime(session.starts_at, event.tz).date()
        programme.do_remove_session(session, actor=request.user)
        messages.success(request, _("Deleted “%(title)s”.") % {"title": session.title})
        return redirect(_grid_url(event, day))
    return render_event(
        request,
        event,
        "backoffice/confirm_delete.html",
        {
            "what": session.title,
            "back": reverse("backoffice:session", args=[event.slug, session.pk]),
            "heading": _("Delete this session?"),
        },
    )


# -- rooms, tracks, speakers ---------------------------------------------------------------------
@dataclass
class Kind:
    """One list of the programme's building blocks and the services that write it."""

    model: type
    form: type
    fields: tuple
    add: object
    update: object
    delete: object
    title: str
    add_label: str
    url_name: str


KINDS = {
    "rooms": Kind(
        Room,
        RoomForm,
        ("name", "capacity", "accessibility_notes"),
        programme.do_add_room,
        programme.do_update_room,
        programme.do_delete_room,
        gettext_lazy("Rooms"),
        gettext_lazy("Add room"),
        "backoffice:rooms",
    ),
    "tracks": Kind(
        Track,
        TrackForm,
        ("name", "colour"),
        programme.do_add_track,
        programme.do_update_track,
        programme.do_delete_track,
        gettext_lazy("Tracks"),
        gettext_lazy("Add track"),
        "backoffice:tracks",
    ),
    "speakers": Kind(
        Speaker,
        SpeakerForm,
        ("name", "organisation", "bio"),
        programme.do_add_speaker,
        programme.do_update_speaker,
        programme.do_delete_speaker,
        gettext_lazy("Speakers"),
        gettext_lazy("Add speaker"),
        "backoffice:speakers",
    ),
}


def _items(event, kind: Kind):
    items = list(kind.model.objects.filter(event=event))
    for item in items:
        item.event = event
        item.label = speaker_label(item) if kind.model is Speaker else item.name
    return items


@login_required
@manage
def things(request, event, kind):
    config = KINDS[kind]
    form = config.form()
    copy_form = None
    if kind == "speakers":
        copy_form = CopySpeakerForm(speakers=programme.speakers_to_copy(event, request.user))
    if request.method == "POST":
        form = config.form(request.POST)
        if form.is_valid():
            try:
                item = config.add(event, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Added “%(name)s”.") % {"name": item.name})
                return redirect(config.url_name, event=event.slug)
    return render_form_page(
        request,
        event,
        "backoffice/things.html",
        {"kind": kind, "config": config, "items": _items(event, config), "form": form,
         "copy_form": copy_form},
        forms=[form],
    )  # fmt: skip


def _own(event, model, pk):
    item = model.objects.filter(event=event, pk=pk).first()
    if item is None:
        raise Http404(_("Not found in this event."))
    item.event = event
    return item


@login_required
@manage
def thing_edit(request, event, kind, pk):
    config = KINDS[kind]
    item = _own(event, config.model, pk)
    form = config.form(initial={name: getattr(item, name) for name in config.fields})
    if request.method == "POST":
        form = config.form(request.POST)
        if form.is_valid():
            try:
                config.update(item, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Saved “%(name)s”.") % {"name": item.name})
                return redirect(config.url_name, event=event.slug)
    return render_form_page(
        request,
        event,
        "backoffice/thing_form.html",
        {"kind": kind, "config": config, "item": item, "form": form},
        forms=[form],
    )


@login_required
@manage
def thing_delete(request, event, kind, pk):
    config = KINDS[kind]
    item = _own(event, config.model, pk)
    error = None
    if request.method == "POST":
        try:
            config.delete(item, actor=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Deleted “%(name)s”.") % {"name": item.name})
            return redirect(config.url_name, event=event.slug)
    return render_event(
        request,
        event,
        "backoffice/confirm_delete.html",
        {
            "what": item.name,
            "back": reverse(config.url_name, kwargs={"event": event.slug}),
            "heading": _("Delete “%(name)s”?") % {"name": item.name},
            "error": error,
        },
        status=422 if error else 200,
    )


@login_required
@manage
def speaker_copy(request, event):
    candidates = programme.speakers_to_copy(event, request.user)
    form = CopySpeakerForm(request.POST or None, speakers=candidates)
    if request.method == "POST" and form.is_valid():
        source = next(s for s in candidates if s.pk == form.cleaned_data["speaker"])
        try:
            copy = programme.do_copy_speaker(source, event, actor=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Copied “%(name)s” from %(event)s.")
                % {"name": copy.name, "event": source.event.title},
            )
            return redirect("backoffice:speakers", event=event.slug)
    config = KINDS["speakers"]
    return render_form_page(
        request,
        event,
        "backoffice/things.html",
        {"kind": "speakers", "config": config, "items": _items(event, config),
         "form": config.form(), "copy_form": form},
        forms=[form],
    )  # fmt: skip
