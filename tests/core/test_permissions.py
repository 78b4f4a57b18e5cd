"""The permission matrix: every role against every action, on its own event and another."""

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from hubbub.core.permissions import Action, Role, policy
from tests.factories import EventFactory, UserFactory, grant

pytestmark = pytest.mark.django_db

A = Action
# Written out by hand (not derived from the policy) so a change to the policy shows up here.
EXPECTED: dict[str, set[Action]] = {
    "organiser": set(Action),
    "editor": {
        A.VIEW_DRAFT_EVENT, A.POST_ENTRY, A.EDIT_ENTRY, A.DELETE_ENTRY, A.PIN_ENTRY,
        A.MARK_KEY_MOMENT, A.MODERATE_COMMENTS, A.APPROVE_ENTRY, A.USE_TEAM_DESK,
        A.RECORD_OUTCOME, A.PUBLISH_OUTCOME, A.PUBLISH_OWN_OUTCOME, A.MANAGE_MEDIA,
        A.MANAGE_SOCIAL, A.CURATE_SOCIAL,
    },
    "reporter": {
        A.VIEW_DRAFT_EVENT, A.POST_ENTRY, A.USE_TEAM_DESK, A.RECORD_OUTCOME,
        A.PUBLISH_OWN_OUTCOME, A.MANAGE_MEDIA,
    },
    "moderated_reporter": {
        A.VIEW_DRAFT_EVENT, A.POST_ENTRY_FOR_REVIEW, A.USE_TEAM_DESK, A.RECORD_OUTCOME,
    },
    "moderator": {A.VIEW_DRAFT_EVENT, A.MODERATE_COMMENTS, A.USE_TEAM_DESK, A.CURATE_SOCIAL},
    "none": set(),
    "superuser": set(Action),
}  # fmt: skip

MATRIX = [
    pytest.param(who, action, where, id=f"{who}-{action.value}-{where}")
    for who in EXPECTED
    for action in Action
    for where in ("own", "other")
]


@pytest.fixture
def events():
    return EventFactory(), EventFactory()


def make_user(who: str, event):
    if who == "superuser":
        return UserFactory(is_superuser=True, is_staff=True)
    user = UserFactory()
    if who != "none":
        grant(user, event, Role(who))
    return user


@pytest.mark.parametrize(("who", "action", "where"), MATRIX)
def test_policy_can_matches_the_matrix(events, who, action, where):
    own, other = events
    user = make_user(who, own)
    target = own if where == "own" else other
    # Only the superuser has rights beyond the event the role is on.
    expected = action in EXPECTED[who] and (where == "own" or who == "superuser")
    assert policy.can(user, action, target) is expected


@pytest.mark.parametrize(
    ("who", "own_entry", "others_entry"),
    [
        ("organiser", True, True),
        ("editor", True, True),
        ("reporter", True, False),
        ("moderated_reporter", True, False),
        ("moderator", False, False),
        ("none", False, False),
        ("superuser", True, True),
    ],
)
@pytest.mark.parametrize("action", [Action.EDIT_ENTRY, Action.DELETE_ENTRY])
def test_policy_edit_and_delete_own_versus_others_entries(
    events, who, own_entry, others_entry, action
):
    event, _other = events
    user = make_user(who, event)
    someone_else = UserFactory()
    assert policy.can(user, action, event, SimpleNamespace(author_id=user.pk)) is own_entry
    assert (
        policy.can(user, action, event, SimpleNamespace(author_id=someone_else.pk)) is others_entry
    )


def test_policy_reporter_may_not_edit_own_entry_on_another_event(events):
    own, other = events
    reporter = make_user("reporter", own)
    entry = SimpleNamespace(author_id=reporter.pk)
    assert policy.can(reporter, Action.EDIT_ENTRY, own, entry)
    assert not policy.can(reporter, Action.EDIT_ENTRY, other, entry)


@pytest.mark.parametrize("action", list(Action))
def test_policy_anonymous_visitor_can_do_nothing(events, action):
    assert policy.can(AnonymousUser(), action, events[0]) is False
    assert policy.can(None, action, events[0]) is False


def test_policy_inactive_user_loses_their_role(events):
    event, _other = events
    organiser = make_user("organiser", event)
    organiser.is_active = False
    assert not policy.can(organiser, Action.MANAGE_EVENT, event)


def test_policy_require_raises_permission_denied(events):
    event, _other = events
    reporter = make_user("reporter", event)
    policy.require(reporter, Action.POST_ENTRY, event)
    with pytest.raises(PermissionDenied):
        policy.require(reporter, Action.PIN_ENTRY, event)


def test_policy_lapsed_role_gives_no_rights(events):
    from datetime import timedelta

    from django.utils import timezone

    event, _other = events
    user = UserFactory()
    grant(user, event, Role.EDITOR)
    user.event_roles.update(expires_at=timezone.now() - timedelta(minutes=1))
    fresh = type(user).objects.get(pk=user.pk)  # no cached roles
    assert not policy.can(fresh, Action.PIN_ENTRY, event)


def test_policy_has_any_role(events):
    event, other = events
    reporter = make_user("reporter", event)
    assert policy.has_any_role(reporter, event)
    assert not policy.has_any_role(reporter, other)
    assert policy.has_any_role(make_user("superuser", event), other)
