"""Checks shared by every form and API write."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

NUL_MESSAGE = _("This text contains a NUL character (\\x00), which cannot be stored.")


def has_nul(value) -> bool:
    return isinstance(value, str) and "\x00" in value


def refuse_nul(**fields) -> None:
    """Raise ValidationError naming every field whose text contains a NUL character
    (PostgreSQL cannot store one, and no person types one)."""
    errors = {name: NUL_MESSAGE for name, value in fields.items() if has_nul(value)}
    if errors:
        raise ValidationError(errors)


def nul_paths(data, path: tuple = ()) -> list[str]:
    """Dotted paths of every string (or key) containing NUL in parsed JSON."""
    found: list[str] = []
    if isinstance(data, str):
        if "\x00" in data:
            found.append(".".join(str(p) for p in path) or "body")
    elif isinstance(data, dict):
        for key, value in data.items():
            if has_nul(key):
                found.append(".".join(str(p) for p in (*path, key)) or "body")
            found += nul_paths(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += nul_paths(value, (*path, index))
    return found
