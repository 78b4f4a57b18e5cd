"""Team pages: they parse input, call the team services and render."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hubbub.core.audit import audit_kinds, describe_entries
from hubbub.core.eventviews import add_service_errors, event_view, find_event, render_event
from hubbub.core.permissions import Action, policy
from hubbub.events.lifecycle import EventClosed, archive_message
from hubbub.events.models import Session

from . import audit as team_audit
from . import roles as team_roles
from . import services
from .forms import (
    ROLE_CHOICES,
    ApplicationForm,
    AuditFilterForm,
    InvitationForm,
    MemberRolesForm,
    TeamMessageForm,
    TeamSettingsForm,
)
from .models import Application, Invitation


def _labelled_sessions(event):
    sessions = list(
        Session.objects.filter(event=event).select_related("room").order_by("starts_at", "title")
    )
    for session in sessions:
        local = timezone.localtime(session.starts_at, event.tz)
        room = f" · {session.room.name}" if session.room else ""
        session.label = f"{local:%a %H:%M}{room} — {session.title}"
    return sessions


def _closed_says_so(view):
    """An archive's team pages are read-only: a change sent anyway comes back to the page
    with the reason, not a bare 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except EventClosed as exc:
            messages.error(request, str(exc))
            return redirect(request.path)

    return wrapper


# -- overview and settings -----------------------------------------------------------------------
@login_required
@_closed_says_so
@event_view(Action.USE_TEAM_DESK, section="team")
def overview(request, event):
    manage = policy.can(request.user, Action.MANAGE_TEAM, event)
    found = services.team_settings(event)
    form = TeamSettingsForm(
        initial={
            "recruitment_open": found.recruitment_open,
            "role_lapse_days": found.role_lapse_days,
        }
    )
    if request.method == "POST":
        policy.require(request.user, Action.MANAGE_TEAM, event)
        form = TeamSettingsForm(request.POST)
        if form.is_valid():
            try:
                services.do_update_team_settings(event, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Team settings saved."))
                return redirect("team:overview", event=event.slug)
    return render_event(
        request,
        event,
        "team/overview.html",
        {
            "form": form,
            "manage": manage,
            "members": team_roles.team_roster(event),
            "settings": found,
        },
        status=422 if form.errors else 200,
    )


@login_required
@_closed_says_so
@event_view(Action.MANAGE_TEAM, section="team")
def member(request, event, user_id):
    """One person on the team: change their roles, or remove them from the event."""
    found = team_roles.team_member(event, user_id)
    if found is None:
        raise Http404(_("No such person on this team."))
    form = MemberRolesForm(initial={"roles": found.roles})
    if request.method == "POST":
        form = MemberRolesForm(request.POST)
        try:
            if "remove" in request.POST:
                team_roles.do_remove_member(event, actor=request.user, user=found.user)
                done = _("%(name)s is no longer on this event's team.")
            elif form.is_valid():
                team_roles.do_set_member_roles(
                    event, actor=request.user, user=found.user, roles=form.cleaned_data["roles"]
                )
                done = _("Saved the roles of %(name)s.")
            else:
                done = None
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if done:
                messages.success(request, done % {"name": found.name})
                return redirect("team:overview", event=event.slug)
    return render_event(
        request,
        event,
        "team/member.html",
        {"member": found, "form": form, "is_self": found.user.pk == request.user.pk},
        status=422 if form.errors else 200,
    )


# -- recruitment ---------------------------------------------------------------------------------
@event_view(section="team")
def join(request, event):
    is_open = services.team_settings(event).recruitment_open
    sessions = _labelled_sessions(event) if is_open else []
    form = ApplicationForm(sessions=sessions)
    status = 200
    if request.method == "POST" and is_open:
        form = ApplicationForm(request.POST, sessions=sessions)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.do_submit_application(
                    event,
                    name=data["name"],
                    email=data["email"],
                    social_handles=data["social_handles"],
                    experience=data["experience"],
                    session_ids=data["sessions"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return render_event(request, event, "team/join_thanks.html", {})
        status = 422
    return render_event(
        request, event, "team/join.html", {"form": form, "is_open": is_open}, status=status
    )


@login_required
@_closed_says_so
@event_view(Action.MANAGE_TEAM, section="team")
def applications(request, event):
    if request.method == "POST":
        try:
            application = services.applications_for(event).get(pk=int(request.POST["application"]))
        except (KeyError, ValueError, Application.DoesNotExist):
            raise Http404(_("No such application on this event.")) from None
        application.event = event
        try:
            if request.POST.get("decision") == "accept":
                role = request.POST.get("role") or "reporter"
                decision = services.do_accept_application(
                    application,
                    actor=request.user,
                    site_url=request.build_absolute_uri("/"),
                    role=role,
                )
                done = _("Accepted %(name)s: they are now on this event's team, as %(role)s.")
            else:
                decision = services.do_decline_application(application, actor=request.user)
                done = _("Declined %(name)s.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            label = services.role_label(request.POST.get("role") or "reporter")
            messages.success(request, done % {"name": application.name, "role": label})
            if not decision.emailed:
                messages.warning(
                    request,
                    _("The email to %(email)s could not be sent.") % {"email": application.email},
                )
        return redirect("team:applications", event=event.slug)
    found = list(services.applications_for(event))
    pending = [a for a in found if a.status == Application.Status.PENDING]
    decided = [a for a in found if a.status != Application.Status.PENDING]
    return render_event(
        request,
        event,
        "team/applications.html",
        {
            "pending": pending,
            "decided": decided,
            "is_open": services.team_settings(event).recruitment_open,
            "role_choices": ROLE_CHOICES,
        },
    )


# -- invitations ---------------------------------------------------------------------------------
@login_required
@_closed_says_so
@event_view(Action.MANAGE_TEAM, section="team")
def invitations(request, event):
    form = InvitationForm()
    link = None
    status = 200
    if request.method == "POST":
        form = InvitationForm(request.POST)
        if form.is_valid():
            try:
                invitation, key = services.do_create_invitation(
                    event, actor=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                link = request.build_absolute_uri(
                    reverse("team:invitation", kwargs={"event": event.slug, "key": key})
                )
                form = InvitationForm()
        if form.errors:
            status = 422
    sent = list(Invitation.objects.filter(event=event).select_related("used_by")[:100])
    now = timezone.now()
    for invitation in sent:
        invitation.label = services.role_label(invitation.role)
        invitation.expired = invitation.expires_at <= now
    return render_event(
        request,
        event,
        "team/invitations.html",
        {"form": form, "link": link, "sent": sent},
        status=status,
    )


@_closed_says_so
def invitation(request, event, key):
    # A draft is hidden from everyone off its team, yet an invitation is how people join that
    # team before the event is published: a link made for this event shows it. Any other key
    # still reads as no event, so a draft's address is not confirmed to strangers.
    try:
        found = find_event(event, request.user)
    except Http404:
        found = services.invited_event(event, key)
        if found is None:
            raise
    request.event_section = "team"
    with timezone.override(found.tz):
        return _invitation_page(request, found, key)


def _invitation_page(request, event, key):
    if event.is_archive:
        return render_event(
            request, event, "team/invitation.html", {"problem": archive_message()}, status=409
        )
    try:
        found = services.check_invitation(event, key)
    except ValidationError as exc:
        status = 404 if exc.code == "unknown" else 410
        return render_event(
            request, event, "team/invitation.html", {"problem": exc.messages[0]}, status=status
        )
    if request.method == "POST":
        if not request.user.is_authenticated:
            raise PermissionDenied(_("Sign in to accept the invitation."))
        try:
            grant = services.do_use_invitation(event, key, user=request.user)
        except ValidationError as exc:
            return render_event(
                request, event, "team/invitation.html", {"problem": exc.messages[0]}, status=410
            )
        messages.success(
            request,
            _("Welcome to the team: you are now %(role)s on %(title)s.")
            % {"role": services.role_label(grant.role), "title": event.title},
        )
        return redirect("team:me", event=event.slug)
    here = request.get_full_path()
    return render_event(
        request,
        event,
        "team/invitation.html",
        {
            "invitation": found,
            "role_label": services.role_label(found.role),
            "lapses_at": services.role_lapse_time(event),
            "login_url": f"{reverse('account_login')}?next={here}",
            "signup_url": f"{reverse('account_signup')}?next={here}",
        },
    )


# -- coverage ------------------------------------------------------------------------------------
@login_required
@_closed_says_so
@event_view(Action.USE_TEAM_DESK, section="team")
def coverage(request, event):
    manage = policy.can(request.user, Action.MANAGE_TEAM, event) and not event.is_archive
    if request.method == "POST":
        policy.require(request.user, Action.MANAGE_TEAM, event)
        session = Session.objects.filter(event=event, pk=_int(request.POST.get("session"))).first()
        user = get_user_model().objects.filter(pk=_int(request.POST.get("user"))).first()
        if session is None or user is None:
            messages.error(request, _("Choose a session and a member of the team."))
        else:
            session.event = event
            try:
                if request.POST.get("remove"):
                    services.do_unassign_coverage(session, user=user, actor=request.user)
                    messages.success(request, _("Removed from %(s)s.") % {"s": session.title})
                else:
                    services.do_assign_coverage(session, user=user, actor=request.user)
                    messages.success(request, _("Assigned to %(s)s.") % {"s": session.title})
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
        anchor = f"#s{session.pk}" if session else ""
        return redirect(reverse("team:coverage", kwargs={"event": event.slug}) + anchor)
    sessions = services.coverage_sessions(event)
    members = list(services.team_members(event)) if manage else []
    return render_event(
        request,
        event,
        "team/coverage.html",
        {
            "sessions": sessions,
            "members": members,
            "manage": manage,
            "uncovered": sum(1 for s in sessions if not s.reporters),
        },
    )


@login_required
@event_view(Action.USE_TEAM_DESK, section="team")
def me(request, event):
    mine = services.my_sessions(event, request.user)
    return render_event(
        request,
        event,
        "team/me.html",
        {
            "mine": mine,
            "write_url": reverse("live:console", kwargs={"event": event.slug}),
            "can_post": policy.can(request.user, Action.POST_ENTRY, event)
            or policy.can(request.user, Action.POST_ENTRY_FOR_REVIEW, event),
        },
    )


# -- desk and audit ------------------------------------------------------------------------------
@login_required
@_closed_says_so
@event_view(Action.USE_TEAM_DESK, section="team")
def desk(request, event):
    form = TeamMessageForm()
    status = 200
    if request.method == "POST":
        form = TeamMessageForm(request.POST)
        if form.is_valid():
            try:
                services.do_post_team_message(
                    event, author=request.user, body=form.cleaned_data["body"]
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return redirect("team:desk", event=event.slug)
        status = 422
    found = services.team_messages(event)
    return render_event(
        request,
        event,
        "team/desk.html",
        {
            "form": form,
            "team_messages": found,
            "last_id": found[0].pk if found else 0,
            "stream_url": f"/{event.slug}/team/desk/stream",
        },
        status=status,
    )


AUDIT_PAGE_SIZE = 50


@login_required
@event_view(Action.VIEW_AUDIT_LOG, section="team")
def audit(request, event):
    form = AuditFilterForm(
        request.GET or None, people=team_audit.audit_people(event), kinds=audit_kinds()
    )
    person, kind = None, ""
    if form.is_bound and form.is_valid():
        person, kind = form.cleaned_data["person"] or None, form.cleaned_data["kind"]
    found = team_audit.audit_log(event, person=person, kind=kind)
    page = Paginator(found, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render_event(
        request,
        event,
        "team/audit.html",
        {
            "form": form,
            "log": describe_entries(page.object_list),
            "page": page,
            "filters": query.urlencode(),
        },
        status=422 if form.errors else 200,
    )


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
