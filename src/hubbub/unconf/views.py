"""Unconference pages: delegates pitch and mark topics on their phones (no account needed), the
projector shows the queue and the board, the facilitator runs it all from the console."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from hubbub.core.http import client_ip
from hubbub.core.permissions import Action, policy
from hubbub.events.services import get_public_event

from . import services
from .forms import (
    MergeForm,
    NoteTakerForm,
    OutcomeForm,
    PitchEditForm,
    PitchForm,
    PlaceForm,
    SetupForm,
    SlotForm,
    VoteForm,
    add_service_errors,
)
from .models import Outcome, Pitch


# -- helpers -------------------------------------------------------------------------------------
def _render(request, event, template, context, status=200):
    """Render in the event's own time zone, with the unconference tab current."""
    with timezone.override(event.tz):
        return render(
            request,
            template,
            {"event": event, "section": "unconference", **context},
            status=status,
        )


def _device(request) -> tuple[str, bool]:
    """The device id from the signed cookie, or a new one (True when new)."""
    device = request.get_signed_cookie(
        services.DEVICE_COOKIE, default=None, salt=services.DEVICE_SALT
    )
    if device:
        return device, False
    return services.new_device_id(), True


def _remember_device(request, response, device: str, is_new: bool):
    if is_new:
        response.set_signed_cookie(
            services.DEVICE_COOKIE,
            device,
            salt=services.DEVICE_SALT,
            max_age=services.DEVICE_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response


def _voter(request) -> tuple[str | None, str, bool]:
    """(voter key, device id, device is new). A new device has no key until its cookie
    comes back, so clearing cookies on every request cannot mint voters for free."""
    device, is_new = _device(request)
    if request.user.is_authenticated:
        return services.voter_key(request.user), device, is_new
    return (None if is_new else services.voter_key(device_id=device)), device, is_new


def _address(request) -> str:
    return client_ip(request) or ""


def _too_many(request, event, exc: services.RateLimited):
    response = _render(
        request,
        event,
        "unconf/rate_limited.html",
        {"retry_after": exc.retry_after, "back": request.path},
        status=429,
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


def _public(request, event_slug) -> tuple:
    event = get_public_event(event_slug, request.user)
    return event, services.get_unconference(event)


def facilitator(view):
    """Only people who may run the unconference (organisers) reach the console."""

    @wraps(view)
    def wrapped(request, event, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        event = get_public_event(event, request.user)
        policy.require(request.user, Action.RUN_UNCONFERENCE, event)
        return view(request, event, *args, **kwargs)

    return wrapped


def _console_url(event, anchor="") -> str:
    url = reverse("unconf:console", kwargs={"event": event.slug})
    return f"{url}#{anchor}" if anchor else url


def _stream_url(event) -> str:
    return reverse("live:page", kwargs={"event": event.slug}) + "stream"


# -- delegates ------------------------------------------------------------------------------------
def index(request, event):
    event = get_public_event(event, request.user)
    unconference = services.find_unconference(event)
    can_run = policy.can(request.user, Action.RUN_UNCONFERENCE, event)
    if unconference is None:
        if can_run:
            return redirect("unconf:setup", event=event.slug)
        raise Http404(_("This event has no unconference."))
    unconference.event = event
    on = services.whats_on(unconference)
    return _render(
        request,
        event,
        "unconf/index.html",
        {"unconference": unconference, "on": on, "can_run": can_run},
    )


def pitch(request, event):
    event, unconference = _public(request, event)
    voter, device, is_new = _voter(request)
    form = PitchForm(request.POST or None)
    if request.method == "POST" and unconference.accepts_pitches:
        try:
            services.check_rate_limit("pitch", who=voter or device, address=_address(request))
        except services.RateLimited as exc:
            return _too_many(request, event, exc)
        if voter is None:
            form.add_error(None, _("Your browser did not send its cookie back. Send it again."))
        elif form.is_valid():
            try:
                made = services.do_submit_pitch(
                    unconference,
                    **form.cleaned_data,
                    host_key=voter,
                    host_user=request.user,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                position = services.queue_position(made)
                messages.success(
                    request,
                    _("Thank you. “%(topic)s” is number %(position)s in the pitch queue.")
                    % {"topic": made.topic, "position": position},
                )
                return _remember_device(
                    request, redirect("unconf:pitch", event=event.slug), device, is_new
                )
    response = _render(
        request,
        event,
        "unconf/pitch.html",
        {"unconference": unconference, "form": form},
    )
    return _remember_device(request, response, device, is_new)


def vote(request, event):
    event, unconference = _public(request, event)
    voter, device, is_new = _voter(request)
    pitches = list(services.active_pitches(unconference).order_by("queued_at", "id"))
    marked = services.marks_of(unconference, voter)
    if request.method == "POST" and unconference.accepts_votes:
        try:
            services.check_rate_limit("vote", who=voter or device, address=_address(request))
        except services.RateLimited as exc:
            return _too_many(request, event, exc)
        form = VoteForm(request.POST, pitches=pitches)
        if voter is None:
            form.add_error(None, _("Your browser did not send its cookie back. Save again."))
        elif form.is_valid():
            try:
                saved = services.do_set_marks(
                    unconference, voter=voter, pitch_ids=form.cleaned_data["topics"]
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    ngettext(
                        "Saved: you marked %(count)s topic.",
                        "Saved: you marked %(count)s topics.",
                        len(saved),
                    )
                    % {"count": len(saved)},
                )
                return _remember_device(
                    request, redirect("unconf:vote", event=event.slug), device, is_new
                )
    else:
        form = VoteForm(initial={"topics": sorted(marked)}, pitches=pitches)
    response = _render(
        request,
        event,
        "unconf/vote.html",
        {
            "unconference": unconference,
            "form": form,
            "pitches": pitches,
            "chosen": _chosen(request, marked),
            "marked_count": len(marked),
        },
    )
    return _remember_device(request, response, device, is_new)


def _chosen(request, marked: set[int]) -> set[int]:
    """The ticks to show: what was just sent (when it was refused), else the saved marks."""
    if request.method != "POST":
        return marked
    return {int(v) for v in request.POST.getlist("topics") if v.isdigit()}


def board(request, event):
    event, unconference = _public(request, event)
    return _render(
        request,
        event,
        "unconf/board.html",
        {
            "unconference": unconference,
            "board_html": services.render_board(unconference),
            "stream_url": _stream_url(event),
        },
    )


def now(request, event):
    event, unconference = _public(request, event)
    return _render(
        request,
        event,
        "unconf/now.html",
        {"unconference": unconference, "on": services.whats_on(unconference)},
    )


def topic(request, event, pitch_id):
    event, unconference = _public(request, event)
    found = services.get_pitch(unconference, pitch_id)
    if found.merged_into_id:
        return redirect(found.merged_into.get_absolute_url())
    outcome = Outcome.objects.filter(pitch=found).select_related("entry").first()
    voter, _device_id, _new = _voter(request)
    return _render(
        request,
        event,
        "unconf/topic.html",
        {
            "unconference": unconference,
            "pitch": found,
            "outcome": outcome if outcome and outcome.status == Outcome.Status.PUBLISHED else None,
            "may_take_notes": services.may_record_outcome(found, user=request.user, voter=voter),
        },
    )


def notes(request, event, pitch_id):
    """The note-taker's page: what was discussed, decisions, actions and owners."""
    event, unconference = _public(request, event)
    found = services.get_pitch(unconference, pitch_id, active_only=True)
    voter, device, is_new = _voter(request)
    key = request.POST.get("key") or request.GET.get("key")
    user = request.user if request.user.is_authenticated else None
    if not services.may_record_outcome(found, user=user, voter=voter, token=key):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise Http404(_("No notes page for you here."))
    outcome = Outcome.objects.filter(pitch=found).first()
    may_publish = user is not None and services.may_publish_outcome(found, user)
    locked = outcome is not None and outcome.status == Outcome.Status.PUBLISHED and not may_publish
    initial = {}
    if outcome is not None:
        initial = {n: getattr(outcome, n) for n in ("discussed", "decisions", "actions")}
    form = OutcomeForm(request.POST or None, initial=initial)
    if request.method == "POST" and not locked:
        try:
            services.check_rate_limit("notes", who=voter or device, address=_address(request))
        except services.RateLimited as exc:
            return _too_many(request, event, exc)
        action = request.POST.get("action", "submit")
        if form.is_valid():
            try:
                if action == "publish" and may_publish:
                    services.do_publish_outcome(found, actor=user, **form.cleaned_data)
                    messages.success(request, _("Published on the live blog and the topic's page."))
                    return redirect(found.get_absolute_url())
                services.do_save_outcome(
                    found, **form.cleaned_data, user=user, submit=action != "draft"
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Saved as a draft.")
                    if action == "draft"
                    else _("Sent. An editor will publish the notes."),
                )
                target = request.path + (f"?key={key}" if key else "")
                return _remember_device(request, redirect(target), device, is_new)
    response = _render(
        request,
        event,
        "unconf/notes.html",
        {
            "unconference": unconference,
            "pitch": found,
            "outcome": outcome,
            "form": form,
            "may_publish": may_publish,
            "locked": locked,
            "key": key or "",
        },
    )
    return _remember_device(request, response, device, is_new)


def projector(request, event):
    """The pitching screen: where to send a pitch (link and QR code), who is on, who is next."""
    event, unconference = _public(request, event)
    pitch_url = request.build_absolute_uri(reverse("unconf:pitch", kwargs={"event": event.slug}))
    short = pitch_url.split("://", 1)[-1]
    return _render(
        request,
        event,
        "unconf/projector.html",
        {
            "unconference": unconference,
            "pitch_url": pitch_url,
            "short_url": short,
            "qr": services.qr_svg(pitch_url, _("QR code for %(url)s") % {"url": short}),
            "pitching_html": services.render_pitching(unconference),
            "stream_url": _stream_url(event),
        },
    )


# -- the facilitator's console --------------------------------------------------------------------
@facilitator
def setup(request, event):
    unconference = services.find_unconference(event)
    if unconference is not None:
        unconference.event = event
    sessions = services.unconference_sessions(event)
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
        }
    form = SetupForm(
        request.POST or None, initial=initial, event=event, rooms=rooms, sessions=sessions
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.do_set_up_unconference(event=event, actor=request.user, **form.cleaned_data)
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
    unconference = services.find_unconference(event)
    if unconference is None:
        return redirect("unconf:setup", event=event.slug)
    unconference.event = event
    topics = list(services.topics_with_interest(unconference))
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
        "pitching": services.pitching_context(unconference),
        "slots": list(unconference.slots.all()),
        "rooms": list(unconference.rooms.order_by("order", "name")),
        "board_html": services.render_board(unconference),
        "add_form": extra.get("add_form") or PitchForm(auto_id="add_%s"),
        "slot_form": extra.get("slot_form") or SlotForm(event=event, auto_id="slot_%s"),
        "skipped": [t for t in topics if t.status == Pitch.Status.SKIPPED],
    }


@facilitator
@require_POST
def change_state(request, event):
    unconference = services.get_unconference(event)
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
        services.do_change_state(unconference, actor=request.user, **changes[action])
        messages.success(request, _("Done."))
    return redirect(_console_url(event, "state"))


@facilitator
@require_POST
def queue(request, event):
    unconference = services.get_unconference(event)
    action = request.POST.get("action")
    try:
        if action == "restart":
            services.do_restart_countdown(unconference, actor=request.user)
            messages.success(request, _("The timer has started again."))
        elif action in ("next", "skip"):
            following = services.do_next_pitch(
                unconference, actor=request.user, skip=action == "skip"
            )
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
    unconference = services.get_unconference(event)
    form = PitchForm(request.POST, auto_id="add_%s")
    if form.is_valid():
        try:
            made = services.do_submit_pitch(unconference, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Added “%(topic)s” to the queue.") % {"topic": made.topic})
            return redirect(_console_url(event, "topics"))
    topics = list(services.topics_with_interest(unconference))
    context = _console_context(request, event, unconference, topics, add_form=form)
    return _render(request, event, "unconf/console.html", context, status=400)


@facilitator
@require_POST
def add_slot(request, event):
    unconference = services.get_unconference(event)
    form = SlotForm(request.POST, event=event, auto_id="slot_%s")
    if form.is_valid():
        starts_at, ends_at = form.times()
        try:
            services.do_add_slot(
                unconference,
                actor=request.user,
                starts_at=starts_at,
                ends_at=ends_at,
                label=form.cleaned_data["label"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                fields = {"starts_at": "starts", "ends_at": "ends"}
                for name, errors in exc.message_dict.items():
                    form.add_error(fields.get(name), errors)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(request, _("Added the slot."))
            return redirect(_console_url(event, "slots"))
    topics = list(services.topics_with_interest(unconference))
    context = _console_context(request, event, unconference, topics, slot_form=form)
    return _render(request, event, "unconf/console.html", context, status=400)


@facilitator
@require_POST
def delete_slot(request, event, slot_id):
    unconference = services.get_unconference(event)
    slot = unconference.slots.filter(pk=slot_id).first()
    if slot is None:
        raise Http404(_("No such slot."))
    slot.unconference = unconference
    try:
        services.do_delete_slot(slot, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Removed the slot."))
    return redirect(_console_url(event, "slots"))


@facilitator
@require_POST
def place(request, event):
    unconference = services.get_unconference(event)
    try:
        result = services.do_place_topics(unconference, actor=request.user)
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
    unconference = services.get_unconference(event)
    found = services.get_pitch(unconference, pitch_id)
    if not found.is_active:
        messages.error(request, _("That topic was withdrawn or merged."))
        return redirect(_console_url(event, "topics"))
    others = [p for p in services.active_pitches(unconference) if p.pk != found.pk]
    rooms = list(unconference.rooms.order_by("order", "name"))
    slots = list(unconference.slots.all())
    candidates = list(services.note_taker_candidates(event))
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
            + f"?key={services.notes_token(found)}",
            "may_publish": services.may_publish_outcome(found, request.user),
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
            services.do_edit_pitch(found, actor=user, **edit_form.cleaned_data)
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
            services.do_move_pitch(
                found, actor=user, room=room, slot=slot, pinned=place_form.cleaned_data["pinned"]
            )
            messages.success(request, _("Moved the topic; the board shows it now."))
            return redirect(here)
        if action in ("pin", "unpin"):
            services.do_pin_pitch(found, actor=user, pinned=action == "pin")
            messages.success(request, _("Pinned.") if action == "pin" else _("Unpinned."))
            return redirect(here)
        if action == "unplace":
            services.do_unplace_pitch(found, actor=user)
            messages.success(request, _("Taken off the board."))
            return redirect(here)
        if action == "requeue":
            services.do_requeue_pitch(found, actor=user)
            messages.success(request, _("Back at the end of the pitch queue."))
            return redirect(here)
        if action == "withdraw":
            services.do_withdraw_pitch(found, actor=user)
            messages.success(request, _("Withdrawn “%(topic)s”.") % {"topic": found.topic})
            return redirect(_console_url(event, "topics"))
        if action == "merge":
            if not merge_form.is_valid():
                return None
            into = services.get_pitch(unconference, merge_form.cleaned_data["into"])
            services.do_merge_pitches(found, into=into, actor=user)
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
                services.do_assign_note_taker(found, actor=user, name=found.host_name)
            elif choice == NoteTakerForm.OTHER:
                services.do_assign_note_taker(
                    found, actor=user, name=taker_form.cleaned_data["name"]
                )
            else:
                chosen = next((u for u in candidates if str(u.pk) == choice), None)
                services.do_assign_note_taker(found, actor=user, user=chosen)
            messages.success(request, _("Saved the note-taker."))
            return redirect(here)
        if action == "publish":
            services.do_publish_outcome(found, actor=user)
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
