import signal
import subprocess
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hubbub.core.serving import start_serve_companions


def embedded_worker_wanted() -> bool:
    """Jobs on the database backend need a worker; the one-command default runs its own."""
    backend = settings.TASKS["default"]["BACKEND"]
    return backend.startswith("django_tasks_db.") and settings.HUBBUB_EMBEDDED_WORKER


def _die_with_parent() -> None:
    # uvicorn re-raises SIGTERM after its shutdown, so `finally` may never run: on Linux the
    # kernel stops the worker when serve goes, however it goes.
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class Command(BaseCommand):
    help = "Serve hubbub over ASGI with uvicorn (uvloop + httptools)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1)
        parser.add_argument("--log-level", default="info")

    def handle(self, *args, host, port, workers, log_level, **options):
        import uvicorn

        if workers < 1:
            raise CommandError("--workers must be at least 1.")
        if workers > 1 and settings.HUBBUB_BROKER.startswith("memory:"):
            raise CommandError(
                "--workers > 1 needs a shared broker: set HUBBUB_BROKER=redis://127.0.0.1:6379/0 "
                "so every worker's readers receive every live update."
            )
        self.stdout.write(f"hubbub serving on http://{host}:{port}/ ({workers} worker(s))")
        job_worker = None
        if embedded_worker_wanted():
            # A separate process: rendering slides is CPU-bound and must not stall requests.
            # HUBBUB_EMBEDDED_WORKER=0 turns it off when `hubbub worker` runs elsewhere.
            job_worker = subprocess.Popen(
                [sys.executable, "-m", "hubbub.cli", "worker"], preexec_fn=_die_with_parent
            )
            self.stdout.write(
                "background jobs: embedded worker started (HUBBUB_EMBEDDED_WORKER=0 to stop it)"
            )
        for line in start_serve_companions():
            self.stdout.write(line)
        self.stdout.flush()
        try:
            self._run(uvicorn, host, port, workers, log_level)
        finally:
            if job_worker is not None:
                job_worker.terminate()
                try:
                    job_worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    job_worker.kill()

    def _run(self, uvicorn, host, port, workers, log_level):
        uvicorn.run(
            "hubbub.asgi:application",
            host=host,
            port=port,
            workers=workers,
            loop="uvloop",
            http="httptools",
            lifespan="on",
            log_level=log_level,
            # Thousands of readers may connect at once after a restart.
            backlog=4096,
            # Live streams never end by themselves; give them a moment, then close them so
            # readers reconnect (with their last id) to the next process.
            timeout_graceful_shutdown=3,
            # hubbub reads X-Forwarded-* itself, from HUBBUB_TRUSTED_PROXIES only (core/http.py).
            proxy_headers=False,
            access_log=log_level == "debug",
        )
