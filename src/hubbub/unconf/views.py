"""Unconference pages for delegates: they pitch and mark topics on their phones (no account
needed), the projector shows the queue and the board. The facilitator's console is in
``console_views.py``."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hubbub.core.eventviews import add_service_errors, event_view, render_event
from hubbub.core.http import client_ip
from hubbub.core.permissions import Action, policy
from hubbub.core.ratelimit import RateLimited
from hubbub.events.services import get_public_event

from .device import Device, device_key, read_device, remember_device
from .forms import OutcomeForm, PitchForm, VoteForm
from .models import Outcome
from .services.access import (
    active_pitches,
    admit_identity,
    check_rate_limit,
    find_unconference,
    get_pitch,
    get_unconference,
    queue_position,
    voter_key,
)
from .services.board import qr_svg, render_board, render_pitching, whats_on
from .services.interest import do_set_marks, marks_of
from .services.outcomes import (
    do_publish_outcome,
    do_save_outcome,
    may_publish_outcome,
    may_record_outcome,
)
from .services.pitches import do_submit_pitch

# -- helpers -------------------------------------------------------------------------------------
# Pages of the unconference, with its tab current.
_render = partial(render_event, section="unconference")


def _voter(request) -> tuple[str | None, Device]:
    """(voter key, device). A device has no key until its cookie comes back together with the
    browser's CSRF cookie, so a script that drops cookies cannot mint voters for free."""
    device = read_device(request)
    if request.user.is_authenticated:
        return voter_key(request.user), device
    return device.key, device


def _address(request) -> str:
    return client_ip(request) or ""


def _too_many(request, event, exc: RateLimited):
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
    return event, get_unconference(event)


def _stream_url(event) -> str:
    return reverse("live:page", kwargs={"event": event.slug}) + "stream"


# -- delegates ------------------------------------------------------------------------------------
@event_view(section="unconference")
def index(request, event):
    unconference = find_unconference(event)
    can_run = policy.can(request.user, Action.RUN_UNCONFERENCE, event)
    if unconference is None:
        if can_run:
            return redirect("unconf:setup", event=event.slug)
        raise Http404(_("This event has no unconference."))
    unconference.event = event
    on = whats_on(unconference)
    return _render(
        request,
        event,
        "unconf/index.html",
        {"unconference": unconference, "on": on, "can_run": can_run},
    )


def pitch(request, event):
    event, unconference = _public(request, event)
    voter, device = _voter(request)
    form = PitchForm(request.POST or None)
    if request.method == "POST" and unconference.accepts_pitches:
        try:
            check_rate_limit("pitch", who=voter or device.id, address=_address(request))
            if voter is not None and form.is_valid():
                admit_identity(unconference, voter=voter, address=_address(request))
        except RateLimited as exc:
            return _too_many(request, event, exc)
        if voter is None:
            form.add_error(None, _("Your browser did not send its cookie back. Send it again."))
        elif form.is_valid():
            try:
                made = do_submit_pitch(
                    unconference,
                    **form.cleaned_data,
                    host_key=voter,
                    host_user=request.user,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                position = queue_position(made)
                messages.success(
                    request,
                    _("Thank you. “%(topic)s” is number %(position)s in the pitch queue.")
                    % {"topic": made.topic, "position": position},
                )
                return remember_device(request, redirect("unconf:pitch", event=event.slug), device)
    response = _render(
        request,
        event,
        "unconf/pitch.html",
        {"unconference": unconference, "form": form},
    )
    return remember_device(request, response, device)


def vote(request, event):
    event, unconference = _public(request, event)
    voter, device = _voter(request)
    needs_sign_in = unconference.marking_needs_account and not request.user.is_authenticated
    if needs_sign_in and request.method == "POST":
        return redirect_to_login(request.get_full_path())
    pitches = list(active_pitches(unconference).order_by("queued_at", "id"))
    marked = marks_of(unconference, voter)
    if request.method == "POST" and unconference.accepts_votes:
        try:
            check_rate_limit("vote", who=voter or device.id, address=_address(request))
            if voter is not None:
                admit_identity(unconference, voter=voter, address=_address(request))
        except RateLimited as exc:
            return _too_many(request, event, exc)
        form = VoteForm(request.POST, pitches=pitches)
        if voter is None:
            form.add_error(None, _("Your browser did not send its cookie back. Save again."))
        elif form.is_valid():
            try:
                saved = do_set_marks(
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
                return remember_device(request, redirect("unconf:vote", event=event.slug), device)
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
            "sign_in_url": _sign_in_url(request) if needs_sign_in else None,
        },
    )
    return remember_device(request, response, device)


def _sign_in_url(request) -> str:
    return redirect_to_login(request.get_full_path()).url


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
            "board_html": render_board(unconference),
            "stream_url": _stream_url(event),
        },
    )


def now(request, event):
    event, unconference = _public(request, event)
    return _render(
        request,
        event,
        "unconf/now.html",
        {"unconference": unconference, "on": whats_on(unconference)},
    )


def topic(request, event, pitch_id):
    event, unconference = _public(request, event)
    found = get_pitch(unconference, pitch_id)
    if found.merged_into_id:
        return redirect(found.merged_into.get_absolute_url())
    outcome = Outcome.objects.filter(pitch=found).select_related("entry").first()
    voter = voter_key(request.user) if request.user.is_authenticated else device_key(request)
    return _render(
        request,
        event,
        "unconf/topic.html",
        {
            "unconference": unconference,
            "pitch": found,
            "outcome": outcome if outcome and outcome.status == Outcome.Status.PUBLISHED else None,
            "may_take_notes": may_record_outcome(found, user=request.user, voter=voter),
        },
    )


def notes(request, event, pitch_id):
    """The note-taker's page: what was discussed, decisions, actions and owners."""
    event, unconference = _public(request, event)
    found = get_pitch(unconference, pitch_id, active_only=True)
    voter, device = _voter(request)
    key = request.POST.get("key") or request.GET.get("key")
    user = request.user if request.user.is_authenticated else None
    if not may_record_outcome(found, user=user, voter=voter, token=key):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise Http404(_("No notes page for you here."))
    outcome = Outcome.objects.filter(pitch=found).first()
    may_publish = user is not None and may_publish_outcome(found, user)
    locked = outcome is not None and outcome.status == Outcome.Status.PUBLISHED and not may_publish
    initial = {}
    if outcome is not None:
        initial = {n: getattr(outcome, n) for n in ("discussed", "decisions", "actions")}
    form = OutcomeForm(request.POST or None, initial=initial)
    if request.method == "POST" and not locked:
        try:
            check_rate_limit("notes", who=voter or device.id, address=_address(request))
        except RateLimited as exc:
            return _too_many(request, event, exc)
        action = request.POST.get("action", "submit")
        if form.is_valid():
            try:
                if action == "publish" and may_publish:
                    do_publish_outcome(found, actor=user, **form.cleaned_data)
                    messages.success(request, _("Published on the live blog and the topic's page."))
                    return redirect(found.get_absolute_url())
                do_save_outcome(found, **form.cleaned_data, user=user, submit=action != "draft")
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
                return remember_device(request, redirect(target), device)
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
    return remember_device(request, response, device)


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
            "qr": qr_svg(pitch_url, _("QR code for %(url)s") % {"url": short}),
            "pitching_html": render_pitching(unconference),
            "stream_url": _stream_url(event),
        },
    )
