"""The audit page says in words who did what, links to what still exists, filters by person
and kind, pages through long logs with a fixed number of queries."""

import html
import re
from pathlib import Path

import pytest
from django.urls import reverse

import hubbub
from hubbub.comments.models import Comment
from hubbub.comments.services.moderation import do_moderate
from hubbub.comments.services.policy import do_set_comment_policy
from hubbub.core.audit import _kinds, describe_entries, log_action
from hubbub.core.models import AuditEntry
from hubbub.core.permissions import Role
from hubbub.events.importing.service import do_import_programme
from hubbub.events.programme_setup import do_add_room, do_add_session, do_change_session
from hubbub.live.services import do_create_entry, do_delete_entry, do_pin_entry
from hubbub.team import roles, services
from hubbub.team.models import Application
from hubbub.team.organisations import do_grant_organisation_admin
from hubbub.unconf.services.placement import do_move_pitch, do_unplace_pitch
from tests.events.import_helpers import CSV, import_event, read
from tests.factories import UserFactory, grant
from tests.unconf.factories import local, make_unconference, pitch

pytestmark = pytest.mark.django_db


def audit_url(event, **query):
    url = reverse("team:audit", kwargs={"event": event.slug})
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def sentences(client, event, **query) -> list[str]:
    """The log as a person reads it: each entry's text, without the time."""
    page = client.get(audit_url(event, **query)).content.decode()
    items = re.findall(r"<li><time[^>]*>[^<]*</time>(.*?)</li>", page, re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", "", item)).split()) for item in items]


@pytest.fixture
def priya(event):
    user = UserFactory(first_name="Priya", last_name="Patel")
    grant(user, event, Role.ORGANISER)
    return user


@pytest.fixture
def sam(event):
    user = UserFactory(first_name="Sam", last_name="Ortiz")
    grant(user, event, Role.EDITOR)
    return user


def test_live_update_actions_read_as_sentences_with_a_link(client, event, priya, sam):
    entry = do_create_entry(event=event, author=sam, body="The minister arrives at ten")
    do_pin_entry(entry, actor=sam)
    gone = do_create_entry(event=event, author=sam, body="Typo here")
    do_delete_entry(gone, actor=priya)
    client.force_login(priya)
    said = sentences(client, event)
    assert "Priya Patel deleted an update: ‘Typo here’" in said
    assert "Sam Ortiz pinned an update: ‘The minister arrives at ten’" in said
    assert "Sam Ortiz posted an update: ‘The minister arrives at ten’" in said
    page = client.get(audit_url(event)).content.decode()
    assert f'href="/{event.slug}/live/{entry.pk}/"' in page
    assert f'href="/{event.slug}/live/{gone.pk}/"' not in page  # deleted: no dead link


def test_comment_moderation_reads_as_sentences(client, event, priya, sam):
    entry = do_create_entry(event=event, author=sam, body="Opening")
    comment = Comment.objects.create(
        event=event,
        target=entry,
        author_name="Reader Rae",
        author_email="rae@example.org",
        body="Great talk",
        status=Comment.Status.PENDING,
    )
    do_moderate([comment], actor=sam, action="spam", event=event)
    client.force_login(priya)
    said = sentences(client, event)
    assert "Sam Ortiz marked the comment by Reader Rae as spam: ‘Great talk’" in said


def test_team_actions_read_as_sentences(client, event, priya):
    person = UserFactory(first_name="Ada", last_name="Lovelace")
    grant(person, event, Role.REPORTER)
    roles.do_set_member_roles(event, actor=priya, user=person, roles=["moderated_reporter"])
    roles.do_remove_member(event, actor=priya, user=person)
    services.do_create_invitation(event, role="editor", actor=priya, note="the Mayor’s office")
    found = services.team_settings(event)
    found.recruitment_open = True
    found.save()
    application = services.do_submit_application(event, name="Grace Hopper", email="g@x.org")
    services.do_accept_application(
        application, actor=priya, site_url="http://testserver", role="moderator"
    )
    admin = UserFactory(first_name="Olu", last_name="Ade")
    do_grant_organisation_admin(user=admin, organisation=event.organisation, granted_by=priya)
    client.force_login(priya)
    said = sentences(client, event)
    assert (
        "Priya Patel changed the roles of Ada Lovelace from reporter to "
        "reporter (updates approved by an editor)"
    ) in said
    assert (
        "Priya Patel removed Ada Lovelace from the team "
        "(was reporter (updates approved by an editor))"
    ) in said
    invited = "Priya Patel made an invitation link for the role editor (for the Mayor’s office)"
    assert invited in said
    assert "Grace Hopper applied to join the team" in said
    assert "Priya Patel accepted Grace Hopper onto the team as comment moderator" in said
    assert "Priya Patel made Grace Hopper comment moderator" in said


def test_unconference_move_reads_with_topic_room_and_slot(client):
    s = make_unconference(organiser_fields={"first_name": "Priya", "last_name": "Patel"})
    topic = pitch(s.u, "Young carers")
    do_move_pitch(topic, actor=s.organiser, room=s.rooms[1], slot=s.slots[1])
    client.force_login(s.organiser)
    said = sentences(client, s.event)
    assert "Priya Patel moved ‘Young carers’ to Room B, Round 2" in said
    assert "‘Young carers’ host pitched ‘Young carers’" not in said  # no account: "Someone"
    assert "Someone pitched ‘Young carers’" in said


def test_programme_actions_read_as_sentences(client, event, priya):
    room = do_add_room(event, actor=priya, name="Committee Room 2")
    session = do_add_session(
        event,
        actor=priya,
        title="Budget questions",
        starts_at=local(event, 10),
        ends_at=local(event, 11),
    )
    do_change_session(session, actor=priya, room=room)
    client.force_login(priya)
    said = sentences(client, event)
    assert "Priya Patel added the room ‘Committee Room 2’" in said
    moved = [s for s in said if s.startswith("Priya Patel moved the session ‘Budget questions’")]
    assert moved and moved[0].startswith(
        "Priya Patel moved the session ‘Budget questions’ to Committee Room 2, "
    )
    page = client.get(audit_url(event)).content.decode()
    assert f'href="/{event.slug}/manage/programme/{session.pk}/"' in page


def test_a_programme_import_reads_with_its_counts(client):
    event = import_event()
    priya = UserFactory(first_name="Priya", last_name="Patel")
    grant(priya, event, Role.ORGANISER)
    report = do_import_programme(event, actor=priya, data=read("programme.csv"), content_type=CSV)
    client.force_login(priya)
    said = sentences(client, event)
    assert (
        f"Priya Patel imported the programme from a csv file: {report.sessions} sessions, "
        f"{report.rooms} rooms, {report.speakers} speakers, {len(report.refused)} rows refused"
    ) in said


def test_an_action_nobody_describes_still_reads_as_words(event, priya):
    log_action("hubbub.widget.frobbed", actor=priya, event=event, data={"title": "Thing"})
    entry = describe_entries(AuditEntry.objects.filter(action="hubbub.widget.frobbed"))[0]
    assert entry.description.text == "Priya Patel: widget frobbed: ‘Thing’"


def test_audit_filters_by_person_and_kind(client, event, priya, sam):
    do_create_entry(event=event, author=sam, body="From Sam")
    do_add_room(event, actor=priya, name="Hall")
    client.force_login(priya)
    page = client.get(audit_url(event)).content.decode()
    assert '<label for="id_person">Who</label>' in page
    assert '<label for="id_kind">Kind of change</label>' in page
    by_sam = sentences(client, event, person=sam.pk)
    assert by_sam == ["Sam Ortiz posted an update: ‘From Sam’"]
    programme = sentences(client, event, kind="programme")
    assert programme == ["Priya Patel added the room ‘Hall’"]
    assert sentences(client, event, kind="live", person=priya.pk) == []


def test_audit_page_refuses_a_bad_filter(client, event, priya):
    client.force_login(priya)
    response = client.get(audit_url(event, kind="nonsense"))
    assert response.status_code == 422
    assert "There is a problem" in response.content.decode()


def test_audit_page_pages_with_a_fixed_number_of_queries(client, event, priya, page_queries):
    client.force_login(priya)
    for n in range(3):
        do_create_entry(event=event, author=priya, body=f"Update {n}")
    # One query per kind of object on the page, whatever the number of entries.
    few = page_queries(client, audit_url(event, kind="live"))
    for n in range(60):
        do_create_entry(event=event, author=priya, body=f"More {n}")
    many = page_queries(client, audit_url(event, kind="live"))
    assert many == few
    first = client.get(audit_url(event, kind="live")).content.decode()
    assert "Page 1 of 2" in first and "Older changes" in first
    assert "kind=live&amp;page=2" in first
    assert len(sentences(client, event, kind="live")) == 50
    assert len(sentences(client, event, kind="live", page=2)) == 13


def test_audit_page_is_for_organisers_only(client, event, sam):
    client.force_login(sam)
    assert client.get(audit_url(event)).status_code == 403


def test_accepted_application_without_role_data_still_reads(event, priya):
    application = Application.objects.create(event=event, name="Old Entry", email="o@x.org")
    log_action("hubbub.team.application.accepted", actor=priya, event=event, target=application)
    entry = describe_entries(AuditEntry.objects.filter(action__endswith="accepted"))[0]
    assert entry.description.text == "Priya Patel accepted Old Entry onto the team as reporter"


def test_every_action_the_code_logs_has_an_app_that_describes_it():
    """Each dotted action name passed to log_action in src/ belongs to a registered kind."""
    source = Path(hubbub.__file__).parent
    logged = set()
    for path in source.rglob("*.py"):
        for call in re.findall(r"log_action\(\s*(.*?)actor=", path.read_text(), re.S):
            logged |= set(re.findall(r'"(hubbub\.[a-z_.]+)"', call))
    assert len(logged) > 60
    # API tokens are not an event's: they never show on an event's audit page.
    missing = sorted(
        name
        for name in logged
        if not any(name.startswith(prefix) for prefix in _kinds)
        and not name.startswith("hubbub.token.")
    )
    assert missing == []


def test_unconference_topic_actions_read_as_sentences(client):
    s = make_unconference(organiser_fields={"first_name": "Priya", "last_name": "Patel"})
    topic = pitch(s.u, "Young carers")
    do_move_pitch(topic, actor=s.organiser, room=s.rooms[0], slot=s.slots[0])
    do_unplace_pitch(topic, actor=s.organiser)
    client.force_login(s.organiser)
    said = sentences(client, s.event)
    assert "Priya Patel took ‘Young carers’ off the board" in said


@pytest.mark.parametrize(
    ("action", "data", "said"),
    [
        (
            "hubbub.slideshow.deleted",
            {"title": "Budget slides"},
            "Priya Patel deleted the slides ‘Budget slides’",
        ),
        (
            "hubbub.gallery.created",
            {"title": "Day one"},
            "Priya Patel created the photo gallery ‘Day one’",
        ),
        ("hubbub.post.created", {"title": "Welcome"}, "Priya Patel wrote the blog post ‘Welcome’"),
        (
            "hubbub.event.status_changed",
            {"title": "Digital 2031", "old": "draft", "new": "published"},
            "Priya Patel changed the status of ‘Digital 2031’ from draft to published",
        ),
        (
            "hubbub.event.changed",
            {"title": "Digital 2031", "changes": {"venue": ["A", "B"], "ends_on": ["1", "2"]}},
            "Priya Patel changed the event’s venue, ends on",
        ),
        (
            "hubbub.room.changed",
            {"name": "Main Hall", "old_name": "Hall"},
            "Priya Patel changed the room ‘Hall’ → ‘Main Hall’",
        ),
        (
            "hubbub.session.swapped",
            {"first": {"title": "Opening"}, "second": {"title": "Close"}},
            "Priya Patel swapped ‘Opening’ and ‘Close’",
        ),
        (
            "hubbub.session.deleted",
            {"title": "Lunch", "room": "Foyer", "starts_at": "2031-05-01 12:00"},
            "Priya Patel deleted the session ‘Lunch’ (Foyer, 2031-05-01 12:00)",
        ),
        (
            "hubbub.team.coverage.assigned",
            {"user": "sam", "session": "Opening"},
            "Priya Patel asked sam to cover ‘Opening’",
        ),
        (
            "hubbub.team.settings.changed",
            {"recruitment_open": True, "role_lapse_days": 30},
            "Priya Patel changed the team settings: recruitment open, "
            "roles lapse 30 days after the event",
        ),
        (
            "hubbub.unconf.merged",
            {"topic": "Carers", "into_topic": "Young carers"},
            "Priya Patel merged ‘Carers’ into ‘Young carers’",
        ),
        (
            "hubbub.unconf.slot_added",
            {"label": "Round 3"},
            "Priya Patel added the slot ‘Round 3’",
        ),
        (
            "hubbub.organisation_role.granted",
            {"user": "ada", "organisation": "westbrook"},
            "Priya Patel made ada an admin of ‘westbrook’",
        ),
        (
            "hubbub.comment.trash",
            {},
            "Priya Patel put a comment since deleted in the bin",
        ),
    ],
)
def test_each_kind_of_action_reads_as_a_sentence(event, priya, action, data, said):
    log_action(action, actor=priya, event=event, data=data)
    entry = describe_entries(AuditEntry.objects.filter(action=action).select_related("actor"))
    assert entry[0].description.text == said


def test_a_comment_policy_change_reads_as_a_sentence(client, event):
    organiser = UserFactory(first_name="Priya", last_name="Patel")
    grant(organiser, event, Role.ORGANISER)
    do_set_comment_policy(event, actor=organiser, policy_name="close_after", close_after_days=7)
    client.force_login(organiser)
    html = client.get(f"/{event.slug}/team/audit/").content.decode()
    assert "Priya Patel set comments on this event to: open until 7 days after the event" in html
