"""The facilitator's console: set-up, the pitch queue, slots, placement and each topic's
actions. Only people who may run the unconference (organisers) reach it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hubbub.core.eventviews import add_service_errors, event_view
from hubbub.core.permissions import Action

from .forms import (
    MergeForm,
    NoteTakerForm,
    PitchEditForm,
    PitchForm,
    PlaceForm,
    SetupForm,
    SlotForm,
)
from .models import Outcome, Pitch
from .services.access import (
    active_pitches,
    find_unconference,
    get_pitch,
    get_unconference,
    topics_with_interest,
)
from .services.board import pitching_context, render_board
from .services.outcomes import (
    do_assign_note_taker,
    do_publish_outcome,
    may_publish_outcome,
    note_taker_candidates,
    notes_token,
)
from .services.pitches import (
    do_edit_pitch,
    do_merge_pitches,
    do_next_pitch,
    do_requeue_pitch,
    do_restart_countdown,
    do_submit_pitch,
    do_withdraw_pitch,
)
from .services.placement import do_move_pitch, do_pin_pitch, do_place_topics, do_unplace_pitch
from .services.programme import unconference_sessions
from .services.setup import do_add_slot, do_change_state, do_delete_slot, do_set_up_unconference
from .views import _render


def facilitator(view):
    """Only people who may run the unconference (organisers) reach the console."""

    return login_required(event_view(Action.RUN_UNCONFERENCE, section="unconference")(view))


def _console_url(event, anchor="") -> str:
    url = reverse("unconf:console", kwargs={"event": event.slug})
    return f"{url}#{anchor}" if anchor else url


@facilitator
def setup(request, event):
    unconference = find_unconference(event)
    if unconference is not None:
        unconference.event = event
    sessions = unconference_sessions(event)
    rooms = event.rooms.order_by("order", "name")
    if unconference is None:
        session_rooms = {s.room_id for s in sessions if s.room_id}
        initial = {
            "rooms": [r.pk for r in rooms if r.pk in session_rooms] or [r.pk for r in rooms],
            "sessions": [s.pk for s in sessions],
            "countdown_seconds": 60,
        }
    else:
        used = set(unconference.slots.values_list("session_id", flat=True))
        initial = {
            "rooms": list(unconference.rooms.values_list("pk", flat=True)),
            "sessions": [s.pk for s in sessions if s.pk in used],
            "vote_cap": unconference.vote_cap,
            "countdown_seconds": unconference.countdown_seconds,
            "marking_needs_account": unconference.marking_needs_account,
        }
    form = SetupForm(
        request.POST or None, initial=initial, event=event, rooms=rooms, sessions=sessions
    )
    if request.method == "POST" and form.is_valid():
        try:
            do_set_up_unconference(event=event, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Saved the unconference's settings."))
            return redirect("unconf:console", event=event.slug)
    return _render(
        request,
        event,
        "unconf/setup.html",
        {"unconference": unconference, "form": form, "has_sessions": sessions.exists()},
    )


@facilitator
def console(request, event):
    unconference = find_unconference(event)
    if unconference is None:
        return redirect("unconf:setup", event=event.slug)
    unconference.event = event
    topics = list(topics_with_interest(unconference))
    for item in topics:
        item.unconference = unconference
    return _render(
        request,
        event,
        "unconf/console.html",
        _console_context(request, event, unconference, topics),
    )


def _console_context(request, event, unconference, topics, **extra) -> dict:
    return {
        "unconference": unconference,
        "topics": topics,
        "pitching": pitching_context(unconference),
        "slots": list(unconference.slots.all()),
        "rooms": list(unconference.rooms.order_by("order", "name")),
        "board_html": render_board(unconference),
        "add_form": extra.get("add_form") or PitchForm(auto_id="add_%s"),
        "slot_form": extra.get("slot_form") or SlotForm(event=event, auto_id="slot_%s"),
        "skipped": [t for t in topics if t.status == Pitch.Status.SKIPPED],
    }


@facilitator
@require_POST
def change_state(request, event):
    unconference = get_unconference(event)
    action = request.POST.get("action")
    changes = {
        "open_pitching": {"pitching_open": True},
        "close_pitching": {"pitching_open": False},
        "open_voting": {"voting_open": True},
        "close_voting": {"voting_open": False},
        "finish": {"finished": True},
        "reopen": {"finished": False},
    }
    if action not in changes:
        messages.error(request, _("Choose what to change."))
    else:
        do_change_state(unconference, actor=request.user, **changes[action])
        messages.success(request, _("Done."))
    return redirect(_console_url(event, "state"))


@facilitator
@require_POST
def queue(request, event):
    unconference = get_unconference(event)
    action = request.POST.get("action")
    try:
        if action == "restart":
            do_restart_countdown(unconference, actor=request.user)
            messages.success(request, _("The timer has started again."))
        elif action in ("next", "skip"):
            following = do_next_pitch(unconference, actor=request.user, skip=action == "skip")
            if following is None:
                messages.success(request, _("The queue is empty."))
            else:
                messages.success(
                    request, _("Now pitching: “%(topic)s”.") % {"topic": following.topic}
                )
        else:
            messages.error(request, _("Choose what to do with the queue."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(_console_url(event, "queue"))


@facilitator
@require_POST
def add_pitch(request, event):
    unconference = get_unconference(event)
    form = PitchForm(request.POST, auto_id="add_%s")
    if form.is_valid():
        try:
            made = do_submit_pitch(unconference, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Added “%(topic)s” to the queue.") % {"topic": made.topic})
            return redirect(_console_url(event, "topics"))
    topics = list(topics_with_interest(unconference))
    context = _console_context(request, event, unconference, topics, add_form=form)
    return _render(request, event, "unconf/console.html", context, status=400)


@facilitator
@require_POST
def add_slot(request, event):
    unconference = get_unconference(event)
    form = SlotForm(request.POST, event=event, auto_id="slot_%s")
    if form.is_valid():
        starts_at, ends_at = form.times()
        try:
            do_add_slot(
                unconference,
                actor=request.user,
                starts_at=starts_at,
                ends_at=ends_at,
                label=form.cleaned_data["label"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc, fields={"starts_at": "starts", "ends_at": "ends"})
        else:
            messages.success(request, _("Added the slot."))
            return redirect(_console_url(event, "slots"))
    topics = list(topics_with_interest(unconference))
    context = _console_context(request, event, unconference, topics, slot_form=form)
    return _render(request, event, "unconf/console.html", context, status=400)


@facilitator
@require_POST
def delete_slot(request, event, slot_id):
    unconference = get_unconference(event)
    slot = unconference.slots.filter(pk=slot_id).first()
    if slot is None:
        raise Http404(_("No such slot."))
    slot.unconference = unconference
    try:
        do_delete_slot(slot, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Removed the slot."))
    return redirect(_console_url(event, "slots"))


@facilitator
@require_POST
def place(request, event):
    unconference = get_unconference(event)
    try:
        result = do_place_topics(unconference, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, placement_summary(result))
    return redirect(_console_url(event, "placement"))


def placement_summary(result) -> str:
    placed = _("Placed %(placed)s topics; %(unplaced)s not placed.") % {
        "placed": len(result.placed),
        "unplaced": len(result.unplaced),
    }
    missed = _("People missing a topic they wanted: %(missed)s.") % {"missed": result.missed}
    quality = (
        _("This is the best possible plan.")
        if result.optimal
        else _("The best plan found in the time allowed; at best %(bound)s would miss out.")
        % {"bound": result.bound}
    )
    return f"{placed} {missed} {quality}"


@facilitator
def topic_console(request, event, pitch_id):
    """Everything the facilitator does to one topic: edit, place or pin, merge, notes."""
    unconference = get_unconference(event)
    found = get_pitch(unconference, pitch_id)
    if not found.is_active:
        messages.error(request, _("That topic was withdrawn or merged."))
        return redirect(_console_url(event, "topics"))
    others = [p for p in active_pitches(unconference) if p.pk != found.pk]
    rooms = list(unconference.rooms.order_by("order", "name"))
    slots = list(unconference.slots.all())
    candidates = list(note_taker_candidates(event))
    outcome = Outcome.objects.filter(pitch=found).first()
    action = request.POST.get("action") if request.method == "POST" else None
    edit_form = PitchEditForm(
        request.POST if action == "edit" else None,
        initial={
            "topic": found.topic,
            "description": found.description,
            "host_name": found.host_name,
            "unavailable_slots": list(found.unavailable_slots.all()),
        },
        unconference=unconference,
        auto_id="edit_%s",
    )
    place_form = PlaceForm(
        request.POST if action == "place" else None,
        initial={"room": found.room_id, "slot": found.slot_id, "pinned": True},
        rooms=rooms,
        slots=slots,
        auto_id="place_%s",
    )
    merge_form = MergeForm(
        request.POST if action == "merge" else None, pitches=others, auto_id="merge_%s"
    )
    taker_initial = {}
    if outcome is not None and outcome.note_taker_id:
        taker_initial = {"note_taker": str(outcome.note_taker_id)}
    elif outcome is not None and outcome.note_taker_name:
        is_host = outcome.note_taker_name == found.host_name
        taker_initial = {
            "note_taker": NoteTakerForm.HOST if is_host else NoteTakerForm.OTHER,
            "name": "" if is_host else outcome.note_taker_name,
        }
    taker_form = NoteTakerForm(
        request.POST if action == "note_taker" else None,
        initial=taker_initial,
        pitch=found,
        candidates=candidates,
        auto_id="taker_%s",
    )
    if action:
        response = _topic_action(
            request, event, unconference, found, action, edit_form, place_form, merge_form,
            taker_form, candidates,
        )  # fmt: skip
        if response is not None:
            return response
    return _render(
        request,
        event,
        "unconf/topic_console.html",
        {
            "unconference": unconference,
            "pitch": found,
            "interest": found.votes.count(),
            "outcome": outcome,
            "edit_form": edit_form,
            "place_form": place_form,
            "merge_form": merge_form,
            "taker_form": taker_form,
            "notes_url": request.build_absolute_uri(
                reverse("unconf:notes", kwargs={"event": event.slug, "pitch_id": found.pk})
            )
            + f"?key={notes_token(found)}",
            "may_publish": may_publish_outcome(found, request.user),
        },
        status=400 if action else 200,
    )


def _topic_action(
    request, event, unconference, found, action, edit_form, place_form, merge_form, taker_form,
    candidates,
):  # fmt: skip
    """Carry out one POSTed action; a redirect when it worked, None to show the errors."""
    user = request.user
    here = reverse("unconf:topic_console", kwargs={"event": event.slug, "pitch_id": found.pk})
    try:
        if action == "edit":
            if not edit_form.is_valid():
                return None
            do_edit_pitch(found, actor=user, **edit_form.cleaned_data)
            messages.success(request, _("Saved the topic."))
            return redirect(here)
        if action == "place":
            if not place_form.is_valid():
                return None
            room = unconference.rooms.filter(pk=place_form.cleaned_data["room"]).first()
            slot = unconference.slots.filter(pk=place_form.cleaned_data["slot"]).first()
            if room is None or slot is None:
                raise Http404(_("No such room or slot in this unconference."))
            slot.unconference = unconference
            do_move_pitch(
                found, actor=user, room=room, slot=slot, pinned=place_form.cleaned_data["pinned"]
            )
            messages.success(request, _("Moved the topic; the board shows it now."))
            return redirect(here)
        if action in ("pin", "unpin"):
            do_pin_pitch(found, actor=user, pinned=action == "pin")
            messages.success(request, _("Pinned.") if action == "pin" else _("Unpinned."))
            return redirect(here)
        if action == "unplace":
            do_unplace_pitch(found, actor=user)
            messages.success(request, _("Taken off the board."))
            return redirect(here)
        if action == "requeue":
            do_requeue_pitch(found, actor=user)
            messages.success(request, _("Back at the end of the pitch queue."))
            return redirect(here)
        if action == "withdraw":
            do_withdraw_pitch(found, actor=user)
            messages.success(request, _("Withdrawn “%(topic)s”.") % {"topic": found.topic})
            return redirect(_console_url(event, "topics"))
        if action == "merge":
            if not merge_form.is_valid():
                return None
            into = get_pitch(unconference, merge_form.cleaned_data["into"])
            do_merge_pitches(found, into=into, actor=user)
            messages.success(
                request,
                _("Merged into “%(topic)s”; their marks count once each.") % {"topic": into.topic},
            )
            return redirect(
                reverse("unconf:topic_console", kwargs={"event": event.slug, "pitch_id": into.pk})
            )
        if action == "note_taker":
            if not taker_form.is_valid():
                return None
            choice = taker_form.cleaned_data["note_taker"]
            if choice == NoteTakerForm.HOST:
                do_assign_note_taker(found, actor=user, name=found.host_name)
            elif choice == NoteTakerForm.OTHER:
                do_assign_note_taker(found, actor=user, name=taker_form.cleaned_data["name"])
            else:
                chosen = next((u for u in candidates if str(u.pk) == choice), None)
                do_assign_note_taker(found, actor=user, user=chosen)
            messages.success(request, _("Saved the note-taker."))
            return redirect(here)
        if action == "publish":
            do_publish_outcome(found, actor=user)
            messages.success(request, _("Published the notes on the live blog."))
            return redirect(here)
    except ValidationError as exc:
        form = {
            "edit": edit_form,
            "place": place_form,
            "merge": merge_form,
            "note_taker": taker_form,
        }.get(action)
        if form is not None:
            add_service_errors(form, exc)
        else:
            messages.error(request, " ".join(exc.messages))
            return redirect(here)
        return None
    messages.error(request, _("Choose what to do."))
    return redirect(here)
