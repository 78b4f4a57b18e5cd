"""The audit log: every visible change made by a person is recorded here by its service."""

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
