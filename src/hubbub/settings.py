"""Settings, every one from the environment with a safe default.

Environment: DATABASE_URL, HUBBUB_BROKER, SECRET_KEY, ALLOWED_HOSTS, HUBBUB_MEDIA_ROOT,
EMAIL_URL, HUBBUB_VAR_DIR, HUBBUB_DEBUG.
"""

import os
import secrets
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import dj_database_url

PACKAGE_DIR = Path(__file__).resolve().parent
# Everything the embedded default keeps on disk (database, secret key, media) lives here.
VAR_DIR = Path(os.environ.get("HUBBUB_VAR_DIR", Path.cwd() / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    # Generated once and kept, so sessions and signed cookies survive restarts.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("HUBBUB_DEBUG")
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.syndication",
    # First, so that its templates (site layout for the account pages) take precedence.
    "hubbub.core",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.twitter_oauth2",
    "allauth.socialaccount.providers.facebook",
    "hubbub.accounts.providers.wordpress",
    "hubbub.accounts.providers.mastodon",
    "django_tasks",
    "django_tasks_db",
    "hubbub.accounts",
    "hubbub.events",
    "hubbub.team",
    "hubbub.live",
    "hubbub.unconf",
    "hubbub.blog",
    "hubbub.comments",
    "hubbub.media",
    "hubbub.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "hubbub.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "hubbub.urls"
ASGI_APPLICATION = "hubbub.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hubbub.core.context_processors.site",
            ],
        },
    }
]


def _database() -> dict:
    url = os.environ.get("DATABASE_URL")
    if url:
        config = dj_database_url.parse(url, conn_max_age=600, conn_health_checks=True)
        if config["ENGINE"].endswith("sqlite3"):
            config.setdefault("OPTIONS", {}).update(_SQLITE_OPTIONS)
        return config
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": VAR_DIR / "hubbub.sqlite3",
        "OPTIONS": dict(_SQLITE_OPTIONS),
        # Opening SQLite and running its PRAGMAs on every request costs more than the request.
        "CONN_MAX_AGE": 600,
        "CONN_HEALTH_CHECKS": True,
    }


_SQLITE_OPTIONS = {
    # WAL lets readers carry on while a reporter writes; IMMEDIATE takes the write lock at BEGIN
    # so two writers queue on the busy timeout instead of failing mid-transaction.
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
    ),
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}

DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "hubbub",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    }
}

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
SITE_ID = 1
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("HUBBUB_EMAIL_VERIFICATION", "optional")
ACCOUNT_DEFAULT_HTTP_PROTOCOL = os.environ.get("HUBBUB_HTTP_PROTOCOL", "http")
ACCOUNT_FORMS = {"login": "hubbub.accounts.forms.LoginForm"}
# Social providers are configured by the organiser in the admin (Social applications), no code.
SOCIALACCOUNT_PROVIDERS: dict = {}

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English (UK)")]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Serve app static files straight from their packages: no collectstatic step in the quick start.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("HUBBUB_MEDIA_ROOT", VAR_DIR / "media"))


def _storages() -> dict:
    """HUBBUB_STORAGE: unset or file:// for MEDIA_ROOT; s3://bucket[/prefix] for object storage
    (django-storages; endpoint and keys from AWS_S3_ENDPOINT_URL, AWS_ACCESS_KEY_ID, ...)."""
    storages = {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    url = os.environ.get("HUBBUB_STORAGE", "")
    parsed = urlparse(url)
    if not url or parsed.scheme == "file":
        storages["default"] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    elif parsed.scheme == "s3":
        try:
            import storages as _  # noqa: F401
        except ImportError:
            raise ValueError(
                "HUBBUB_STORAGE=s3://... needs django-storages: pip install 'django-storages[s3]'"
            ) from None
        storages["default"] = {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": parsed.hostname,
                "location": parsed.path.strip("/"),
                # Keys come from boto3's usual AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
                "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            },
        }
    else:
        raise ValueError(f"HUBBUB_STORAGE: unsupported scheme {parsed.scheme!r}")
    return storages


STORAGES = _storages()
# Upload limits for slides and photos; a request over them is refused with 413 before its body
# is read. Django's own limit covers the non-file fields only.
HUBBUB_MAX_DECK_BYTES = int(os.environ.get("HUBBUB_MAX_DECK_BYTES", 100 * 1024 * 1024))
HUBBUB_MAX_PHOTO_BYTES = int(os.environ.get("HUBBUB_MAX_PHOTO_BYTES", 20 * 1024 * 1024))
# A phone sends several photos in one request.
HUBBUB_MAX_GALLERY_REQUEST_BYTES = int(
    os.environ.get("HUBBUB_MAX_GALLERY_REQUEST_BYTES", 200 * 1024 * 1024)
)
HUBBUB_MAX_SLIDES = int(os.environ.get("HUBBUB_MAX_SLIDES", "500"))
DATA_UPLOAD_MAX_NUMBER_FILES = 50
# "0" stops `hubbub serve` from running background jobs itself (run `hubbub worker` instead).
HUBBUB_EMBEDDED_WORKER = os.environ.get("HUBBUB_EMBEDDED_WORKER", "1") != "0"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"


def _email_settings() -> dict:
    """EMAIL_URL: smtp://user:pass@host:port[?tls=1|ssl=1], console:// or locmem://."""
    url = os.environ.get("EMAIL_URL", "console://")
    parsed = urlparse(url)
    if parsed.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parsed.scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if parsed.scheme not in {"smtp", "smtps"}:
        raise ValueError(f"EMAIL_URL: unsupported scheme {parsed.scheme!r}")
    query = parse_qs(parsed.query)
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parsed.hostname or "localhost",
        "EMAIL_PORT": parsed.port or 25,
        "EMAIL_HOST_USER": unquote(parsed.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
        "EMAIL_USE_TLS": query.get("tls", ["0"])[0] == "1",
        "EMAIL_USE_SSL": parsed.scheme == "smtps" or query.get("ssl", ["0"])[0] == "1",
    }


globals().update(_email_settings())
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "hubbub <noreply@localhost>")

# Background jobs: the database backend with `hubbub worker`; tests switch to the immediate one.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("HUBBUB_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Live events: memory:// (one process) or redis://host:port/db (several processes or nodes).
HUBBUB_BROKER = os.environ.get("HUBBUB_BROKER", "memory://")
# How many recent stream messages each process keeps in memory for reconnecting readers.
HUBBUB_STREAM_MEMORY_LOG = int(os.environ.get("HUBBUB_STREAM_MEMORY_LOG", "500"))
# How far back (in stream messages) a reconnecting reader can be caught up from the database.
HUBBUB_STREAM_REPLAY_LIMIT = int(os.environ.get("HUBBUB_STREAM_REPLAY_LIMIT", "1000"))

# Seconds between heartbeat comments on an idle stream, as "min,max" (jitter in between).
HUBBUB_STREAM_HEARTBEAT = tuple(
    float(x) for x in os.environ.get("HUBBUB_STREAM_HEARTBEAT", "15,25").split(",", 1)
)

# Limits against slow or hostile clients (docs/security/stream.md):
# a stream reader whose socket has accepted nothing for this many seconds is disconnected,
HUBBUB_STREAM_STALL_SECONDS = float(os.environ.get("HUBBUB_STREAM_STALL_SECONDS", "5"))
# and so is one with more than this many messages waiting for it (it resumes from its last id);
HUBBUB_STREAM_MAX_BEHIND = int(os.environ.get("HUBBUB_STREAM_MAX_BEHIND", "500"))
# a request body larger than this gets 413 as it arrives (uploads: HUBBUB_MAX_DECK_BYTES…).
HUBBUB_MAX_REQUEST_BYTES = int(os.environ.get("HUBBUB_MAX_REQUEST_BYTES", 1024 * 1024))

# Comments on an event's posts and entries close this many days after its last day.
HUBBUB_COMMENTS_CLOSE_AFTER_DAYS = int(os.environ.get("HUBBUB_COMMENTS_CLOSE_AFTER_DAYS", "14"))
# Comments containing any of these (besides the admin-editable list) are marked as spam.
HUBBUB_DISALLOWED_WORDS = [
    w.strip() for w in os.environ.get("HUBBUB_DISALLOWED_WORDS", "").split(",") if w.strip()
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("HUBBUB_LOG_LEVEL", "WARNING")},
}
