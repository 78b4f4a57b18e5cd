"""Organisation roles: who may create and run every event of an organisation."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hubbub.core.audit import log_action
from hubbub.core.permissions import Role
from hubbub.events.models import Organisation

from .models import OrganisationRole

ADMIN = OrganisationRole.Kind.ADMIN


def organisation_role_names(user, organisation) -> list[str]:
    """The permission policy's organisation role provider."""
    return list(
        OrganisationRole.objects.filter(user=user, organisation=organisation).values_list(
            "role", flat=True
        )
    )


def event_roles_from_organisation(user, event) -> list[str]:
    """An organisation admin is organiser on every event of the organisation."""
    if OrganisationRole.objects.filter(
        user=user, organisation_id=event.organisation_id, role=ADMIN
    ).exists():
        return [Role.ORGANISER.value]
    return []


def find_organisation(slug: str) -> Organisation:
    found = Organisation.objects.filter(slug=slug).first()
    if found is None:
        raise ValidationError(_("No organisation with the slug “%(slug)s”.") % {"slug": slug})
    return found


def _forget_cached_roles(user) -> None:
    user.__dict__.pop("_hubbub_event_roles", None)
    user.__dict__.pop("_hubbub_organisation_roles", None)


@transaction.atomic
def do_grant_organisation_admin(*, user, organisation, granted_by=None) -> OrganisationRole:
    grant, created = OrganisationRole.objects.get_or_create(
        user=user, organisation=organisation, role=ADMIN, defaults={"granted_by": granted_by}
    )
    if created:
        log_action(
            "hubbub.organisation_role.granted",
            actor=granted_by,
            target=grant,
            data={"user": user.get_username(), "organisation": organisation.slug, "role": ADMIN},
        )
    _forget_cached_roles(user)
    return grant


@transaction.atomic
def do_revoke_organisation_admin(*, user, organisation, revoked_by=None) -> int:
    deleted, _details = OrganisationRole.objects.filter(
        user=user, organisation=organisation, role=ADMIN
    ).delete()
    if deleted:
        log_action(
            "hubbub.organisation_role.revoked",
            actor=revoked_by,
            data={"user": user.get_username(), "organisation": organisation.slug, "role": ADMIN},
        )
    _forget_cached_roles(user)
    return deleted


def organisations_administered_by(user):
    """The organisations whose events ``user`` may create (every one for superusers)."""
    if user.is_superuser:
        return Organisation.objects.all()
    return Organisation.objects.filter(roles__user=user, roles__role=ADMIN).distinct()
