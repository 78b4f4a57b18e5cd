"""An event's team over the API: who holds which roles; change a person's roles; remove them.
The same team services as the team page, with the same permission (managing the team)."""

from datetime import datetime

from django.http import Http404
from ninja import Router, Schema, Status
from ninja.errors import AuthenticationError

from hubbub.core.permissions import Action, policy
from hubbub.events.services import get_public_event
from hubbub.team import roles as team_roles

from .auth import OptionalTokenAuth, TokenAuth
from .errors import errors
from .params import EventSlug

router = Router(tags=["team"])


class MemberOut(Schema):
    username: str
    name: str
    roles: list[str]
    organisation_admin: bool
    roles_lapse_at: datetime | None


class TeamOut(Schema):
    members: list[MemberOut]


class RolesIn(Schema):
    roles: list[str]


class RemovedOut(Schema):
    username: str
    removed_roles: list[str]


def _member_out(member) -> dict:
    return {
        "username": member.user.get_username(),
        "name": member.name,
        "roles": member.roles,
        "organisation_admin": member.organisation_admin,
        "roles_lapse_at": member.lapses_at,
    }


def _managed_event(request, slug):
    event = get_public_event(slug, request.user)
    if not request.user.is_authenticated:
        raise AuthenticationError()
    policy.require(request.user, Action.MANAGE_TEAM, event)
    return event


def _member(event, username):
    for member in team_roles.team_roster(event):
        if member.user.get_username() == username:
            return member
    raise Http404("No one of that username is on this event's team.")


@router.get(
    "/{event}/team",
    response={200: TeamOut, **errors(401, 403, 404, 422)},
    auth=OptionalTokenAuth(),
    summary="The event's team: one line per person with every role (organisers only)",
)
def list_team(request, event: EventSlug):
    event_obj = _managed_event(request, event)
    return {"members": [_member_out(m) for m in team_roles.team_roster(event_obj)]}


@router.put(
    "/{event}/team/{username}",
    response={200: MemberOut, **errors(401, 403, 404, 409, 422)},
    auth=TokenAuth(),
    summary="Give a person on the team exactly these roles (e.g. reporter → moderated_reporter)",
)
def set_roles(request, event: EventSlug, username: str, payload: RolesIn):
    event_obj = _managed_event(request, event)
    member = _member(event_obj, username)
    team_roles.do_set_member_roles(
        event_obj, actor=request.user, user=member.user, roles=payload.roles
    )
    return _member_out(_member(event_obj, username))


@router.delete(
    "/{event}/team/{username}",
    response={200: RemovedOut, **errors(401, 403, 404, 409, 422)},
    auth=TokenAuth(),
    summary="Remove a person from the event's team (every role they hold on it)",
)
def remove_member(request, event: EventSlug, username: str):
    event_obj = _managed_event(request, event)
    member = _member(event_obj, username)
    removed = team_roles.do_remove_member(event_obj, actor=request.user, user=member.user)
    return Status(200, {"username": username, "removed_roles": removed})
