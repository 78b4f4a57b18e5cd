"""Changes made in the Django admin reach the audit log too.

Django records each admin change as a ``LogEntry``; each one saved is copied into the audit
log as ``hubbub.admin.added`` / ``changed`` / ``deleted``, under the event the object belongs
to (the event itself, or the object's ``event``, or its parent's) so organisers see it on the
event's audit page. Django saves the entries of a bulk "delete selected" of two or more
objects in one ``bulk_create``, which sends no signal: those stay in the admin's own history.
"""

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.db.models.signals import post_save
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .audit import Description, person_name, quoted, register_describer
from .models import AuditEntry

VERBS = {ADDITION: "added", CHANGE: "changed", DELETION: "deleted"}
# Objects that belong to an event through a parent (a topic through its unconference).
PARENTS = ("unconference", "session", "gallery", "slideshow", "entry")


def event_id_of(obj) -> int | None:
    if obj is None:
        return None
    if obj._meta.label == "events.Event":
        return obj.pk
    if getattr(obj, "event_id", None):
        return obj.event_id
    for name in PARENTS:
        parent = getattr(obj, name, None)
        if getattr(parent, "event_id", None):
            return parent.event_id
    return None


def record_admin_change(sender, instance: LogEntry, created: bool, **kwargs) -> None:
    if not created or instance.action_flag not in VERBS:
        return
    try:
        # A deletion is logged before the object goes, so it can still be found here.
        obj = instance.get_edited_object()
    except Exception:  # the object is already gone, or its model no longer exists
        obj = None
    model = instance.content_type.model_class() if instance.content_type_id else None
    AuditEntry.objects.create(
        event_id=event_id_of(obj),
        actor_id=instance.user_id,
        action=f"hubbub.admin.{VERBS[instance.action_flag]}",
        target_type=instance.content_type.model if instance.content_type_id else "",
        target_id=str(instance.object_id or ""),
        data={
            "object": instance.object_repr,
            "model": str(model._meta.verbose_name) if model else "",
            "change": instance.get_change_message(),
        },
    )


def describe_admin_change(entry):
    verbs = {
        "hubbub.admin.added": _("added"),
        "hubbub.admin.changed": _("changed"),
        "hubbub.admin.deleted": _("deleted"),
    }
    verb = verbs.get(entry.action)
    if verb is None:
        return None
    data = entry.data
    text = _("%(who)s %(verb)s the %(model)s %(object)s in the admin") % {
        "who": person_name(entry.actor),
        "verb": verb,
        "model": data.get("model", ""),
        "object": quoted(data.get("object", "")),
    }
    if data.get("change") and entry.action == "hubbub.admin.changed":
        text += f" ({data['change'].rstrip('.')})"
    return Description(text)


def connect() -> None:
    post_save.connect(record_admin_change, sender=LogEntry, dispatch_uid="hubbub-admin-audit")
    register_describer(
        "hubbub.admin.",
        describe_admin_change,
        kind="admin",
        label=gettext_lazy("Changes in the admin"),
    )
