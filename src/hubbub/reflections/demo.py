"""Demo reflections on All Change 2011, with follow-up answers already in, so the impact
report has something to show. Invented for the demonstration, and labelled so."""

from datetime import datetime, time, timedelta

from hubbub.core.text import render_markdown
from hubbub.events.demo import DEMO_NOTE
from hubbub.events.models import Session

from .followups import followup_days
from .models import ActionAnswer, FollowUp, Reflection, ReflectionItem

# (writer, email, [(session title or None, text, answer, action, with whom)], closing,
#  public, answers per pledge per round)
REFLECTIONS = [
    (
        "Nadia Brook (demo)",
        "nadia.brook@example.org",
        [
            (
                "Workshop: social enterprise and councils",
                "Hearing how a small café run by a social enterprise now caters for three "
                "council buildings made the idea concrete for me.",
                "yes",
                "List the social enterprises in our district and have a coffee with "
                "our procurement lead about them",
                "our procurement lead",
            ),
            (
                "Leading when everything changes",
                "The point that change is mostly conversations, not plans, stuck with me.",
                "not_sure",
                "",
                "",
            ),
        ],
        "A good day, and a reminder that the small things are the ones that move.",
        True,
        [["started", "done"]],
    ),
    (
        "Owen Carter (demo)",
        "owen.carter@example.org",
        [
            (
                "Workshop: digital by default",
                "A neighbouring council gives staff a lunchtime slot to try social media tools "
                "with help on hand. Cheap, and it seems to work.",
                "yes",
                "Ask how their lunchtime slot runs and send a one-page summary to our IT "
                "and communications teams",
                "IT and communications",
            ),
            (
                "Unconference: round one",
                "The unconference topic on open meetings turned into the best hour of the day.",
                "yes",
                "Propose filming one committee meeting as a trial",
                "",
            ),
        ],
        "",
        True,
        [["done", "done"], ["not_yet", "dropped"]],
    ),
    (
        "Grace Lindqvist (demo)",
        "grace.lindqvist@example.org",
        [
            (
                "Chief executives' think-tank: shared services",
                "Sharing a service is less about structures than about who trusts whom.",
                "yes",
                "Use the shared-services case in my assignment on managing change",
                "",
            ),
        ],
        "I came for the think-tank and stayed for the marketplace conversations.",
        False,
        [["started", None]],
    ),
    (
        "Ibrahim Adeyemi (demo)",
        "ibrahim.adeyemi@example.org",
        [
            (
                None,
                "A theme running through the day: nobody has the money, so everyone has to "
                "talk to the people next door.",
                "no",
                "",
                "",
            ),
        ],
        "",
        True,
        [],
    ),
]


def load_demo_reflections(demo) -> None:
    event = demo.events.get("all-change-2011")
    if event is None or Reflection.objects.filter(event=event).exists():
        return
    sessions = {s.title: s for s in Session.objects.filter(event=event)}
    days = followup_days(event)
    published = datetime.combine(event.ends_on + timedelta(days=1), time(10), tzinfo=event.tz)
    for name, email, items, closing, public, answers in REFLECTIONS:
        closing = f"{closing}\n\n{DEMO_NOTE}".strip()
        reflection = Reflection.objects.create(
            event=event, guest_name=name, guest_email=email, email_confirmed_at=published,
            status=Reflection.Status.PUBLISHED, closing=closing,
            closing_html=render_markdown(closing), public_actions=public,
            submitted_at=published, published_at=published,
        )  # fmt: skip
        pledges = []
        for order, (title, text, answer, action, with_whom) in enumerate(items):
            item = ReflectionItem.objects.create(
                reflection=reflection, order=order, session=sessions.get(title),
                text=text, text_html=render_markdown(text), action_answer=answer,
                action=action, with_whom=with_whom,
            )  # fmt: skip
            if item.is_pledge:
                pledges.append(item)
        for round_, after in enumerate(days, start=1):
            if not pledges:
                break
            sent = datetime.combine(event.ends_on + timedelta(days=after), time(9), tzinfo=event.tz)
            FollowUp.objects.create(reflection=reflection, round=round_, sent_at=sent)
            for item, progress in zip(pledges, answers, strict=False):
                if progress[round_ - 1]:
                    ActionAnswer.objects.create(
                        item=item, round=round_, progress=progress[round_ - 1],
                        answered_at=sent + timedelta(hours=3),
                    )  # fmt: skip
