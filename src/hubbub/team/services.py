from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hubbub.core.audit import log_action
from hubbub.core.permissions import Role

from .models import EventRole


def check_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        names = ", ".join(r.value for r in Role)
        raise ValidationError(
            {
                "role": _("Unknown role “%(role)s”; choose one of: %(names)s.")
                % {"role": role, "names": names}
            }
        ) from None


@transaction.atomic
def do_grant_role(*, user, event, role: str, granted_by=None, home_room=None) -> EventRole:
    checked = check_role(role)
    grant, created = EventRole.objects.get_or_create(
        user=user,
        event=event,
        role=checked.value,
        defaults={"granted_by": granted_by, "home_room": home_room},
    )
    if created:
        log_action(
            "hubbub.role.granted",
            actor=granted_by,
            event=event,
            target=grant,
            data={"user": user.get_username(), "role": checked.value},
        )
    user.__dict__.pop("_hubbub_event_roles", None)
    return grant


@transaction.atomic
def do_revoke_role(*, user, event, role: str, revoked_by=None) -> int:
    checked = check_role(role)
    deleted, _details = EventRole.objects.filter(
        user=user, event=event, role=checked.value
    ).delete()
    if deleted:
        log_action(
            "hubbub.role.revoked",
            actor=revoked_by,
            event=event,
            data={"user": user.get_username(), "role": checked.value},
        )
    user.__dict__.pop("_hubbub_event_roles", None)
    return deleted


def find_user(username: str):
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        raise ValidationError({"username": _("No user called “%(name)s”.") % {"name": username}})
    return user
