"""The demo unconference: the afternoon open space of the demo conference, with its topics
marked by delegates, placed in rooms and rounds, and the notes from each placed topic published
as updates dated on the day."""

from datetime import timedelta

from django.contrib.auth import get_user_model

from hubbub.events.models import Session
from hubbub.live.models import LiveEntry

from .models import Outcome, Unconference
from .services.access import active_pitches
from .services.interest import do_set_marks
from .services.outcomes import do_publish_outcome
from .services.pitches import do_submit_pitch
from .services.placement import do_place_topics
from .services.setup import do_change_state, do_set_up_unconference

DEMO_EVENT = "all-change-2011"

DEMO_PITCHES = [
    (
        "Sharing a chief executive: what really happens",
        "Two councils, one CEO, three years on.",
        "Martin Hale",
    ),
    (
        "Social value in every contract",
        "How to score it without drowning suppliers.",
        "Priya Raman",
    ),
    (
        "Open data nobody uses",
        "Why our datasets sit unread, and what might change that.",
        "Tom Ashworth",
    ),
    (
        "Members and digital",
        "Helping councillors live online without getting burnt.",
        "Councillor Ruth Pennington",
    ),
]


# Which topics each demo delegate marked (by position in DEMO_PITCHES).
DEMO_MARKS = [[0, 1], [0, 2], [1, 3], [0], [2, 3], [1], [0, 3], [1, 2], [3], [0, 1, 2]]

# The notes each topic's host wrote up: (what was discussed, decisions, actions).
DEMO_OUTCOMES = [
    (
        "How two councils shared one chief executive and a management team for three years: "
        "what saved money, and what it cost in goodwill. (Demo notes.)",
        "Shared posts need one plan both councils own, not two plans stapled together.",
        "Write up a one-page checklist for councils considering it — Martin Hale",
    ),
    (
        "Scoring social value in contracts without burying small suppliers in forms. (Demo notes.)",
        "Ask for three measurable commitments, not thirty.",
        "Share the group's short scoring sheet — Priya Raman",
    ),
    (
        "Why published datasets go unread: nobody asked who would use them. (Demo notes.)",
        "Publish less, but each dataset with a named person who answers questions about it.",
        "Find three datasets a local group actually wants — Tom Ashworth",
    ),
    (
        "Councillors online: support, not rules; and what to do on a bad day. (Demo notes.)",
        "",
        "Pair each new councillor with one who has been online for years",
    ),
]


def load_demo_unconference(demo) -> None:
    """The afternoon's open space: its rounds, the seminar rooms, pitched topics, marks,
    placement and published notes."""
    event = demo.events[DEMO_EVENT]
    unconference = Unconference.objects.filter(event=event).first()
    if unconference is None:
        unconference = _set_up(event)
    _place_and_publish(event, unconference)


def _set_up(event) -> Unconference:
    organiser = get_user_model().objects.get(username="organiser")
    rounds = event.sessions.filter(kind=Session.Kind.UNCONFERENCE, room__isnull=True)
    rooms = event.rooms.filter(name__in=["Seminar Room 1", "Seminar Room 2", "Seminar Room 3",
                                         "Boardroom"])  # fmt: skip
    unconference = do_set_up_unconference(
        event=event, actor=organiser, rooms=rooms, sessions=rounds
    )
    for topic, description, host in DEMO_PITCHES:
        do_submit_pitch(
            unconference, topic=topic, description=description, host_name=host, actor=organiser
        )
    return unconference


def _place_and_publish(event, unconference: Unconference) -> None:
    """Marks, placement (as the facilitator ran it at lunchtime on the day) and the notes;
    each step only once."""
    organiser = get_user_model().objects.get(username="organiser")
    pitches = list(active_pitches(unconference).order_by("queued_at", "id"))
    if not pitches:
        return
    if not any(p.is_placed for p in pitches):
        do_change_state(unconference, actor=organiser, voting_open=True)
        for number, marks in enumerate(DEMO_MARKS):
            chosen = [pitches[i].pk for i in marks if i < len(pitches)]
            do_set_marks(unconference, voter=f"demo-delegate-{number}", pitch_ids=chosen)
        do_change_state(unconference, actor=organiser, pitching_open=False, voting_open=False)
        lunchtime = event.day_start(event.starts_on) + timedelta(hours=13)
        do_place_topics(unconference, actor=organiser, time_limit=5, at=lunchtime)
        pitches = list(active_pitches(unconference).order_by("queued_at", "id"))
    if Outcome.objects.filter(pitch__unconference=unconference).exists():
        return
    editor = get_user_model().objects.get(username="editor")
    for pitch, (discussed, decisions, actions) in zip(pitches, DEMO_OUTCOMES, strict=False):
        if not pitch.is_placed:
            continue
        outcome = do_publish_outcome(
            pitch, actor=editor, discussed=discussed, decisions=decisions, actions=actions
        )
        # Posted when the topic's round ended, on the day.
        posted = pitch.slot.ends_at + timedelta(minutes=10)
        LiveEntry.objects.filter(pk=outcome.entry_id).update(created_at=posted)
        Outcome.objects.filter(pk=outcome.pk).update(published_at=posted)
    do_change_state(unconference, actor=organiser, finished=True)
