"""Managing who is on an event's team: the roster, changing a person's roles, removing them.

Every change goes through ``services.do_grant_role`` and ``services.do_revoke_role`` so that
whatever granting or revoking does happens here too; each change is one audit entry.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hubbub.core.audit import log_action
from hubbub.core.permissions import Action, Role, policy
from hubbub.events.lifecycle import check_not_archived

from .models import EventRole, OrganisationRole
from .services import check_role, display_name, do_grant_role, do_revoke_role, role_label

# The order roles are listed in, most rights first.
ROLE_ORDER = (Role.ORGANISER, Role.EDITOR, Role.REPORTER, Role.MODERATED_REPORTER, Role.MODERATOR)


@dataclass
class TeamMember:
    user: object
    roles: list[str] = field(default_factory=list)
    lapses_at: datetime | None = None
    organisation_admin: bool = False

    @property
    def name(self) -> str:
        return display_name(self.user)

    @property
    def role_labels(self) -> list[str]:
        labels = [role_label(role) for role in self.roles]
        if self.organisation_admin:
            labels.insert(0, _("organisation admin (organiser of every event)"))
        return labels


def team_roster(event) -> list[TeamMember]:
    """One line per person on ``event``'s team, with every active role they hold, plus the
    organisation's admins (organisers of the event through the organisation). Two queries."""
    members: dict[int, TeamMember] = {}
    grants = (
        EventRole.objects.active()
        .filter(event=event, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    )
    for grant in grants:
        member = members.setdefault(grant.user_id, TeamMember(user=grant.user))
        member.roles.append(grant.role)
        if grant.expires_at is not None and (
            member.lapses_at is None or grant.expires_at > member.lapses_at
        ):
            member.lapses_at = grant.expires_at
    if event.organisation_id:
        admins = OrganisationRole.objects.filter(
            organisation_id=event.organisation_id,
            role=OrganisationRole.Kind.ADMIN,
            user__is_active=True,
        ).select_related("user")
        for grant in admins:
            member = members.setdefault(grant.user_id, TeamMember(user=grant.user))
            member.organisation_admin = True
    for member in members.values():
        member.roles.sort(key=lambda r: ROLE_ORDER.index(Role(r)))
    return sorted(members.values(), key=lambda m: (m.name.casefold(), m.user.pk))


def team_member(event, user_id) -> TeamMember | None:
    """The roster line of the person with ``user_id``, or None when they are not on the team."""
    for member in team_roster(event):
        if str(member.user.pk) == str(user_id):
            return member
    return None


def _current_roles(user, event) -> set[str]:
    return set(
        EventRole.objects.active().filter(user=user, event=event).values_list("role", flat=True)
    )


def check_member_roles(event, *, actor, user, roles) -> set[str]:
    """The checked set of role names, or a ValidationError naming the ``roles`` field."""
    policy.require(actor, Action.MANAGE_TEAM, event)
    check_not_archived(event)
    if isinstance(roles, str):
        roles = [roles]
    try:
        wanted = {check_role(r).value for r in (roles or ())}
    except (TypeError, ValidationError):
        raise ValidationError({"roles": _("Choose roles from the list.")}) from None
    if not wanted:
        raise ValidationError(
            {"roles": _("Choose at least one role, or remove the person from the team.")}
        )
    _check_not_locking_out(event, actor=actor, user=user, keeps_organiser=Role.ORGANISER in wanted)
    return wanted


def _check_not_locking_out(event, *, actor, user, keeps_organiser: bool) -> None:
    """An organiser may not take away their own way of running the team."""
    if keeps_organiser or user.pk != actor.pk or actor.is_superuser:
        return
    if OrganisationRole.objects.filter(
        user=user, organisation_id=event.organisation_id, role=OrganisationRole.Kind.ADMIN
    ).exists():
        return
    if Role.ORGANISER in _current_roles(user, event):
        raise ValidationError(
            {"roles": _("You cannot take away your own organiser role: ask another organiser.")}
        )


@transaction.atomic
def do_set_member_roles(event, *, actor, user, roles) -> set[str]:
    """Give ``user`` exactly ``roles`` on ``event`` (e.g. reporter → moderated reporter): the
    new ones are granted, the others revoked. Returns the roles they now hold."""
    wanted = check_member_roles(event, actor=actor, user=user, roles=roles)
    before = _current_roles(user, event)
    if wanted == before:
        return before
    # A reporter who becomes a moderated reporter keeps the room they usually cover.
    kept = (
        EventRole.objects.filter(user=user, event=event, home_room__isnull=False)
        .select_related("home_room")
        .first()
    )
    for role in sorted(wanted - before):
        do_grant_role(
            user=user,
            event=event,
            role=role,
            granted_by=actor,
            home_room=kept.home_room if kept else None,
            audit=False,
        )
    for role in sorted(before - wanted):
        do_revoke_role(user=user, event=event, role=role, revoked_by=actor, audit=False)
    log_action(
        "hubbub.role.changed",
        actor=actor,
        event=event,
        data={
            "user": user.get_username(),
            "name": display_name(user),
            "from": sorted(before, key=lambda r: ROLE_ORDER.index(Role(r))),
            "to": sorted(wanted, key=lambda r: ROLE_ORDER.index(Role(r))),
        },
    )
    return wanted


@transaction.atomic
def do_remove_member(event, *, actor, user) -> list[str]:
    """Take every role ``user`` holds on ``event`` away (one audit entry). Organisation admins
    stay organisers through their organisation: that is changed on the organisation."""
    policy.require(actor, Action.MANAGE_TEAM, event)
    check_not_archived(event)
    _check_not_locking_out(event, actor=actor, user=user, keeps_organiser=False)
    held = sorted(
        EventRole.objects.filter(user=user, event=event).values_list("role", flat=True),
        key=lambda r: ROLE_ORDER.index(Role(r)),
    )
    if not held:
        name = display_name(user)
        raise ValidationError(_("%(name)s has no role on this event.") % {"name": name})
    for role in held:
        do_revoke_role(user=user, event=event, role=role, revoked_by=actor, audit=False)
    log_action(
        "hubbub.team.member.removed",
        actor=actor,
        event=event,
        data={"user": user.get_username(), "name": display_name(user), "roles": held},
    )
    return held


def find_member_user(event, user_id):
    """The active account with ``user_id`` (a ValidationError on ``user`` when there is none)."""
    try:
        return get_user_model().objects.get(pk=int(user_id), is_active=True)
    except (TypeError, ValueError, get_user_model().DoesNotExist):
        raise ValidationError({"user": _("No such person on this team.")}) from None
