"""Follow-ups at 7 and 30 days, on a controllable clock, through a real SMTP server."""

import json
import re
from datetime import UTC, date, datetime
from io import StringIO

import pytest
from django.core import signing
from django.core.management import call_command

from hubbub.reflections import followups
from hubbub.reflections.models import ActionAnswer, FollowUp, ReflectionSettings

from ..comments.test_email import smtp, wait_for  # noqa: F401  (the aiosmtpd fixture)
from ..factories import EventFactory, SessionFactory, UserFactory
from .helpers import publish, write

pytestmark = pytest.mark.django_db


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


@pytest.fixture
def june():
    """An event on 10-11 June 2030 (British Summer Time), with one pledge published."""
    event = EventFactory(starts_on=date(2030, 6, 10), ends_on=date(2030, 6, 11))
    session = SessionFactory(event=event, title="Digital by default")
    user = UserFactory(email="writer@example.org", first_name="Wren", last_name="Hale")
    items = [
        {"text": "Lunchtime slots", "session_id": session.pk, "action_answer": "yes",
         "action": "Ask how their lunchtime slot runs"},
        {"text": "A theme", "action_answer": "no"},
    ]  # fmt: skip
    reflection = publish(write(event, user, items=items))
    return event, reflection


def test_followups_are_due_at_seven_and_thirty_days_and_never_twice(june, mailoutbox):
    _event, _reflection = june
    assert followups.send_due_followups(at("2030-06-18T08:59+01:00")) == 0
    assert followups.send_due_followups(at("2030-06-18T09:00+01:00")) == 1
    assert followups.send_due_followups(at("2030-06-18T09:00+01:00")) == 0
    assert followups.send_due_followups(at("2030-06-25T09:00+01:00")) == 0
    assert followups.send_due_followups(at("2030-07-11T09:00+01:00")) == 1
    assert followups.send_due_followups(at("2030-08-30T09:00+01:00")) == 0
    assert [m.to for m in mailoutbox] == [["writer@example.org"]] * 2
    assert list(FollowUp.objects.values_list("round", flat=True).order_by("round")) == [1, 2]
    assert "Ask how their lunchtime slot runs" in mailoutbox[0].body
    assert "A theme" not in mailoutbox[0].body


def test_followups_days_are_set_per_event(june, mailoutbox):
    event, _reflection = june
    ReflectionSettings.objects.create(event=event, first_followup_days=2, second_followup_days=5)
    assert followups.send_due_followups(at("2030-06-13T09:00+01:00")) == 1
    assert followups.send_due_followups(at("2030-06-16T09:00+01:00")) == 1


def test_followups_late_start_sends_only_the_latest_round(june, mailoutbox):
    assert followups.send_due_followups(at("2030-07-12T09:00+01:00")) == 1
    assert FollowUp.objects.get().round == 2


def test_followups_stop_after_unsubscribe(june, client, mailoutbox):
    _event, reflection = june
    followups.send_due_followups(at("2030-06-18T09:00+01:00"), "http://testserver")
    link = re.search(r"http://testserver(/\S+/reflections/stop/\S+/)", mailoutbox[0].body)
    page = client.get(link.group(1))
    assert page.status_code == 200
    reflection.refresh_from_db()
    assert not reflection.followups_stopped  # looking at the link changes nothing
    client.post(link.group(1))
    reflection.refresh_from_db()
    assert reflection.followups_stopped
    assert followups.send_due_followups(at("2030-07-11T09:00+01:00")) == 0


def test_followups_across_the_clock_change_keep_local_nine_oclock(mailoutbox):
    # The event ends on Friday 25 October 2030; the clocks go back on Sunday 27 October.
    event = EventFactory(starts_on=date(2030, 10, 25), ends_on=date(2030, 10, 25))
    publish(write(event))
    assert followups.send_due_followups(datetime(2030, 11, 1, 8, 30, tzinfo=UTC)) == 0
    assert followups.send_due_followups(datetime(2030, 11, 1, 9, 0, tzinfo=UTC)) == 1
    assert FollowUp.objects.get().sent_at == datetime(2030, 11, 1, 9, 0, tzinfo=UTC)


def test_followups_skip_held_and_unpledged_reflections(mailoutbox):
    event = EventFactory(starts_on=date(2030, 6, 10), ends_on=date(2030, 6, 10))
    write(event)  # held for moderation
    publish(write(event, items=[{"text": "no action", "action_answer": "no"}]))
    assert followups.send_due_followups(at("2030-06-17T09:00+01:00")) == 0


def test_followups_command_prints_how_many_it_sent(june, mailoutbox):
    out = StringIO()
    call_command("reflections", "followups", "--now", "2030-06-18T09:00+01:00", stdout=out)
    assert "Sent 1 follow-up" in out.getvalue()
    out = StringIO()
    call_command("reflections", "followups", "--now", "2030-06-18T09:00+01:00", stdout=out)
    assert "Sent 0 follow-up" in out.getvalue()


def test_followup_email_through_smtp_links_record_answers(june, smtp, client):  # noqa: F811
    _event, _reflection = june
    assert followups.send_due_followups(at("2030-06-18T09:00+01:00"), "http://testserver") == 1
    ((to, message),) = wait_for(smtp, 1)
    assert to == ["writer@example.org"]
    text = message.get_body(("plain",)).get_content()
    links = dict(re.findall(r"(Done|Started|Not yet|Dropped): http://testserver(\S+)", text))
    assert set(links) == {"Done", "Started", "Not yet", "Dropped"}
    assert "/reflections/stop/" in str(message["List-Unsubscribe"])

    # Opening a link only shows the question: a mail scanner answers nothing.
    assert client.get(links["Started"]).status_code == 200
    assert not ActionAnswer.objects.exists()
    client.post(links["Started"], {"note": "Emailed them"})
    answer = ActionAnswer.objects.get()
    assert (answer.progress, answer.note, answer.round) == ("started", "Emailed them", 1)

    # Answers can be changed; the latest valid one stands.
    client.post(links["Done"], {"note": "It may not get anywhere, but worth a chat"})
    answer = ActionAnswer.objects.get()
    assert answer.progress == "done"

    # A forged link (another answer pasted into a signed token) changes nothing.
    token = links["Done"].rstrip("/").rsplit("/", 1)[1]
    payload, _stamp, _signature = token.split(":")
    data = json.loads(signing.b64_decode(payload.encode()))
    assert data["p"] == "done"
    data["p"] = "dropped"
    changed = signing.b64_encode(json.dumps(data, separators=(",", ":")).encode()).decode()
    forged = links["Done"].replace(payload, changed)
    response = client.post(forged, {"note": "x"})
    assert response.status_code == 400
    assert ActionAnswer.objects.get().progress == "done"


def test_answer_token_forged_or_tampered_is_refused(june):
    _event, reflection = june
    item = reflection.items.first()
    token = followups.answer_token(item, 1, "done")
    with pytest.raises(Exception, match="not valid"):
        followups.do_answer(token[:-2] + "xx")
    assert not ActionAnswer.objects.exists()


def test_morning_after_reminder_is_sent_once_at_eight(mailoutbox):
    from hubbub.reflections.models import MorningAfterRequest

    event = EventFactory(starts_on=date(2030, 6, 10), ends_on=date(2030, 6, 10))
    MorningAfterRequest.objects.create(event=event, email="asked@example.org")
    assert followups.send_morning_after(at("2030-06-11T07:59+01:00")) == 0
    assert followups.send_morning_after(at("2030-06-11T08:00+01:00")) == 1
    assert followups.send_morning_after(at("2030-06-11T09:00+01:00")) == 0
    assert mailoutbox[0].to == ["asked@example.org"]
    assert f"/{event.slug}/reflections/new" in mailoutbox[0].body


def test_followups_stop_link_under_another_event_changes_nothing(june, client, mailoutbox):
    _event, reflection = june
    other = EventFactory()
    followups.send_due_followups(at("2030-06-18T09:00+01:00"), "http://testserver")
    link = re.search(r"http://testserver/\S+/reflections/stop/(\S+)/", mailoutbox[0].body)
    elsewhere = f"/{other.slug}/reflections/stop/{link.group(1)}/"
    assert client.get(elsewhere).status_code == 403
    assert client.post(elsewhere).status_code == 403
    reflection.refresh_from_db()
    assert not reflection.followups_stopped
