"""Event set-up and the programme: their audit entries in words."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hubbub.core.audit import Description, quoted, register_describer


def _manage(entry, name: str, **kwargs) -> str:
    if entry.event is None or entry.target is None:
        return ""
    return reverse(name, kwargs={"event": entry.event.slug, **kwargs})


def _session_place(data: dict) -> str:
    """ "Committee Room 2, 2026-05-01 10:00" (the room may be empty)."""
    return ", ".join(part for part in (data.get("room"), data.get("starts_at")) if part)


def describe_event(entry):
    verb, data, who = entry.action.removeprefix("hubbub.event."), entry.data, entry.who
    title = quoted(data.get("title") or (entry.event.title if entry.event else ""))
    link = _manage(entry, "backoffice:dashboard")
    if verb == "created":
        return Description(_("%(who)s created the event %(t)s") % {"who": who, "t": title}, link)
    if verb == "changed":
        fields = ", ".join(name.replace("_", " ") for name in data.get("changes", {}))
        text = _("%(who)s changed the event’s %(fields)s") % {"who": who, "fields": fields}
        return Description(text, _manage(entry, "backoffice:settings"))
    if verb == "status_changed":
        text = _("%(who)s changed the status of %(t)s from %(old)s to %(new)s") % {
            "who": who,
            "t": title,
            "old": data["old"],
            "new": data["new"],
        }
        return Description(text, link)
    if verb == "copied":
        text = _("%(who)s made %(t)s from %(from)s") % {
            "who": who,
            "t": title,
            "from": quoted(data["from_title"]),
        }
        return Description(text, link)
    return None


THING_VERBS = {
    "added": gettext_lazy("added the %(thing)s %(name)s"),
    "changed": gettext_lazy("changed the %(thing)s %(name)s"),
    "deleted": gettext_lazy("deleted the %(thing)s %(name)s"),
    "copied": gettext_lazy("copied the %(thing)s %(name)s from another event"),
}
THINGS = {
    "room": (gettext_lazy("room"), "backoffice:room"),
    "track": (gettext_lazy("track"), "backoffice:track"),
    "speaker": (gettext_lazy("speaker"), "backoffice:speaker"),
}


def describe_thing(entry):
    _prefix, thing, verb = entry.action.rsplit(".", 2)
    if thing not in THINGS or verb not in THING_VERBS:
        return None
    label, url_name = THINGS[thing]
    name = entry.data["name"]
    if entry.data.get("old_name") and entry.data["old_name"] != name:
        name = f"{quoted(entry.data['old_name'])} → {quoted(name)}"
    else:
        name = quoted(name)
    text = f"{entry.who} " + THING_VERBS[verb] % {"thing": label, "name": name}
    return Description(text, _manage(entry, url_name, pk=entry.target_id))


def describe_session(entry):
    verb, data, who = entry.action.removeprefix("hubbub.session."), entry.data, entry.who
    link = _manage(entry, "backoffice:session", session_id=entry.target_id)
    if verb == "swapped":
        text = _("%(who)s swapped %(a)s and %(b)s") % {
            "who": who,
            "a": quoted(data["first"]["title"]),
            "b": quoted(data["second"]["title"]),
        }
        return Description(text, _manage(entry, "backoffice:programme"))
    title = quoted(data["title"])
    if verb == "moved":
        text = _("%(who)s moved the session %(t)s to %(place)s") % {
            "who": who,
            "t": title,
            "place": _session_place(data),
        }
    elif verb == "added":
        text = _("%(who)s added the session %(t)s (%(place)s)") % {
            "who": who,
            "t": title,
            "place": _session_place(data),
        }
    elif verb == "changed":
        text = _("%(who)s edited the session %(t)s") % {"who": who, "t": title}
    elif verb == "deleted":
        text = _("%(who)s deleted the session %(t)s (%(place)s)") % {
            "who": who,
            "t": title,
            "place": _session_place(data),
        }
    else:
        return None
    return Description(text, link)


def describe_import(entry):
    data = entry.data
    text = _(
        "%(who)s imported the programme from a %(format)s file: %(sessions)s sessions, "
        "%(rooms)s rooms, %(speakers)s speakers, %(refused)s rows refused"
    ) % {
        "who": entry.who,
        "format": data.get("format", ""),
        "sessions": data.get("sessions", 0),
        "rooms": data.get("rooms", 0),
        "speakers": data.get("speakers", 0),
        "refused": data.get("refused", 0),
    }
    return Description(text, _manage(entry, "backoffice:programme"))


def register() -> None:
    register_describer(
        "hubbub.event.", describe_event, kind="event", label=gettext_lazy("Event set-up")
    )
    programme = gettext_lazy("Programme")
    for thing in THINGS:
        register_describer(f"hubbub.{thing}.", describe_thing, kind="programme", label=programme)
    register_describer("hubbub.session.", describe_session, kind="programme", label=programme)
    register_describer("hubbub.programme.", describe_import, kind="programme", label=programme)
