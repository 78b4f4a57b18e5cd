"""The demo's simulated reporting team: while `hubbub serve` runs with ``HUBBUB_DEMO_LIVE=1``,
a thread in the serve process posts an update, photo or quote to the live demo workshop every
two thirds to four thirds of ``HUBBUB_DEMO_LIVE_INTERVAL`` seconds (20–40 s by default).

It posts through the same service as a reporter's phone (``do_create_entry`` and so
``publish()``), so readers receive the entries over the stream like any other.
"""

import logging
import random
import threading

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections

from hubbub.events.demo import WORKSHOP_SLUG
from hubbub.events.models import Event

from .demo import post_simulated_entry

logger = logging.getLogger(__name__)

_started: threading.Event | None = None


def start_demo_reporting() -> str | None:
    """The serve companion: start the posting thread once, if the setting asks for it."""
    global _started
    if not settings.HUBBUB_DEMO_LIVE or _started is not None:
        return None
    _started = threading.Event()
    thread = threading.Thread(
        target=run_demo_reporting, args=(_started,), name="hubbub-demo-live", daemon=True
    )
    thread.start()
    return (
        f"demo: a simulated team posts to /{WORKSHOP_SLUG}/live/ about every "
        f"{settings.HUBBUB_DEMO_LIVE_INTERVAL:g} s (HUBBUB_DEMO_LIVE=0 to stop it)"
    )


def next_wait(interval: float, rng: random.Random) -> float:
    return rng.uniform(interval * 2 / 3, interval * 4 / 3)


def run_demo_reporting(stop: threading.Event, rng: random.Random | None = None) -> None:
    """Post until ``stop`` is set; a failed post is logged and the next one tried later."""
    rng = rng or random.Random()
    number = rng.randrange(1000)
    while not stop.wait(next_wait(settings.HUBBUB_DEMO_LIVE_INTERVAL, rng)):
        close_old_connections()
        try:
            event = Event.objects.filter(slug=WORKSHOP_SLUG).first()
            if event is None:
                logger.warning("demo: no %s event; run `hubbub demo` to load it", WORKSHOP_SLUG)
                continue
            post_simulated_entry(event, number)
            number += 1
        except (PermissionDenied, ValidationError) as exc:
            # Ended, archived or the team removed: say why, without a traceback every time.
            logger.warning("demo: the simulated team cannot post: %s", exc)
        except Exception:
            logger.exception("demo: the simulated team could not post")
        finally:
            close_old_connections()
