"""The unconference's audit entries in words."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hubbub.core.audit import Description, event_link, quoted, register_describer

from .models import Pitch

# Actions on one topic.
TOPIC_SENTENCES = {
    "pitched": gettext_lazy("%(who)s pitched %(topic)s"),
    "pitch_next": gettext_lazy("%(who)s called up the next pitch: %(topic)s"),
    "pitch_skipped": gettext_lazy("%(who)s skipped the pitch of %(topic)s"),
    "requeued": gettext_lazy("%(who)s put %(topic)s back in the pitching queue"),
    "edited": gettext_lazy("%(who)s edited the topic %(topic)s"),
    "withdrawn": gettext_lazy("%(who)s withdrew the topic %(topic)s"),
    "pinned": gettext_lazy("%(who)s pinned %(topic)s in its place"),
    "unpinned": gettext_lazy("%(who)s unpinned %(topic)s"),
    "unplaced": gettext_lazy("%(who)s took %(topic)s off the board"),
    "note_taker": gettext_lazy("%(who)s took on the notes of %(topic)s"),
    "notes_saved": gettext_lazy("%(who)s saved notes on %(topic)s"),
    "notes_submitted": gettext_lazy("%(who)s sent in the notes on %(topic)s"),
    "notes_published": gettext_lazy("%(who)s published the notes on %(topic)s on the live blog"),
}
# Actions on the unconference as a whole.
WHOLE_VERBS = {
    "set_up": gettext_lazy("set up the unconference"),
    "settings_changed": gettext_lazy("changed the unconference settings"),
    "state_changed": gettext_lazy("moved the unconference on to"),
    "placed": gettext_lazy("planned the unconference board"),
}


def _topic(entry) -> str:
    if isinstance(entry.target, Pitch):
        return entry.target.topic
    return entry.data.get("topic", "")


def _topic_link(entry) -> str:
    if not isinstance(entry.target, Pitch):
        return ""
    return event_link(entry, "unconf:topic", pitch_id=entry.target.pk)


def describe_unconf(entry):
    verb = entry.action.removeprefix("hubbub.unconf.")
    who, topic = entry.who, _topic(entry)
    if verb == "moved":
        text = _("%(who)s moved %(topic)s to %(room)s, %(slot)s") % {
            "who": who,
            "topic": quoted(topic),
            "room": entry.data["room_name"],
            "slot": entry.data["slot_label"],
        }
        return Description(text, _topic_link(entry))
    if verb == "merged":
        text = _("%(who)s merged %(topic)s into %(into)s") % {
            "who": who,
            "topic": quoted(topic),
            "into": quoted(entry.data["into_topic"]),
        }
        return Description(text, _topic_link(entry))
    if verb in ("slot_added", "slot_deleted"):
        template = (
            _("%(who)s added the slot %(slot)s")
            if verb == "slot_added"
            else _("%(who)s removed the slot %(slot)s")
        )
        return Description(template % {"who": who, "slot": quoted(entry.data["label"])})
    if verb in ("pitch_next", "pitch_skipped") and not topic:
        return Description(_("%(who)s reached the end of the pitching queue") % {"who": who})
    if verb in TOPIC_SENTENCES and topic:
        text = TOPIC_SENTENCES[verb] % {"who": who, "topic": quoted(topic)}
        return Description(text, _topic_link(entry))
    if verb == "state_changed":
        state = entry.data.get("state", "")
        return Description(f"{who} {WHOLE_VERBS[verb]} {quoted(state.replace('_', ' '))}")
    if verb in WHOLE_VERBS:
        link = event_link(entry, "unconf:console") if entry.target is not None else ""
        return Description(f"{who} {WHOLE_VERBS[verb]}", link)
    return None


def register() -> None:
    register_describer(
        "hubbub.unconf.", describe_unconf, kind="unconf", label=gettext_lazy("Unconference")
    )
