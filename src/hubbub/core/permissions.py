"""One permission policy for everything done on an event.

Views, API handlers and services ask ``policy.can(user, action, event, obj)`` (or
``policy.require``) instead of checking roles themselves. Roles are granted per event
(``team.EventRole``); a role on one event gives no rights on another. API tokens act as their
user, so the same policy governs the API.
"""

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
    # Slides and photo galleries: upload, edit, delete, post into the live blog.
    MANAGE_MEDIA = "media.manage"
    # The team's private message stream and the coverage plan (read-only for most).
    USE_TEAM_DESK = "team.desk"


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
            Action.MANAGE_MEDIA,
        }
    ),
    Role.REPORTER: frozenset(
        {Action.VIEW_DRAFT_EVENT, Action.POST_ENTRY, Action.USE_TEAM_DESK, Action.MANAGE_MEDIA}
    ),
    Role.MODERATED_REPORTER: frozenset(
        {Action.VIEW_DRAFT_EVENT, Action.POST_ENTRY_FOR_REVIEW, Action.USE_TEAM_DESK}
    ),
    Role.MODERATOR: frozenset(
        {Action.VIEW_DRAFT_EVENT, Action.MODERATE_COMMENTS, Action.USE_TEAM_DESK}
    ),
}
# Reporters may edit and delete what they wrote themselves, and nothing else.
ROLE_OWN_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.REPORTER: _OWN_ENTRY_ACTIONS,
    Role.MODERATED_REPORTER: _OWN_ENTRY_ACTIONS,
}


class EventPolicy:
    def roles(self, user, event) -> frozenset[Role]:
        """The user's roles on ``event``, cached on the user object for the request."""
        if user is None or not user.is_authenticated or event is None:
            return frozenset()
        cache = user.__dict__.setdefault("_hubbub_event_roles", {})
        if event.pk not in cache:
            from hubbub.team.models import EventRole

            cache[event.pk] = frozenset(
                Role(name)
                for name in EventRole.objects.active()
                .filter(user=user, event=event)
                .values_list("role", flat=True)
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

    def has_any_role(self, user, event) -> bool:
        return bool(user is not None and user.is_authenticated and user.is_superuser) or bool(
            self.roles(user, event)
        )


def _is_author(user, obj) -> bool:
    author_id = getattr(obj, "author_id", None)
    return author_id is not None and author_id == user.pk


policy = EventPolicy()
