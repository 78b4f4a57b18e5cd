"""Test settings: hubbub's own settings with a throwaway var dir, eager jobs and local mail."""

import os
import tempfile

os.environ.setdefault("HUBBUB_VAR_DIR", tempfile.mkdtemp(prefix="hubbub-test-"))
# Playwright's sync API runs an event loop in the test thread; the ORM calls around it are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from hubbub.settings import *  # noqa: F403
from hubbub.settings import DATABASES, VAR_DIR

TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = VAR_DIR / "media"

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file, not memory, so that server processes started by tests see the same data.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
