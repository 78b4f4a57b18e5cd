from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


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
        self.stdout.flush()
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
            proxy_headers=True,
            access_log=log_level == "debug",
        )
