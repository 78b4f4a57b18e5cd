"""Settings, every one from the environment with a safe default, and read nowhere else.

Each variable is listed in README's configuration table; other modules read ``settings.X``
when they run, never at import time.
"""

import ipaddress
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
    "hubbub.backoffice",
    "hubbub.reflections",
    "hubbub.social",
    "hubbub.stats",
    "hubbub.archive",
    "hubbub.api",
]

MIDDLEWARE = [
    "hubbub.core.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "hubbub.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "hubbub.core.middleware.SameOriginCsrfMiddleware",
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
                "hubbub.core.context_processors.shared_page",
            ],
        },
    }
]


# PostgreSQL: each process (every `hubbub serve` worker, `hubbub worker`) borrows connections
# from its own pool of at most HUBBUB_DB_POOL_SIZE, so a burst of requests queues for a
# connection instead of opening one per request thread until the server refuses more clients.
# A request that waits longer than HUBBUB_DB_POOL_TIMEOUT seconds for one fails.
HUBBUB_DB_POOL_MIN = int(os.environ.get("HUBBUB_DB_POOL_MIN", "2"))
HUBBUB_DB_POOL_SIZE = int(os.environ.get("HUBBUB_DB_POOL_SIZE", "10"))
HUBBUB_DB_POOL_TIMEOUT = float(os.environ.get("HUBBUB_DB_POOL_TIMEOUT", "10"))
if not 0 <= HUBBUB_DB_POOL_MIN <= HUBBUB_DB_POOL_SIZE or HUBBUB_DB_POOL_SIZE < 1:
    raise ValueError(
        "HUBBUB_DB_POOL_SIZE must be at least 1 and HUBBUB_DB_POOL_MIN between 0 and it "
        f"(got {HUBBUB_DB_POOL_MIN} and {HUBBUB_DB_POOL_SIZE})"
    )
if HUBBUB_DB_POOL_TIMEOUT <= 0:
    raise ValueError(f"HUBBUB_DB_POOL_TIMEOUT must be positive (got {HUBBUB_DB_POOL_TIMEOUT})")


def _database() -> dict:
    # Under ASGI every request runs in a thread of its own, so a "persistent" connection is
    # never reused: it stays open after its thread is gone. Connections are closed (SQLite) or
    # handed back to the pool (PostgreSQL) at the end of each request instead.
    url = os.environ.get("DATABASE_URL")
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "hubbub.sqlite3",
            "OPTIONS": dict(_SQLITE_OPTIONS),
            "CONN_MAX_AGE": 0,
        }
    config = dj_database_url.parse(url, conn_max_age=0, conn_health_checks=True)
    options = config.setdefault("OPTIONS", {})
    if config["ENGINE"].endswith("sqlite3"):
        options.update(_SQLITE_OPTIONS)
    elif config["ENGINE"].endswith("postgresql"):
        # With health checks on, the pool checks a connection before lending it, so a database
        # restart costs no failed requests.
        options["pool"] = {
            "min_size": HUBBUB_DB_POOL_MIN,
            "max_size": HUBBUB_DB_POOL_SIZE,
            "timeout": HUBBUB_DB_POOL_TIMEOUT,
        }
    return config


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
ACCOUNT_FORMS = {
    "login": "hubbub.accounts.forms.LoginForm",
    "signup": "hubbub.accounts.forms.SignupForm",
}
# Social providers are configured by the organiser in the admin (Social applications), no code.
SOCIALACCOUNT_PROVIDERS: dict = {}

LANGUAGE_CODE = "en-gb"
# Each language named in its own words: the switcher shows these as they are.
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
# Each app's own locale/ is found by Django; HUBBUB_LOCALE_DIR holds a body's own wording
# (<dir>/cy/LC_MESSAGES/django.po), which wins over the shipped translations; then the Welsh
# for django-allauth's pages (src/hubbub/locale/).
LOCALE_PATHS = [
    *[Path(path) for path in [os.environ.get("HUBBUB_LOCALE_DIR", "")] if path],
    PACKAGE_DIR / "locale",
]
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
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
# Images (photos, covers, pictures inside slides) with more pixels are refused from their
# header before anything is decoded: a 0.5 MB file can declare 169 megapixels (1.3 GB decoded).
HUBBUB_IMAGE_MAX_PIXELS = int(os.environ.get("HUBBUB_IMAGE_MAX_PIXELS", 40_000_000))
# Photos in one gallery upload, refused with a form error above it; Django's own file count
# below stops anything larger with a bare 400.
HUBBUB_MAX_PHOTOS_PER_UPLOAD = int(os.environ.get("HUBBUB_MAX_PHOTOS_PER_UPLOAD", "20"))
DATA_UPLOAD_MAX_NUMBER_FILES = max(50, HUBBUB_MAX_PHOTOS_PER_UPLOAD + 5)
# The largest programme file (frab XML/JSON or CSV) an import accepts, in bytes.
HUBBUB_IMPORT_MAX_BYTES = int(os.environ.get("HUBBUB_IMPORT_MAX_BYTES", 5 * 1024 * 1024))
# "0" stops `hubbub serve` from running background jobs itself (run `hubbub worker` instead).
HUBBUB_EMBEDDED_WORKER = os.environ.get("HUBBUB_EMBEDDED_WORKER", "1") != "0"
# How often the background worker runs its periodic checks (events going live and ending by
# their dates), in seconds; 0 turns them off (run `hubbub events tick` from cron instead).
HUBBUB_PERIODIC_SECONDS = max(0, int(os.environ.get("HUBBUB_PERIODIC_SECONDS", "60")))
# "1": while `hubbub serve` runs, a simulated reporting team posts to the demo's live workshop
# (`hubbub demo`) every 20-40 s; HUBBUB_DEMO_LIVE_INTERVAL is the mean wait in seconds.
HUBBUB_DEMO_LIVE = env_bool("HUBBUB_DEMO_LIVE")
HUBBUB_DEMO_LIVE_INTERVAL = float(os.environ.get("HUBBUB_DEMO_LIVE_INTERVAL", "30"))
if not HUBBUB_DEMO_LIVE_INTERVAL > 0:
    raise ValueError("HUBBUB_DEMO_LIVE_INTERVAL must be a number of seconds above 0")
# How often each server process writes the audience figures it counted in memory (stats app).
HUBBUB_STATS_FLUSH_SECONDS = max(1, int(os.environ.get("HUBBUB_STATS_FLUSH_SECONDS", "30")))


def _trusted_proxies() -> list[str]:
    proxies = [p.strip() for p in os.environ.get("HUBBUB_TRUSTED_PROXIES", "").split(",")]
    for proxy in filter(None, proxies):
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError:
            raise ValueError(
                f"HUBBUB_TRUSTED_PROXIES: {proxy!r} is not an IP address or network (CIDR)"
            ) from None
    return [p for p in proxies if p]


# Reverse proxies (addresses or CIDR networks, comma-separated) whose X-Forwarded-For and
# X-Forwarded-Proto are believed; none by default, so those headers are ignored. Set it to the
# TLS-terminating proxy's address, e.g. 127.0.0.1 when nginx runs on the same machine.
HUBBUB_TRUSTED_PROXIES = _trusted_proxies()
# Set by hubbub.core.middleware.TrustedProxyMiddleware from a trusted proxy's header only.
SECURE_PROXY_SSL_HEADER = ("HUBBUB_FORWARDED_PROTO", "https")
# Strict-Transport-Security max-age on HTTPS responses; 0 sends none.
SECURE_HSTS_SECONDS = int(os.environ.get("HUBBUB_HSTS_SECONDS", str(365 * 24 * 3600)))
if SECURE_HSTS_SECONDS < 0:
    raise ValueError(f"HUBBUB_HSTS_SECONDS must be 0 or more (got {SECURE_HSTS_SECONDS})")
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
# Longest life, in seconds, of a cached public page whose content versions have not moved
# (for what changes with the clock alone, such as "on now"); 0 turns the page cache off.
HUBBUB_PAGE_CACHE_SECONDS = float(os.environ.get("HUBBUB_PAGE_CACHE_SECONDS", "10"))
# How many recent stream messages each process keeps in memory for reconnecting readers.
HUBBUB_STREAM_MEMORY_LOG = int(os.environ.get("HUBBUB_STREAM_MEMORY_LOG", "500"))
# How far back (in stream messages) a reconnecting reader can be caught up from the database.
HUBBUB_STREAM_REPLAY_LIMIT = int(os.environ.get("HUBBUB_STREAM_REPLAY_LIMIT", "1000"))

# Seconds between heartbeat comments on an idle stream, as "min,max" (jitter in between).
HUBBUB_STREAM_HEARTBEAT = tuple(
    float(x) for x in os.environ.get("HUBBUB_STREAM_HEARTBEAT", "15,25").split(",", 1)
)

# The site's name (page titles, emails) and its public address, e.g. https://live.example.org,
# for links in emails that background jobs send (they have no request to take it from).
HUBBUB_SITE_NAME = os.environ.get("HUBBUB_SITE_NAME", "hubbub")
HUBBUB_SITE_URL = os.environ.get("HUBBUB_SITE_URL", "").rstrip("/")
if HUBBUB_SITE_URL and urlparse(HUBBUB_SITE_URL).scheme not in {"http", "https"}:
    raise ValueError(
        f"HUBBUB_SITE_URL must start with https:// or http:// (got {HUBBUB_SITE_URL!r})"
    )
# Seconds the unconference console's placement may search for the best programme.
HUBBUB_UNCONF_TIME_LIMIT = float(os.environ.get("HUBBUB_UNCONF_TIME_LIMIT", "10"))
# Unconference. New device identities (delegates marking or pitching without an account) per
# network address and per event, each an hour: a venue's Wi-Fi puts hundreds of honest
# delegates behind one address, so the address allowance is generous.
HUBBUB_UNCONF_NEW_DEVICES_PER_ADDRESS = int(
    os.environ.get("HUBBUB_UNCONF_NEW_DEVICES_PER_ADDRESS", "300")
)
HUBBUB_UNCONF_NEW_DEVICES_PER_EVENT = int(
    os.environ.get("HUBBUB_UNCONF_NEW_DEVICES_PER_EVENT", "3000")
)
# Limits against slow or hostile clients (docs/security.md):
# a stream reader whose socket has accepted nothing for this many seconds is disconnected,
HUBBUB_STREAM_STALL_SECONDS = float(os.environ.get("HUBBUB_STREAM_STALL_SECONDS", "5"))
# and so is one with more than this many messages waiting for it (it resumes from its last id);
HUBBUB_STREAM_MAX_BEHIND = int(os.environ.get("HUBBUB_STREAM_MAX_BEHIND", "500"))
# a request body larger than this gets 413 as it arrives (uploads: HUBBUB_MAX_DECK_BYTES…).
HUBBUB_MAX_REQUEST_BYTES = int(os.environ.get("HUBBUB_MAX_REQUEST_BYTES", 1024 * 1024))

# The social wall reads servers on private, loopback and link-local networks only when this is
# on (tests, closed installations); otherwise they are refused (see docs/security.md).
HUBBUB_SOCIAL_ALLOW_PRIVATE = env_bool("HUBBUB_SOCIAL_ALLOW_PRIVATE")

# Comments on an event's posts and entries close this many days after its last day.
HUBBUB_COMMENTS_CLOSE_AFTER_DAYS = int(os.environ.get("HUBBUB_COMMENTS_CLOSE_AFTER_DAYS", "14"))
# Comments containing any of these (besides the admin-editable list) are marked as spam.
HUBBUB_DISALLOWED_WORDS = [
    w.strip() for w in os.environ.get("HUBBUB_DISALLOWED_WORDS", "").split(",") if w.strip()
]

# Likes wanting a JSON answer are done in batches in front of Django (comments/likegate.py):
# at most this many wait at once (more get 503 with Retry-After), at most this many go into one
# transaction, and a batch waits this many milliseconds for company. 0 waiting: every like goes
# through Django as an ordinary request.
HUBBUB_LIKE_QUEUE_MAX = int(os.environ.get("HUBBUB_LIKE_QUEUE_MAX", "2000"))
HUBBUB_LIKE_BATCH_MAX = int(os.environ.get("HUBBUB_LIKE_BATCH_MAX", "200"))
HUBBUB_LIKE_BATCH_WAIT_MS = float(os.environ.get("HUBBUB_LIKE_BATCH_WAIT_MS", "5"))
if HUBBUB_LIKE_QUEUE_MAX < 0 or HUBBUB_LIKE_BATCH_MAX < 1 or HUBBUB_LIKE_BATCH_WAIT_MS < 0:
    raise ValueError(
        "HUBBUB_LIKE_QUEUE_MAX and HUBBUB_LIKE_BATCH_WAIT_MS must be 0 or more and "
        "HUBBUB_LIKE_BATCH_MAX at least 1"
    )

# -- abuse limits (see docs/security: comments, likes, sign-in, API) ------------------------
# Rate limits as "<action>.<scope>": (count, seconds). Per visitor (account, cookie or email)
# tight; per network address generous, since a venue's Wi-Fi puts hundreds of people behind
# one address. Override any of them with HUBBUB_RATE_LIMITS="comment.visitor=3/120,...".
HUBBUB_RATE_LIMITS = {
    "comment.visitor": (3, 120),
    "comment.email": (3, 120),
    "comment.address": (60, 60),
    "like.visitor": (30, 60),
    "like.address": (600, 60),
    # Unconference, per device or account and per address.
    "unconf_pitch.visitor": (5, 600),
    "unconf_pitch.address": (80, 600),
    "unconf_vote.visitor": (30, 60),
    "unconf_vote.address": (600, 60),
    "unconf_notes.visitor": (30, 600),
    "unconf_notes.address": (300, 600),
    # Reflections written (pages and API), per writer and per address.
    "reflection.visitor": (5, 600),
    "reflection.address": (60, 600),
    "reflection.email": (3, 86400),
}
for _item in filter(None, os.environ.get("HUBBUB_RATE_LIMITS", "").replace(" ", "").split(",")):
    _name, _rate = _item.split("=", 1)
    _count, _seconds = _rate.split("/", 1)
    HUBBUB_RATE_LIMITS[_name] = (int(_count), int(_seconds))
# A comment form's signed timing token: the least seconds between showing and sending it.
# A guest's reflection waits this many hours for its email to be confirmed, then is deleted.
HUBBUB_REFLECTIONS_CONFIRM_HOURS = int(os.environ.get("HUBBUB_REFLECTIONS_CONFIRM_HOURS", "72"))
HUBBUB_COMMENT_MIN_FILL_SECONDS = int(os.environ.get("HUBBUB_COMMENT_MIN_FILL_SECONDS", "3"))
# Sign-in (allauth rate syntax): wrong passwords per account from one address, after which
# that pair waits, and per address for any accounts. The right password from another network
# or device is never refused.
HUBBUB_LOGIN_FAILURES_PER_ACCOUNT = os.environ.get("HUBBUB_LOGIN_FAILURES_PER_ACCOUNT", "5/15m")
HUBBUB_LOGIN_FAILURES_PER_ADDRESS = os.environ.get("HUBBUB_LOGIN_FAILURES_PER_ADDRESS", "60/15m")
ACCOUNT_ADAPTER = "hubbub.accounts.adapter.AccountAdapter"
ACCOUNT_PREVENT_ENUMERATION = True
# Sign-up asks every new address to confirm (so a registered one can get the same answer);
# following the link in the same browser then signs the new person in.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_RATE_LIMITS = {
    "login": "120/m/ip",
    # "key" is the account and the address together (accounts/adapter.py), as django-axes does.
    "login_failed": (
        f"{HUBBUB_LOGIN_FAILURES_PER_ADDRESS}/ip,{HUBBUB_LOGIN_FAILURES_PER_ACCOUNT}/key"
    ),
    "signup": "60/m/ip",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("HUBBUB_LOG_LEVEL", "WARNING")},
}
