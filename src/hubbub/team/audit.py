"""The audit log as the team pages read it: the event's entries, filtered; and the team's own
actions in words (roles, applications, invitations, coverage, settings)."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hubbub.core.audit import Description, kind_prefixes, quoted, register_describer
from hubbub.core.models import AuditEntry

from .services import display_name, role_label


def _team_url(entry, name: str = "team:overview", **kwargs) -> str:
    if entry.event is None:
        return ""
    return reverse(name, kwargs={"event": entry.event.slug, **kwargs})


def _person(data: dict) -> str:
    return data.get("name") or data.get("user") or _("someone")


def _roles(names) -> str:
    return ", ".join(role_label(name) for name in names) or _("no role")


def describe_role(entry):
    verb, data, who = entry.action.removeprefix("hubbub.role."), entry.data, entry.who
    words = {"who": who, "person": _person(data), "role": role_label(data.get("role", ""))}
    if verb == "granted":
        return Description(_("%(who)s made %(person)s %(role)s") % words, _team_url(entry))
    if verb == "revoked":
        text = _("%(who)s took the role %(role)s away from %(person)s") % words
        return Description(text, _team_url(entry))
    if verb == "changed":
        text = _("%(who)s changed the roles of %(person)s from %(old)s to %(new)s") % {
            **words,
            "old": _roles(data["from"]),
            "new": _roles(data["to"]),
        }
        return Description(text, _team_url(entry))
    return None


def describe_team(entry):
    verb, data, who = entry.action.removeprefix("hubbub.team."), entry.data, entry.who
    applications = _team_url(entry, "team:applications")
    if verb == "member.removed":
        text = _("%(who)s removed %(person)s from the team (was %(roles)s)") % {
            "who": who,
            "person": _person(data),
            "roles": _roles(data.get("roles", ())),
        }
        return Description(text, _team_url(entry))
    if verb == "application.submitted":
        name = entry.target.name if entry.target is not None else data.get("email", "")
        return Description(_("%(name)s applied to join the team") % {"name": name}, applications)
    if verb in ("application.accepted", "application.declined"):
        name = data.get("name") or (entry.target.name if entry.target is not None else "")
        if verb == "application.declined":
            text = _("%(who)s declined the application of %(name)s") % {"who": who, "name": name}
        else:
            text = _("%(who)s accepted %(name)s onto the team as %(role)s") % {
                "who": who,
                "name": name,
                "role": role_label(data.get("role", "reporter")),
            }
        return Description(text, applications)
    if verb == "invitation.created":
        text = _("%(who)s made an invitation link for the role %(role)s") % {
            "who": who,
            "role": role_label(data.get("role", "")),
        }
        if data.get("note"):
            text += " " + _("(for %(note)s)") % {"note": data["note"]}
        return Description(text, _team_url(entry, "team:invitations"))
    if verb == "invitation.used":
        text = _("%(who)s joined the team as %(role)s with an invitation link") % {
            "who": who,
            "role": role_label(data.get("role", "")),
        }
        return Description(text, _team_url(entry))
    if verb in ("coverage.assigned", "coverage.unassigned"):
        template = (
            _("%(who)s asked %(person)s to cover %(session)s")
            if verb == "coverage.assigned"
            else _("%(who)s took %(person)s off %(session)s")
        )
        text = template % {
            "who": who,
            "person": _person(data),
            "session": quoted(data["session"]),
        }
        return Description(text, _team_url(entry, "team:coverage"))
    if verb == "settings.changed":
        text = _(
            "%(who)s changed the team settings: recruitment %(state)s, "
            "roles lapse %(days)s days after the event"
        ) % {
            "who": who,
            "state": _("open") if data.get("recruitment_open") else _("closed"),
            "days": data.get("role_lapse_days"),
        }
        return Description(text, _team_url(entry))
    return None


def describe_organisation_role(entry):
    verb, data = entry.action.removeprefix("hubbub.organisation_role."), entry.data
    words = {
        "who": entry.who,
        "person": _person(data),
        "organisation": quoted(data.get("organisation", "")),
    }
    if verb == "granted":
        return Description(_("%(who)s made %(person)s an admin of %(organisation)s") % words)
    if verb == "revoked":
        return Description(_("%(who)s removed %(person)s as admin of %(organisation)s") % words)
    return None


def register() -> None:
    label = gettext_lazy("Team")
    register_describer("hubbub.role.", describe_role, kind="team", label=label)
    register_describer("hubbub.team.", describe_team, kind="team", label=label)
    register_describer(
        "hubbub.organisation_role.",
        describe_organisation_role,
        kind="team",
        label=label,
    )


def audit_log(event, *, person=None, kind: str = ""):
    """The event's audit entries, newest first; ``person`` (a user id) and ``kind`` (one of
    ``audit_kinds()``) narrow them."""
    found = AuditEntry.objects.filter(event=event).select_related("actor", "event")
    if person:
        found = found.filter(actor_id=person)
    if kind:
        prefixes = kind_prefixes(kind)
        match = Q(pk__in=[])
        for prefix in prefixes:
            match |= Q(action__startswith=prefix)
        found = found.filter(match)
    return found.order_by("-created_at", "-id")


def audit_people(event) -> list:
    """Everyone who appears as the actor in the event's audit log, by name."""
    User = get_user_model()
    people = list(User.objects.filter(auditentry__event=event).distinct())
    return sorted(people, key=lambda u: (display_name(u).casefold(), u.pk))
