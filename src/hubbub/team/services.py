"""The reporting team: roles, recruitment, invitations, coverage, the team desk and audit."""

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from hubbub.core.audit import log_action
from hubbub.core.permissions import Action, Role, policy
from hubbub.events.lifecycle import archive_message, check_not_archived
from hubbub.events.models import Session
from hubbub.live import close_desk_streams, publish_private

from .models import (
    Application,
    CoverageAssignment,
    EventRole,
    Invitation,
    TeamMessage,
    TeamSettings,
)

logger = logging.getLogger(__name__)


def check_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        names = ", ".join(r.value for r in Role)
        raise ValidationError(
            {
                "role": _("Unknown role “%(role)s”; choose one of: %(names)s.")
                % {"role": role, "names": names}
            }
        ) from None


LAPSE_AFTER_EVENT = object()


def display_name(user) -> str:
    """How a person is named on team pages and in the audit log."""
    return user.get_full_name() or user.get_username()


def active_role_names(user, event) -> list[str]:
    """The names of ``user``'s roles on ``event`` that have not lapsed (the permission
    policy's role provider)."""
    return list(
        EventRole.objects.active().filter(user=user, event=event).values_list("role", flat=True)
    )


def home_room(user, event):
    """The room ``user`` usually covers on ``event`` (the reporter console's default)."""
    grant = (
        EventRole.objects.active()
        .filter(user=user, event=event, home_room__isnull=False)
        .select_related("home_room")
        .first()
    )
    return grant.home_room if grant else None


def team_settings(event) -> TeamSettings:
    found = getattr(event, "_hubbub_team_settings", None)
    if found is None:
        found, _created = TeamSettings.objects.get_or_create(event=event)
        event._hubbub_team_settings = found
    return found


def role_lapse_time(event) -> datetime:
    """When roles granted on ``event`` lapse: the configured days after its last day ends."""
    days = team_settings(event).role_lapse_days
    return event.day_start(event.ends_on + timedelta(days=1)) + timedelta(days=days)


@transaction.atomic
def do_grant_role(
    *,
    user,
    event,
    role: str,
    granted_by=None,
    home_room=None,
    expires_at=LAPSE_AFTER_EVENT,
    audit: bool = True,
) -> EventRole:
    """Grant ``role``; it lapses after the event unless ``expires_at`` says otherwise (None:
    never). Granting a role someone already holds renews its lapse time. ``audit=False`` is
    for callers that record one entry of their own for a larger change."""
    checked = check_role(role)
    if expires_at is LAPSE_AFTER_EVENT:
        expires_at = role_lapse_time(event)
    grant, created = EventRole.objects.get_or_create(
        user=user,
        event=event,
        role=checked.value,
        defaults={"granted_by": granted_by, "home_room": home_room, "expires_at": expires_at},
    )
    if created and audit:
        log_action(
            "hubbub.role.granted",
            actor=granted_by,
            event=event,
            target=grant,
            data={"user": user.get_username(), "name": display_name(user), "role": checked.value},
        )
    elif grant.expires_at is not None and (expires_at is None or expires_at > grant.expires_at):
        grant.expires_at = expires_at
        grant.save(update_fields=["expires_at"])
    user.__dict__.pop("_hubbub_event_roles", None)
    return grant


@transaction.atomic
def do_revoke_role(*, user, event, role: str, revoked_by=None, audit: bool = True) -> int:
    """Take ``role`` away; every way of removing someone from a team comes through here."""
    checked = check_role(role)
    deleted, _details = EventRole.objects.filter(
        user=user, event=event, role=checked.value
    ).delete()
    if deleted and audit:
        log_action(
            "hubbub.role.revoked",
            actor=revoked_by,
            event=event,
            data={"user": user.get_username(), "name": display_name(user), "role": checked.value},
        )
    user.__dict__.pop("_hubbub_event_roles", None)
    if deleted and not policy.can(user, Action.USE_TEAM_DESK, event):
        # Off the team: their open desk streams end in every process (a reconnect is refused).
        close_desk_streams(event, user.pk)
    return deleted


def find_user(username: str):
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        raise ValidationError({"username": _("No user called “%(name)s”.") % {"name": username}})
    return user


def do_update_team_settings(event, *, actor, recruitment_open: bool, role_lapse_days) -> None:
    policy.require(actor, Action.MANAGE_TEAM, event)
    check_not_archived(event)
    try:
        days = int(role_lapse_days)
    except (TypeError, ValueError):
        days = -1
    if not 0 <= days <= 3650:
        raise ValidationError({"role_lapse_days": _("Give a number of days from 0 to 3650.")})
    found = team_settings(event)
    found.recruitment_open, found.role_lapse_days = bool(recruitment_open), days
    found.save()
    log_action(
        "hubbub.team.settings.changed",
        actor=actor,
        event=event,
        data={"recruitment_open": found.recruitment_open, "role_lapse_days": days},
    )


def team_members(event):
    """Users holding an active role on ``event``, each once, by name."""
    User = get_user_model()
    return (
        User.objects.filter(
            event_roles__in=EventRole.objects.active().filter(event=event), is_active=True
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


# -- recruitment ---------------------------------------------------------------------------------
def check_application(event, *, name, email, session_ids=()) -> tuple[str, str, list[Session]]:
    if event.is_archive:
        raise ValidationError(archive_message())
    if event.has_ended:
        raise ValidationError(_("Applications have closed: the event has ended."))
    if not team_settings(event).recruitment_open:
        raise ValidationError(_("This event is not recruiting reporters at the moment."))
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Tell us your name.")
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = _("Enter an email address like name@example.org.")
    ids = set()
    for raw in session_ids or ():
        try:
            ids.add(int(raw))
        except (TypeError, ValueError):
            errors["sessions"] = _("Choose sessions of this event.")
    sessions = list(Session.objects.filter(event=event, pk__in=ids))
    if len(sessions) != len(ids):
        errors["sessions"] = _("Choose sessions of this event.")
    if errors:
        raise ValidationError(errors)
    return name, email, sessions


@transaction.atomic
def do_submit_application(
    event, *, name, email, social_handles="", experience="", session_ids=()
) -> Application:
    name, email, sessions = check_application(
        event, name=name, email=email, session_ids=session_ids
    )
    application = Application.objects.create(
        event=event,
        name=name[:150],
        email=email,
        social_handles=(social_handles or "").strip()[:300],
        experience=(experience or "").strip()[:3000],
    )
    application.sessions.set(sessions)
    log_action(
        "hubbub.team.application.submitted",
        event=event,
        target=application,
        data={"email": email},
    )
    return application


def _pending_application(application: Application, actor) -> None:
    policy.require(actor, Action.MANAGE_TEAM, application.event)
    check_not_archived(application.event)
    if application.status != Application.Status.PENDING:
        raise ValidationError(
            _("This application was already %(status)s.")
            % {"status": application.get_status_display().lower()}
        )


def _account_for(application: Application):
    """The account with the applicant's email, or a new one without a usable password."""
    User = get_user_model()
    user = User.objects.filter(email__iexact=application.email).order_by("pk").first()
    if user is not None:
        return user, False
    base = slugify(application.email.split("@")[0])[:30] or "reporter"
    username, n = base, 1
    while User.objects.filter(username=username).exists():
        n += 1
        username = f"{base}{n}"
    first, _sep, last = application.name.partition(" ")
    user = User(username=username, email=application.email, first_name=first[:150])
    user.last_name = last[:150]
    user.set_unusable_password()
    user.save()
    return user, True


def set_password_url(user, site_url: str) -> str:
    """An allauth password-reset link: a new reporter chooses their password with it."""
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str

    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(user),
            "key": default_token_generator.make_token(user),
        },
    )
    return site_url.rstrip("/") + path


def _send(subject: str, template: str, context: dict, to: str) -> bool:
    try:
        send_mail(
            subject,
            render_to_string(template, context),
            settings.DEFAULT_FROM_EMAIL,
            [to],
        )
    except Exception:
        # The decision stands; the organiser is told the email did not go.
        logger.exception("could not send %r to %s", subject, to)
        return False
    return True


@dataclass
class Decision:
    application: Application
    emailed: bool


def do_accept_application(
    application: Application, *, actor, site_url: str, role: str = Role.REPORTER
) -> Decision:
    """Accept: find or create the account by email, grant ``role`` on this event, email them."""
    event = application.event
    checked = check_role(role)
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        application.event = event
        _pending_application(application, actor)
        user, created = _account_for(application)
        do_grant_role(user=user, event=event, role=checked, granted_by=actor)
        application.status = Application.Status.ACCEPTED
        application.user, application.decided_by = user, actor
        application.decided_at = timezone.now()
        application.save()
        log_action(
            "hubbub.team.application.accepted",
            actor=actor,
            event=event,
            target=application,
            data={
                "user": user.get_username(),
                "name": application.name,
                "new_account": created,
                "role": checked.value,
            },
        )
    context = {
        "role_label": role_label(checked),
        "application": application,
        "event": event,
        "user": user,
        "new_account": created or not user.has_usable_password(),
        "site_url": site_url.rstrip("/"),
        "me_url": site_url.rstrip("/") + reverse("team:me", kwargs={"event": event.slug}),
        "login_url": site_url.rstrip("/") + reverse("account_login"),
    }
    if context["new_account"]:
        context["password_url"] = set_password_url(user, site_url)
    subject = _("You are on the reporting team for %(title)s") % {"title": event.title}
    return Decision(application, _send(subject, "team/email/accepted.txt", context, user.email))


def do_decline_application(application: Application, *, actor) -> Decision:
    event = application.event
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        application.event = event
        _pending_application(application, actor)
        application.status = Application.Status.DECLINED
        application.decided_by, application.decided_at = actor, timezone.now()
        application.save()
        log_action(
            "hubbub.team.application.declined",
            actor=actor,
            event=event,
            target=application,
            data={"name": application.name},
        )
    subject = _("Your application to report on %(title)s") % {"title": event.title}
    context = {"application": application, "event": event}
    return Decision(
        application, _send(subject, "team/email/declined.txt", context, application.email)
    )


def applications_for(event):
    return (
        Application.objects.filter(event=event)
        .select_related("user", "decided_by")
        .prefetch_related("sessions")
    )


# -- invitations ---------------------------------------------------------------------------------
INVITABLE_ROLES = (Role.REPORTER, Role.MODERATED_REPORTER, Role.EDITOR, Role.MODERATOR)
INVITATION_DAYS = 14


def _hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def do_create_invitation(
    event, *, role: str, actor, days: int = INVITATION_DAYS, note: str = ""
) -> tuple[Invitation, str]:
    """A single-use link granting ``role`` on ``event``; the key is returned once, never kept."""
    policy.require(actor, Action.MANAGE_TEAM, event)
    check_not_archived(event)
    checked = check_role(role)
    if checked not in INVITABLE_ROLES:
        raise ValidationError({"role": _("Invite people as reporters, editors or moderators.")})
    try:
        days = int(days)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= 90:
        raise ValidationError({"days": _("The link can last from 1 to 90 days.")})
    key = secrets.token_urlsafe(24)
    with transaction.atomic():
        invitation = Invitation.objects.create(
            event=event,
            role=checked.value,
            key_hash=_hash_key(key),
            note=(note or "").strip()[:150],
            created_by=actor,
            expires_at=timezone.now() + timedelta(days=days),
        )
        log_action(
            "hubbub.team.invitation.created",
            actor=actor,
            event=event,
            target=invitation,
            data={"role": checked.value, "note": invitation.note},
        )
    return invitation, key


def check_invitation(event, key: str, *, for_update: bool = False) -> Invitation:
    """The usable invitation behind ``key`` on ``event``, or a ValidationError saying why not."""
    found = Invitation.objects.filter(key_hash=_hash_key(key or ""))
    if for_update:
        found = found.select_for_update()
    invitation = found.first()
    # An invitation for another event reads as unknown here: it grants nothing on this one.
    if invitation is None or invitation.event_id != event.pk:
        raise ValidationError(_("This invitation link is not valid for this event."), "unknown")
    invitation.event = event
    if invitation.used_at is not None:
        raise ValidationError(_("This invitation link has already been used."), "used")
    if invitation.expires_at <= timezone.now():
        raise ValidationError(
            _("This invitation link has expired. Ask the organiser for a new one."), "expired"
        )
    return invitation


def invited_event(slug: str, key: str):
    """The event at ``slug`` when ``key`` is an invitation link made for it, else None."""
    found = Invitation.objects.select_related("event__organisation").filter(
        key_hash=_hash_key(key or ""), event__slug=slug
    )
    invitation = found.first()
    return invitation.event if invitation else None


def do_use_invitation(event, key: str, *, user) -> EventRole:
    if user is None or not user.is_authenticated:
        raise PermissionDenied(_("Sign in to accept the invitation."))
    check_not_archived(event)
    with transaction.atomic():
        invitation = check_invitation(event, key, for_update=True)
        # A conditional update so two simultaneous uses cannot both succeed.
        claimed = Invitation.objects.filter(pk=invitation.pk, used_at__isnull=True).update(
            used_at=timezone.now(), used_by=user
        )
        if not claimed:
            raise ValidationError(_("This invitation link has already been used."), "used")
        grant = do_grant_role(
            user=user, event=event, role=invitation.role, granted_by=invitation.created_by
        )
        log_action(
            "hubbub.team.invitation.used",
            actor=user,
            event=event,
            target=invitation,
            data={"role": invitation.role},
        )
    return grant


def role_label(role: str) -> str:
    labels = {
        Role.ORGANISER: _("organiser"),
        Role.EDITOR: _("editor"),
        Role.REPORTER: _("reporter"),
        Role.MODERATED_REPORTER: _("reporter (updates approved by an editor)"),
        Role.MODERATOR: _("comment moderator"),
    }
    return labels.get(role, role)


# -- coverage ------------------------------------------------------------------------------------
def coverage_sessions(event):
    """The programme's sessions in time order, each with ``.reporters`` (a list)."""
    sessions = list(
        Session.objects.filter(event=event)
        .select_related("room")
        .prefetch_related("coverage__user")
        .order_by("starts_at", "room__name", "title")
    )
    for session in sessions:
        session.event = event
        session.reporters = [a.user for a in session.coverage.all()]
    return sessions


def do_assign_coverage(session, *, user, actor) -> CoverageAssignment:
    event = session.event
    policy.require(actor, Action.MANAGE_TEAM, event)
    check_not_archived(event)
    if not team_members(event).filter(pk=user.pk).exists():
        raise ValidationError({"user": _("Only people on this event's team can be assigned.")})
    assignment, created = CoverageAssignment.objects.get_or_create(
        session=session, user=user, defaults={"assigned_by": actor}
    )
    if created:
        log_action(
            "hubbub.team.coverage.assigned",
            actor=actor,
            event=event,
            target=assignment,
            data={"user": user.get_username(), "session": session.title},
        )
    return assignment


def do_unassign_coverage(session, *, user, actor) -> None:
    event = session.event
    policy.require(actor, Action.MANAGE_TEAM, event)
    check_not_archived(event)
    deleted, _details = CoverageAssignment.objects.filter(session=session, user=user).delete()
    if deleted:
        log_action(
            "hubbub.team.coverage.unassigned",
            actor=actor,
            event=event,
            data={"user": user.get_username(), "session": session.title},
        )


@dataclass
class MySessions:
    now: list
    next: list
    later: list


def my_sessions(event, user, at: datetime | None = None) -> MySessions:
    """The sessions ``user`` covers: running now, the next one to start, and the rest."""
    at = at or timezone.now()
    sessions = list(
        Session.objects.filter(event=event, coverage__user=user)
        .select_related("room")
        .order_by("starts_at", "title")
    )
    for session in sessions:
        session.event = event
    now = [s for s in sessions if s.starts_at <= at < s.ends_at]
    upcoming = [s for s in sessions if s.starts_at > at]
    return MySessions(now=now, next=upcoming[:1], later=upcoming[1:])


# -- the team desk -------------------------------------------------------------------------------
DESK_MESSAGE = "desk.message"


def check_team_message(body) -> str:
    body = (body or "").strip() if isinstance(body, str | None) else ""
    if not body:
        raise ValidationError({"body": _("Write a message first.")})
    if len(body) > 1000:
        raise ValidationError({"body": _("Keep messages under 1,000 characters.")})
    return body


def team_message_data(message: TeamMessage) -> dict:
    author = message.author
    return {
        "id": message.pk,
        "author": (author.get_full_name() or author.get_username()) if author else "",
        "body": message.body,
        "created_at": message.created_at,
    }


def desk_message_payload(message: TeamMessage) -> dict:
    """What a desk message carries on the desk stream: its JSON plus the rendered HTML."""
    html = render_to_string("team/_desk_message.html", {"message": message, "event": message.event})
    return {**team_message_data(message), "html": html}


def do_post_team_message(event, *, author, body) -> TeamMessage:
    policy.require(author, Action.USE_TEAM_DESK, event)
    check_not_archived(event)
    body = check_team_message(body)
    with transaction.atomic():
        message = TeamMessage.objects.create(event=event, author=author, body=body)
        message.author, message.event = author, event
        publish_private(event, DESK_MESSAGE, message.pk, desk_message_payload(message))
    return message


def team_messages(event, limit: int = 50) -> list[TeamMessage]:
    return list(
        TeamMessage.objects.filter(event=event).select_related("author").order_by("-id")[:limit]
    )
