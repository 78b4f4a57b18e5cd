"""What `hubbub serve` starts beside the web server, in its own process.

Apps register a ``start()`` from their ``ready()``; the serve command calls each once before
uvicorn starts (in the process that runs uvicorn's single worker, or its supervisor with
``--workers N``, so whatever is started runs once however many workers serve). A companion
decides from the settings whether it has anything to do, starts daemon threads only, and
returns at once.
"""

from collections.abc import Callable

Companion = Callable[[], str | None]
_companions: list[Companion] = []


def register_serve_companion(start: Companion) -> None:
    if start not in _companions:
        _companions.append(start)


def start_serve_companions() -> list[str]:
    """Start every companion; the lines they return say what was started."""
    started = []
    for start in _companions:
        line = start()
        if line:
            started.append(line)
    return started
