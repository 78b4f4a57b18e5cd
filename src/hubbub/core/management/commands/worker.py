import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from hubbub.core.periodic import run_periodic_checks


def _periodic_loop(stop: threading.Event, every: float) -> None:
    # Each round on a fresh connection: the thread lives as long as the worker.
    while not stop.wait(every):
        close_old_connections()
        run_periodic_checks()
        close_old_connections()


class Command(BaseCommand):
    help = (
        "Run background jobs (django-tasks database backend) until stopped, and the periodic "
        "checks (e.g. events going live and ending by their dates) every "
        "HUBBUB_PERIODIC_SECONDS."
    )

    def add_arguments(self, parser):
        parser.add_argument("--queue-name", default="default")
        parser.add_argument("--batch", action="store_true", help="Exit when the queue is empty.")

    def handle(self, *args, queue_name, batch, **options):
        arguments = ["--queue-name", queue_name]
        stop = threading.Event()
        if batch:
            arguments.append("--batch")
        elif settings.HUBBUB_PERIODIC_SECONDS > 0:
            run_periodic_checks()
            threading.Thread(
                target=_periodic_loop,
                args=(stop, settings.HUBBUB_PERIODIC_SECONDS),
                name="hubbub-periodic",
                daemon=True,
            ).start()
        try:
            call_command("db_worker", *arguments)
        finally:
            stop.set()
