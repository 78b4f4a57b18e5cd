"""Team services: recruitment, invitations, role lapse, coverage and the desk."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hubbub.core.models import AuditEntry
from hubbub.core.permissions import Action, Role, policy
from hubbub.live.models import StreamMessage
from hubbub.team import services
from hubbub.team.models import Application, EventRole, Invitation, TeamMessage
from tests.factories import EventFactory, SessionFactory, UserFactory, grant

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
SITE = "http://testserver/"


def open_recruitment(event):
    found = services.team_settings(event)
    found.recruitment_open = True
    found.save()


def apply(event, **overrides):
    fields = {"name": "Alex Reporter", "email": "alex@example.org", **overrides}
    return services.do_submit_application(event, **fields)


def fresh(user):
    return type(user).objects.get(pk=user.pk)


# -- recruitment ---------------------------------------------------------------------------------
def test_application_refused_while_recruitment_is_closed(event):
    with pytest.raises(ValidationError):
        apply(event)
    assert not Application.objects.exists()


@pytest.mark.parametrize("email", ["", "not-an-email", "a@", "@example.org", "a b@example.org"])
def test_application_with_bad_email_names_the_field_and_stores_nothing(event, email):
    open_recruitment(event)
    with pytest.raises(ValidationError) as exc:
        apply(event, email=email)
    assert "email" in exc.value.message_dict
    assert not Application.objects.exists()


def test_application_sessions_must_belong_to_the_event(event, other_event):
    open_recruitment(event)
    foreign = SessionFactory(event=other_event)
    with pytest.raises(ValidationError) as exc:
        apply(event, session_ids=[foreign.pk])
    assert "sessions" in exc.value.message_dict
    own = SessionFactory(event=event)
    application = apply(event, session_ids=[str(own.pk)])
    assert list(application.sessions.all()) == [own]


def test_accepting_creates_an_account_grants_reporter_here_only_and_emails(
    event, other_event, organiser
):
    open_recruitment(event)
    application = apply(event, email="new.person@example.org")
    decision = services.do_accept_application(application, actor=organiser, site_url=SITE)
    assert decision.emailed
    user = get_user_model().objects.get(email="new.person@example.org")
    assert not user.has_usable_password()
    assert policy.can(user, Action.POST_ENTRY, event)
    assert not policy.can(fresh(user), Action.POST_ENTRY, other_event)
    [message] = mail.outbox
    assert message.to == ["new.person@example.org"]
    assert "/accounts/password/reset/key/" in message.body
    assert AuditEntry.objects.filter(
        action="hubbub.team.application.accepted", event=event
    ).exists()
    # A second decision on the same application is refused.
    with pytest.raises(ValidationError):
        services.do_decline_application(application, actor=organiser)


def test_accepting_links_an_existing_account_by_email(event, organiser):
    open_recruitment(event)
    existing = UserFactory(email="Known@Example.org")
    application = apply(event, email="known@example.org")
    services.do_accept_application(application, actor=organiser, site_url=SITE)
    application.refresh_from_db()
    assert application.user == existing
    assert get_user_model().objects.filter(email__iexact="known@example.org").count() == 1
    assert "password/reset" not in mail.outbox[0].body


def test_declining_emails_and_grants_nothing(event, organiser):
    open_recruitment(event)
    application = apply(event)
    services.do_decline_application(application, actor=organiser)
    assert not EventRole.objects.filter(user__email="alex@example.org").exists()
    assert mail.outbox[0].to == ["alex@example.org"]


def test_only_organisers_decide_and_only_on_their_event(event, other_event, editor):
    open_recruitment(event)
    application = apply(event)
    with pytest.raises(PermissionDenied):
        services.do_accept_application(application, actor=editor, site_url=SITE)
    outsider = UserFactory()
    grant(outsider, other_event, Role.ORGANISER)
    with pytest.raises(PermissionDenied):
        services.do_accept_application(application, actor=outsider, site_url=SITE)
    assert not mail.outbox


# -- invitations ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "role", [Role.REPORTER, Role.MODERATED_REPORTER, Role.EDITOR, Role.MODERATOR]
)
def test_invitation_grants_its_role_once(event, organiser, role):
    invitation, key = services.do_create_invitation(event, role=role, actor=organiser)
    assert key not in invitation.key_hash
    user = UserFactory()
    services.do_use_invitation(event, key, user=user)
    assert policy.roles(fresh(user), event) == {role}
    assert AuditEntry.objects.filter(action="hubbub.team.invitation.used").count() == 1


def test_invitation_used_twice_is_refused_the_second_time(event, organiser):
    _invitation, key = services.do_create_invitation(event, role=Role.EDITOR, actor=organiser)
    first, second = UserFactory(), UserFactory()
    services.do_use_invitation(event, key, user=first)
    with pytest.raises(ValidationError) as exc:
        services.do_use_invitation(event, key, user=second)
    assert exc.value.code == "used"
    assert not EventRole.objects.filter(user=second).exists()
    assert AuditEntry.objects.filter(action="hubbub.team.invitation.used").count() == 1


def test_expired_invitation_grants_nothing(event, organiser, monkeypatch):
    _invitation, key = services.do_create_invitation(
        event, role=Role.REPORTER, actor=organiser, days=1
    )
    later = timezone.now() + timedelta(days=1, minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    user = UserFactory()
    with pytest.raises(ValidationError) as exc:
        services.do_use_invitation(event, key, user=user)
    assert exc.value.code == "expired"
    assert not EventRole.objects.filter(user=user).exists()


def test_invitation_for_another_event_grants_nothing(event, other_event, organiser):
    _invitation, key = services.do_create_invitation(event, role=Role.EDITOR, actor=organiser)
    user = UserFactory()
    with pytest.raises(ValidationError) as exc:
        services.do_use_invitation(other_event, key, user=user)
    assert exc.value.code == "unknown"
    with pytest.raises(ValidationError):
        services.do_use_invitation(event, key + "x", user=user)
    assert not EventRole.objects.filter(user=user).exists()
    assert Invitation.objects.get().used_at is None


def test_invitation_cannot_make_organisers_and_only_organisers_invite(event, organiser, editor):
    with pytest.raises(ValidationError):
        services.do_create_invitation(event, role=Role.ORGANISER, actor=organiser)
    with pytest.raises(PermissionDenied):
        services.do_create_invitation(event, role=Role.REPORTER, actor=editor)


# -- role lapse ----------------------------------------------------------------------------------
def test_role_lapses_the_configured_days_after_the_event(monkeypatch):
    event = EventFactory(
        starts_on=datetime(2030, 6, 10).date(), ends_on=datetime(2030, 6, 11).date()
    )
    found = services.team_settings(event)
    found.role_lapse_days = 10
    found.save()
    user = UserFactory()
    grant_row = grant(user, event, Role.REPORTER)
    assert grant_row.expires_at == datetime(2030, 6, 22, tzinfo=LONDON)

    monkeypatch.setattr(timezone, "now", lambda: datetime(2030, 6, 21, 23, 0, tzinfo=LONDON))
    assert policy.can(fresh(user), Action.POST_ENTRY, event)
    monkeypatch.setattr(timezone, "now", lambda: datetime(2030, 6, 22, 0, 1, tzinfo=LONDON))
    assert not policy.can(fresh(user), Action.POST_ENTRY, event)


def test_role_granted_with_no_lapse_never_lapses(event):
    user = UserFactory()
    from hubbub.team.services import do_grant_role

    row = do_grant_role(user=user, event=event, role=Role.REPORTER, expires_at=None)
    assert row.expires_at is None


# -- coverage ------------------------------------------------------------------------------------
def test_coverage_assignments_and_my_sessions_now_and_next(event, organiser, reporter):
    early = SessionFactory(event=event, hour=9, title="Opening")
    middle = SessionFactory(event=event, hour=11, title="Workshop")
    late = SessionFactory(event=event, hour=14, title="Closing")
    SessionFactory(event=event, hour=15, title="Uncovered")
    for session in (early, middle, late):
        services.do_assign_coverage(session, user=reporter, actor=organiser)
    at = early.starts_at + timedelta(minutes=30)
    mine = services.my_sessions(event, reporter, at=at)
    assert [s.title for s in mine.now] == ["Opening"]
    assert [s.title for s in mine.next] == ["Workshop"]
    assert [s.title for s in mine.later] == ["Closing"]
    grid = {s.title: s.reporters for s in services.coverage_sessions(event)}
    assert grid["Uncovered"] == [] and grid["Opening"] == [reporter]


def test_coverage_only_for_team_members_and_by_organisers(event, other_event, organiser, reporter):
    session = SessionFactory(event=event)
    stranger = UserFactory()
    grant(stranger, other_event, Role.REPORTER)
    with pytest.raises(ValidationError):
        services.do_assign_coverage(session, user=stranger, actor=organiser)
    with pytest.raises(PermissionDenied):
        services.do_assign_coverage(session, user=reporter, actor=reporter)


def test_coverage_grid_query_count_does_not_grow(event, organiser, django_assert_max_num_queries):
    for n in range(6):
        session = SessionFactory(event=event, hour=8 + n)
        member = UserFactory()
        grant(member, event, Role.REPORTER)
        services.do_assign_coverage(session, user=member, actor=organiser)
    with django_assert_max_num_queries(3):
        sessions = services.coverage_sessions(event)
        names = [p.username for s in sessions for p in s.reporters]
    assert len(names) == 6


# -- the desk ------------------------------------------------------------------------------------
def test_desk_message_goes_out_privately_and_never_on_the_public_log(event, reporter, published):
    with published.capture():
        message = services.do_post_team_message(event, author=reporter, body="Who has room 3?")
    [sent] = published.messages
    assert sent.type == "desk.message" and sent.seq == message.pk
    assert "Who has room 3?" in sent.data
    event.refresh_from_db()
    assert event.stream_seq == 0
    assert not StreamMessage.objects.exists()


def test_desk_is_for_the_team_only(event, other_event):
    outsider = UserFactory()
    grant(outsider, other_event, Role.ORGANISER)
    with pytest.raises(PermissionDenied):
        services.do_post_team_message(event, author=outsider, body="Hello")
    with pytest.raises(PermissionDenied):
        services.do_post_team_message(event, author=UserFactory(), body="Hello")
    assert not TeamMessage.objects.exists()


def test_public_publish_refuses_desk_types(event):
    from hubbub.live import publish

    with pytest.raises(ValueError):
        publish(event, "desk.message", {})


def test_admin_grant_left_blank_lapses_after_the_event(admin_client, event):
    from django.urls import reverse

    user = UserFactory()
    admin_client.post(
        reverse("admin:team_eventrole_add"),
        {"user": user.pk, "event": event.pk, "role": "moderated_reporter", "expires_at_0": "",
         "expires_at_1": "", "home_room": ""},
    )  # fmt: skip
    assert EventRole.objects.get(user=user).expires_at == services.role_lapse_time(event)


def test_role_command_grants_with_lapse_or_without(event):
    import io

    from django.core.management import call_command

    UserFactory(username="casey")
    out = io.StringIO()
    call_command("role", "grant", "casey", event.slug, "moderated_reporter", stdout=out)
    assert "casey is now moderated_reporter" in out.getvalue() and "lapses at" in out.getvalue()
    grant_row = EventRole.objects.get(user__username="casey")
    assert grant_row.expires_at == services.role_lapse_time(event)
    call_command("role", "grant", "casey", event.slug, "editor", "--no-lapse", stdout=out)
    assert EventRole.objects.get(user__username="casey", role="editor").expires_at is None
