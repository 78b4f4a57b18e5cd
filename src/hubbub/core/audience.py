"""Where the ASGI entry point tells the audience figures about pages it served.

The figures belong to the stats app, a feature app far above this layer; the entry point sits
above every app. Both meet here: stats registers a recorder from its ``ready()``, and the entry
point calls ``page_served()`` once per answered GET, on the event loop, before anything is
written to the database (a recorder only counts in memory: no request waits on a write).
``start()`` (at server startup) and ``flush()`` (at shutdown) run what the recorders
registered for those moments: a recorder's own thread writes its counts out in between.
"""

from collections.abc import Callable

# (ASGI scope, response status) -> None. Must be quick and must not raise.
PageRecorder = Callable[[dict, int], None]
_recorders: list[PageRecorder] = []
_starters: list[Callable[[], None]] = []
_flushers: list[Callable[[], None]] = []


def register_page_recorder(
    recorder: PageRecorder,
    *,
    start: Callable[[], None] | None = None,
    flush: Callable[[], None] | None = None,
) -> None:
    if recorder not in _recorders:
        _recorders.append(recorder)
    if start is not None and start not in _starters:
        _starters.append(start)
    if flush is not None and flush not in _flushers:
        _flushers.append(flush)


def has_recorders() -> bool:
    return bool(_recorders)


def page_served(scope: dict, status: int) -> None:
    for recorder in _recorders:
        recorder(scope, status)


def start() -> None:
    for starter in _starters:
        starter()


def flush() -> None:
    for flusher in _flushers:
        flusher()
