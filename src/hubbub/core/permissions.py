"""One permission policy for everything done on an event.

Views, API handlers and services ask ``policy.can(user, action, event, obj)`` (or
``policy.require``) instead of checking roles themselves. Roles are granted per event
(``team.EventRole``); a role on one event gives no rights on another. API tokens act as their
user, so the same policy governs the API.

The policy knows nothing of where roles are stored: the team app registers a role provider
(``register_role_provider``) when Django starts, so this lower layer never imports it.
"""

from collections.abc import Callable, Iterable
from enum import StrEnum

from django.core.exceptions import PermissionDenied


class Role(StrEnum):
    ORGANISER = "organiser"
    EDITOR = "editor"
    REPORTER = "reporter"
    # Posts like a reporter, but each entry waits for an editor before readers see it.
    MODERATED_REPORTER = "moderated_reporter"
    MODERATOR = "moderator"


class Action(StrEnum):
    VIEW_DRAFT_EVENT = "event.view_draft"
    MANAGE_EVENT = "event.manage"
    MANAGE_TEAM = "team.manage"
    VIEW_AUDIT_LOG = "audit.view"
    POST_ENTRY = "entry.post"
    # Entries posted with this right alone wait in the approval queue.
    POST_ENTRY_FOR_REVIEW = "entry.post_for_review"
    APPROVE_ENTRY = "entry.approve"
    # Edit/delete: reporters on their own entries, editors and organisers on any.
    EDIT_ENTRY = "entry.edit"
    DELETE_ENTRY = "entry.delete"
    PIN_ENTRY = "entry.pin"
    MARK_KEY_MOMENT = "entry.key_moment"
    MODERATE_COMMENTS = "comment.moderate"
    RUN_UNCONFERENCE = "unconf.run"
    # Take notes on any unconference topic; publish any topic's notes on the live blog, or
    # (own) the notes one recorded oneself.
    RECORD_OUTCOME = "unconf.record_outcome"
    PUBLISH_OUTCOME = "unconf.publish_outcome"
    PUBLISH_OWN_OUTCOME = "unconf.publish_own_outcome"
    # Slides and photo galleries: upload, edit, delete, post into the live blog.
    MANAGE_MEDIA = "media.manage"
    # The team's private message stream and the coverage plan (read-only for most).
    USE_TEAM_DESK = "team.desk"
    # The social-media wall: its sources and settings (manage); the queue of posts (curate).
    MANAGE_SOCIAL = "social.manage"
    CURATE_SOCIAL = "social.curate"
    # Organisation-wide: create events for the organisation and grant organisation roles.
    CREATE_EVENT = "organisation.create_event"
    MANAGE_ORGANISATION = "organisation.manage"


ALL_ACTIONS = frozenset(Action)
_OWN_ENTRY_ACTIONS = frozenset({Action.EDIT_ENTRY, Action.DELETE_ENTRY})

ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.ORGANISER: ALL_ACTIONS,
    Role.EDITOR: frozenset(
        {
            Action.VIEW_DRAFT_EVENT,
            Action.POST_ENTRY,
            Action.EDIT_ENTRY,
            Action.DELETE_ENTRY,
            Action.PIN_ENTRY,
            Action.MARK_KEY_MOMENT,
            Action.MODERATE_COMMENTS,
            Action.APPROVE_ENTRY,
            Action.USE_TEAM_DESK,
            Action.RECORD_OUTCOME,
            Action.PUBLISH_OUTCOME,
            Action.PUBLISH_OWN_OUTCOME,
            Action.MANAGE_MEDIA,
            Action.MANAGE_SOCIAL,
            Action.CURATE_SOCIAL,
        }
    ),
    Role.REPORTER: frozenset(
        {
            Action.VIEW_DRAFT_EVENT,
            Action.POST_ENTRY,
            Action.USE_TEAM_DESK,
            Action.RECORD_OUTCOME,
            Action.PUBLISH_OWN_OUTCOME,
            Action.MANAGE_MEDIA,
        }
    ),
    Role.MODERATED_REPORTER: frozenset(
        {
            Action.VIEW_DRAFT_EVENT,
            Action.POST_ENTRY_FOR_REVIEW,
            Action.USE_TEAM_DESK,
            Action.RECORD_OUTCOME,
        }
    ),
    Role.MODERATOR: frozenset(
        {
            Action.VIEW_DRAFT_EVENT,
            Action.MODERATE_COMMENTS,
            Action.USE_TEAM_DESK,
            Action.CURATE_SOCIAL,
        }
    ),
}
# Roles held on an organisation: what they allow on the organisation itself. On each of the
# organisation's events an organisation admin also counts as organiser (see the team app's
# role provider).
ORGANISATION_ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    "admin": frozenset({Action.CREATE_EVENT, Action.MANAGE_ORGANISATION}),
}
# Reporters may edit and delete what they wrote themselves, and nothing else.
ROLE_OWN_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.REPORTER: _OWN_ENTRY_ACTIONS,
    Role.MODERATED_REPORTER: _OWN_ENTRY_ACTIONS,
}


# (user, event) -> the names of the user's active roles on that event.
RoleProvider = Callable[[object, object], Iterable[str]]
_role_providers: list[RoleProvider] = []


def register_role_provider(provider: RoleProvider) -> None:
    """Add a source of roles; called once from an app's ``ready()``."""
    if provider not in _role_providers:
        _role_providers.append(provider)


# (user, organisation) -> the names of the user's roles on that organisation.
OrganisationRoleProvider = Callable[[object, object], Iterable[str]]
_organisation_role_providers: list[OrganisationRoleProvider] = []


def register_organisation_role_provider(provider: OrganisationRoleProvider) -> None:
    if provider not in _organisation_role_providers:
        _organisation_role_providers.append(provider)


class EventPolicy:
    def roles(self, user, event) -> frozenset[Role]:
        """The user's roles on ``event``, cached on the user object for the request."""
        if user is None or not user.is_authenticated or event is None:
            return frozenset()
        cache = user.__dict__.setdefault("_hubbub_event_roles", {})
        if event.pk not in cache:
            cache[event.pk] = frozenset(
                Role(name) for provider in _role_providers for name in provider(user, event)
            )
        return cache[event.pk]

    def can(self, user, action: Action, event, obj=None) -> bool:
        if user is None or not user.is_authenticated or not user.is_active:
            return False
        if user.is_superuser:
            return True
        roles = self.roles(user, event)
        if any(action in ROLE_ACTIONS[role] for role in roles):
            return True
        if obj is not None and _is_author(user, obj):
            return any(action in ROLE_OWN_ACTIONS.get(role, ()) for role in roles)
        return False

    def require(self, user, action: Action, event, obj=None) -> None:
        if not self.can(user, action, event, obj):
            raise PermissionDenied(f"You may not {action.value} on this event.")

    def organisation_roles(self, user, organisation) -> frozenset[str]:
        if user is None or not user.is_authenticated or organisation is None:
            return frozenset()
        cache = user.__dict__.setdefault("_hubbub_organisation_roles", {})
        if organisation.pk not in cache:
            cache[organisation.pk] = frozenset(
                name
                for provider in _organisation_role_providers
                for name in provider(user, organisation)
            )
        return cache[organisation.pk]

    def can_in_organisation(self, user, action: Action, organisation) -> bool:
        """Organisation-wide rights, such as creating an event for the organisation."""
        if user is None or not user.is_authenticated or not user.is_active:
            return False
        if user.is_superuser:
            return True
        return any(
            action in ORGANISATION_ROLE_ACTIONS.get(role, ())
            for role in self.organisation_roles(user, organisation)
        )

    def require_in_organisation(self, user, action: Action, organisation) -> None:
        if not self.can_in_organisation(user, action, organisation):
            raise PermissionDenied(f"You may not {action.value} for this organisation.")

    def has_any_role(self, user, event) -> bool:
        return bool(user is not None and user.is_authenticated and user.is_superuser) or bool(
            self.roles(user, event)
        )


def _is_author(user, obj) -> bool:
    author_id = getattr(obj, "author_id", None)
    return author_id is not None and author_id == user.pk


policy = EventPolicy()
