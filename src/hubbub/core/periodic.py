"""Checks the background worker runs every few seconds (``HUBBUB_PERIODIC_SECONDS``).

``hubbub worker`` (and so the worker ``hubbub serve`` embeds) calls each registered check in
turn. Apps register from their ``ready()``; a check handles its own errors and is safe to run
from two workers at once (e.g. by locking the rows it changes).
"""

from collections.abc import Callable

PeriodicCheck = Callable[[], None]
_checks: list[PeriodicCheck] = []


def register_periodic_check(check: PeriodicCheck) -> None:
    if check not in _checks:
        _checks.append(check)


def run_periodic_checks() -> None:
    for check in _checks:
        check()
