"""The organiser's back office: the events one may manage, creating an event, its dashboard,
its settings and status, and starting the next event from it. Views parse input, call the
events services and render; the programme editor is in ``programme_views``."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from hubbub.comments import services as comments
from hubbub.core.eventviews import add_service_errors, event_view, render_event
from hubbub.core.permissions import Action, Role, policy
from hubbub.events import setup
from hubbub.events.extensions import dashboard_tools_from_apps
from hubbub.events.lifecycle import EventClosed
from hubbub.events.models import Event
from hubbub.team.models import EventRole
from hubbub.team.organisations import organisations_administered_by

from .attention import attention
from .forms import CommentPolicyForm, CopyEventForm, CreateEventForm, EditEventForm, StatusForm

EVENT_FORM_FIELDS = setup.EVENT_FIELDS


def render_form_page(request, event, template, context, *, forms=()):
    """Render with 422 when a form on the page has errors, so tests and tools can tell."""
    has_errors = any(form is not None and form.errors for form in forms)
    return render_event(request, event, template, context, status=422 if has_errors else 200)


def managed_events(user):
    """Events ``user`` may manage: their organisations' events and those they organise."""
    events = Event.objects.select_related("organisation").order_by("-starts_on", "title")
    if user.is_superuser:
        return events
    organiser_of = EventRole.objects.active().filter(user=user, role=Role.ORGANISER.value)
    return events.filter(
        Q(organisation__in=organisations_administered_by(user))
        | Q(pk__in=organiser_of.values("event_id"))
    ).distinct()


# -- site-wide -----------------------------------------------------------------------------------
@login_required
def index(request):
    organisations = list(organisations_administered_by(request.user))
    return render_event(
        request,
        None,
        "backoffice/index.html",
        {"events": list(managed_events(request.user)), "can_create": bool(organisations)},
    )


@login_required
def create_event(request):
    organisations = organisations_administered_by(request.user).order_by("name")
    if not organisations.exists():
        raise PermissionDenied(_("Only organisation admins can create events."))
    form = CreateEventForm(organisations=organisations)
    if request.method == "POST":
        form = CreateEventForm(request.POST, request.FILES, organisations=organisations)
        if form.is_valid():
            data = form.cleaned_data
            try:
                event = setup.do_create_event(
                    actor=request.user,
                    organisation=data["organisation"],
                    logo=data.get("logo"),
                    **{name: data[name] for name in EVENT_FORM_FIELDS},
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("“%(title)s” is set up as a draft: only its team can see it for now.")
                    % {"title": event.title},
                )
                return redirect("backoffice:dashboard", event=event.slug)
    return render_form_page(request, None, "backoffice/create.html", {"form": form}, forms=[form])


# -- one event -----------------------------------------------------------------------------------
@login_required
@event_view(Action.MANAGE_EVENT, section="manage")
def dashboard(request, event):
    return render_event(
        request,
        event,
        "backoffice/dashboard.html",
        {
            "attention": attention(event),
            "app_tools": dashboard_tools_from_apps(event),
            "can_copy": policy.can_in_organisation(
                request.user, Action.CREATE_EVENT, event.organisation
            ),
            "status_form": _status_form(event),
        },
    )


def _status_form(event, data=None) -> StatusForm:
    return StatusForm(
        data, initial={"status": event.status, "status_by_dates": event.status_by_dates}
    )


def _comment_policy_form(event, data=None) -> CommentPolicyForm:
    current = comments.current_comment_policy(event)
    return CommentPolicyForm(
        data, initial={"policy": current.policy, "close_after_days": current.close_after_days}
    )


@login_required
@event_view(Action.MANAGE_EVENT, section="manage")
def event_settings(request, event):
    form = EditEventForm(initial={name: getattr(event, name) for name in EVENT_FORM_FIELDS})
    if request.method == "POST":
        form = EditEventForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                setup.do_update_event(
                    event,
                    actor=request.user,
                    logo=data.get("logo"),
                    remove_logo=data.get("remove_logo", False),
                    **{name: data[name] for name in EVENT_FORM_FIELDS},
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            except EventClosed as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Event settings saved."))
                return redirect("backoffice:settings", event=event.slug)
    return _settings_page(request, event, form=form)


def _settings_page(request, event, *, form=None, comment_form=None):
    form = form or EditEventForm(initial={name: getattr(event, name) for name in EVENT_FORM_FIELDS})
    comment_form = comment_form or _comment_policy_form(event)
    return render_form_page(
        request,
        event,
        "backoffice/settings.html",
        {"form": form, "status_form": _status_form(event), "comment_form": comment_form},
        forms=[form, comment_form],
    )


@login_required
@event_view(Action.MANAGE_EVENT, section="manage")
def comment_policy(request, event):
    """The event's comment policy, a form of its own on the settings page."""
    form = _comment_policy_form(event, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            comments.do_set_comment_policy(
                event,
                actor=request.user,
                policy_name=form.cleaned_data["policy"],
                close_after_days=form.cleaned_data["close_after_days"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except EventClosed as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Comment policy saved."))
            return redirect("backoffice:settings", event=event.slug)
    return _settings_page(request, event, comment_form=form)


@login_required
@event_view(Action.MANAGE_EVENT, section="manage")
def event_status(request, event):
    form = _status_form(event, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = setup.do_set_status(
                event,
                actor=request.user,
                status=form.cleaned_data["status"],
                # Only a change of the box counts: a status chosen against the dates with
                # the box left ticked is an override, which switches following them off.
                by_dates=(
                    None
                    if form.cleaned_data["status_by_dates"] == event.status_by_dates
                    else form.cleaned_data["status_by_dates"]
                ),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("The event is now: %(status)s.") % {"status": event.get_phase_display()}
            )
            return redirect("backoffice:dashboard", event=event.slug)
    return render_form_page(
        request, event, "backoffice/status.html", {"status_form": form}, forms=[form]
    )


@login_required
@event_view(Action.MANAGE_EVENT, section="manage")
def copy_event(request, event):
    if not policy.can_in_organisation(request.user, Action.CREATE_EVENT, event.organisation):
        raise PermissionDenied(_("Only the organisation's admins can start a new event."))
    next_year = event.starts_on + timedelta(days=364)  # the same weekday, a year on
    form = CopyEventForm(initial={"starts_on": next_year, "with_programme": True})
    if request.method == "POST":
        form = CopyEventForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                copy = setup.do_copy_event(
                    event,
                    actor=request.user,
                    slug=data["slug"],
                    title=data["title"],
                    starts_on=data["starts_on"],
                    with_programme=data["with_programme"],
                    with_team=data["with_team"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc, {"start_date": "starts_on"})
            else:
                messages.success(
                    request,
                    _("“%(title)s” is set up from “%(source)s” as a draft.")
                    % {"title": copy.title, "source": event.title},
                )
                return redirect("backoffice:dashboard", event=copy.slug)
    return render_form_page(
        request,
        event,
        "backoffice/copy.html",
        {"form": form, "today": timezone.localdate()},
        forms=[form],
    )
