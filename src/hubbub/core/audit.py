"""The audit log: every visible change made by a person is recorded here by its service.

Entries keep a dotted action name (``hubbub.entry.pinned``) and the data the service gave.
People read them as sentences: each app above core says in words what its own actions were,
with ``register_describer(prefix, describe, kind=…, label=…)`` from its AppConfig.ready(); an action
no app describes still reads as words (``describe_entries`` never shows a raw code alone).
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.apps import apps
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import AuditEntry


def log_action(action: str, *, actor=None, event=None, target=None, data=None) -> AuditEntry:
    """Record ``action`` (a dotted name, e.g. ``hubbub.entry.pinned``) on ``target``."""
    return AuditEntry.objects.create(
        event=event,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=target._meta.model_name if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data or {},
    )


@dataclass
class Description:
    text: str
    url: str = ""


# An entry (with ``.who``, the actor's name, and ``.target``, the object when it still exists)
# -> its sentence, or None to leave it to the generic wording.
Describer = Callable[[AuditEntry], Description | str | None]


@dataclass
class _Kind:
    prefix: str
    kind: str
    label: str
    describe: Describer


_kinds: dict[str, _Kind] = {}


def register_describer(prefix: str, describe: Describer, *, kind: str, label: str) -> None:
    """Describe every action starting with ``prefix`` (e.g. ``hubbub.entry.``). ``kind`` (a
    slug; several prefixes may share one) and ``label`` (e.g. "Live updates") make the audit
    page's "kind" filter."""
    _kinds[prefix] = _Kind(prefix, kind, label, describe)


def audit_kinds() -> list[tuple[str, str]]:
    """(kind, label) of every described kind, by label: the audit page's "kind" filter."""
    found = {k.kind: str(k.label) for k in _kinds.values()}
    return sorted(found.items(), key=lambda k: k[1])


def kind_prefixes(kind: str) -> list[str]:
    """The action prefixes of ``kind`` (empty for an unknown kind)."""
    return [k.prefix for k in _kinds.values() if k.kind == kind]


def _kind_for(action: str) -> _Kind | None:
    best = None
    for prefix, kind in _kinds.items():
        if action.startswith(prefix) and (best is None or len(prefix) > len(best.prefix)):
            best = kind
    return best


def person_name(user) -> str:
    if user is None:
        return _("Someone")
    return user.get_full_name() or user.get_username()


def quoted(text) -> str:
    return f"‘{text}’"


def _models_by_name() -> dict[str, type]:
    """model_name -> model; hubbub's own models win over Django's (``session``)."""
    found = {}
    for model in apps.get_models():
        name = model._meta.model_name
        if name not in found or model.__module__.startswith("hubbub."):
            found[name] = model
    return found


def _attach_targets(entries: list[AuditEntry]) -> None:
    """Give each entry ``.target``: one query per kind of object, not per entry."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for entry in entries:
        entry.target = None
        if entry.target_type and entry.target_id:
            wanted[entry.target_type].add(entry.target_id)
    models = _models_by_name() if wanted else {}
    for name, ids in wanted.items():
        model = models.get(name)
        if model is None:
            continue
        try:
            found = model._default_manager.in_bulk(list(ids))
        except (ValueError, TypeError):
            continue
        by_id = {str(pk): obj for pk, obj in found.items()}
        for entry in entries:
            if entry.target_type == name:
                entry.target = by_id.get(entry.target_id)


def generic_description(entry: AuditEntry) -> Description:
    """Words for an action no app describes: "Sam Ortiz: token created (api token 4)"."""
    words = entry.action.removeprefix("hubbub.").replace(".", " ").replace("_", " ")
    text = _("%(who)s: %(what)s") % {"who": entry.who, "what": words}
    if entry.target is not None:
        text += f" ({entry.target})"
    elif entry.target_type:
        text += f" ({entry.target_type} {entry.target_id})"
    for key in ("title", "name", "topic"):
        if entry.data.get(key):
            text += f": {quoted(entry.data[key])}"
            break
    return Description(text)


def describe_entries(entries: Iterable[AuditEntry]) -> list[AuditEntry]:
    """The entries, each with ``.description`` (text and, when the object exists, a URL).
    Load them with ``select_related("actor", "event")``."""
    entries = list(entries)
    _attach_targets(entries)
    for entry in entries:
        entry.who = person_name(entry.actor)
        kind = _kind_for(entry.action)
        described = None
        if kind is not None:
            try:
                described = kind.describe(entry)
            except (KeyError, TypeError, ValueError, AttributeError):
                # Old entries may lack a field the current wording needs.
                described = None
        if isinstance(described, str):
            described = Description(described)
        entry.description = described or generic_description(entry)
    return entries


def event_link(entry: AuditEntry, name: str, **kwargs) -> str:
    """The URL ``name`` of the entry's event, when the entry's object still exists."""
    if entry.event is None or entry.target is None:
        return ""
    return reverse(name, kwargs={"event": entry.event.slug, **kwargs})


def excerpt(text, length: int = 60) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"
