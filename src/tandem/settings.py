"""Tandem's one settings module: everything that varies between machines comes from the environment.

Every variable is documented in `.env.example`. Nothing else in Tandem reads `os.environ` for
configuration, and nothing reads settings at import time.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
import django_stubs_ext
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

django_stubs_ext.monkeypatch()

PACKAGE_DIR = Path(__file__).resolve().parent
# Where Tandem keeps its local state (SQLite file, uploaded files, collected static files) and
# where it finds the npm-installed front-end assets. Defaults to the working directory, which is
# the repository when run through `make`.
HOME_DIR = Path(os.environ.get("TANDEM_HOME", Path.cwd())).resolve()
VAR_DIR = Path(os.environ.get("TANDEM_VAR_DIR", HOME_DIR / "var")).resolve()
NODE_MODULES_DIR = Path(os.environ.get("TANDEM_NODE_MODULES", HOME_DIR / "node_modules")).resolve()

TRUE_WORDS = {"1", "true", "yes", "on"}


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in TRUE_WORDS


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc


def _write_private(path: Path, text: str) -> None:
    """Create a key file readable by its owner only from the first byte (no window of 0644)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)


def _secret_key() -> str:
    key = os.environ.get("TANDEM_SECRET_KEY", "").strip()
    if key:
        return key
    # Without a configured key, a single machine keeps a generated one in var/ so that sessions
    # survive a restart. Several app servers must share TANDEM_SECRET_KEY instead (README).
    key_file = VAR_DIR / "secret.key"
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    _write_private(key_file, key)
    return key


DEBUG = env_bool("TANDEM_DEBUG", False)
SECRET_KEY = _secret_key()
PORT = env_int("TANDEM_PORT", 8000)

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("TANDEM_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
    if host.strip()
]
CSRF_TRUSTED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("TANDEM_CSRF_TRUSTED_ORIGINS", "").split(",")
    if origin.strip()
]
# Behind a load balancer that terminates TLS (README: running several app servers).
if env_bool("TANDEM_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True

INSTALLED_APPS = [
    "tandem.apps.TandemAdminConfig",
    # Before django.contrib.auth, so that its `changepassword` command is Tandem's (audited).
    "tandem.accounts",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "tandem.programmes",
    "tandem.surveys",
    "tandem.coding",
    "tandem.reports",
    "tandem.coaching",
    "tandem.typology",
    "tandem.networks",
    "tandem.outcomes",
    "tandem.workshops",
    "tandem.audit",
    "tandem.disclosure",
    "tandem.gdpr",
    "tandem.operations",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "tandem.api",
    "django_tasks",
    "django_tasks_db",
]

# Background work (report PDFs) is queued in the database and run by `tandem worker`
# (`manage.py db_worker`): no broker to install, and any app server can enqueue.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "tandem.audit.context.RequestIdMiddleware",
    # One log line per request (route, status, time, user id — never the path or a name).
    "tandem.logs.RequestLogMiddleware",
    "csp.middleware.CSPMiddleware",
    "tandem.middleware.StaticAssetsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # django-otp's, also counting a second factor the identity provider checked (single sign-on).
    "tandem.accounts.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages (a timed-out person is told why) and before any view runs.
    "tandem.accounts.middleware.SessionTimeoutMiddleware",
    "tandem.accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # An upload the file store refused: a page saying nothing was saved (tandem.web.uploads).
    "tandem.middleware.StorageUnavailableMiddleware",
    # Last, as django-axes asks: it turns a lock-out flagged during log-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tandem.urls"
WSGI_APPLICATION = "tandem.wsgi.application"
ASGI_APPLICATION = "tandem.asgi.application"

TEMPLATES: list[dict[str, Any]] = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "tandem.jinja2.environment",
            "autoescape": True,
        },
    },
    {
        # Django's own admin speaks the Django template language.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database() -> dict[str, Any]:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{VAR_DIR / 'tandem.sqlite3'}"
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60))
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"DATABASE_URL is not a database address Tandem understands: {exc}"
        ) from exc
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # IMMEDIATE transactions plus WAL and a busy timeout: concurrent respondents queue for the
        # write lock instead of failing with "database is locked" (STACK.md). Connections are
        # kept between requests (each gunicorn worker is one thread): opening one and running the
        # PRAGMAs again cost 1.5 ms of a 5 ms autosave (bench/RESULTS.md, "Connection reuse").
        config["CONN_MAX_AGE"] = 60
        config["CONN_HEALTH_CHECKS"] = True
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
        config["TEST"] = {"NAME": os.environ.get("TANDEM_TEST_SQLITE_NAME") or None}
    elif config["ENGINE"] == "django.db.backends.postgresql":
        config["CONN_HEALTH_CHECKS"] = True
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses a locked-out e-mail address before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Single sign-on; does nothing until TANDEM_OIDC_ISSUER is set (tandem.accounts.oidc).
    "tandem.accounts.oidc.TandemOidcBackend",
]
# Argon2id (memory-hard) for new and upgraded hashes; PBKDF2 kept so older hashes still verify and
# are re-hashed with Argon2 at the next log-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# Log-in throttling (django-axes): after TANDEM_LOGIN_FAILURE_LIMIT wrong passwords for one
# e-mail address *from one client* (IP address and browser together), that client is locked out
# of that address for TANDEM_LOGIN_LOCKOUT_MINUTES. Not by address alone: then anyone could lock
# a named lead out by typing five wrong passwords (issue 14). Not by IP alone: behind an NHS
# trust's proxy everyone shares a few addresses. An attacker who rotates browsers gets five tries
# per browser against Argon2 hashes, and a lead's, sponsor's or superuser's password alone opens
# nothing without their authenticator.
AXES_FAILURE_LIMIT = env_int("TANDEM_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("TANDEM_LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address", "user_agent"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "tandem.accounts.lockout.username_from_request"
AXES_LOCKOUT_CALLABLE = "tandem.accounts.lockout.locked_out"
AXES_WHITELIST_CALLABLE = "tandem.accounts.lockout.single_sign_on_attempt"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Two-factor authentication (TOTP, django-otp) for programme leads, sponsors and superusers.
# Only a development or demo machine should switch it off.
TANDEM_REQUIRE_2FA = env_bool("TANDEM_REQUIRE_2FA", True)
# The worker draws a wave's report charts when it closes or its report is released, so that the
# first reader does not wait for them (tandem.reports.tasks.draw_report_charts).
TANDEM_DRAW_REPORTS_AHEAD = env_bool("TANDEM_DRAW_REPORTS_AHEAD", True)
OTP_TOTP_ISSUER = "Tandem"

# Single sign-on with the organisation's identity provider (OpenID Connect, mozilla-django-oidc).
# The issuer's discovery document supplies the endpoints; the client is registered with the
# provider (docs/deploy.md). Without TANDEM_OIDC_ISSUER the log-in page offers passwords only.
TANDEM_OIDC_ISSUER = os.environ.get("TANDEM_OIDC_ISSUER", "").strip()
TANDEM_OIDC_CLIENT_ID = os.environ.get("TANDEM_OIDC_CLIENT_ID", "").strip()
TANDEM_OIDC_CLIENT_SECRET = os.environ.get("TANDEM_OIDC_CLIENT_SECRET", "").strip()
TANDEM_OIDC_NAME = os.environ.get("TANDEM_OIDC_NAME", "").strip() or "single sign-on"


def _oidc_providers() -> list[dict[str, str]]:
    """Several providers (TANDEM_OIDC_PROVIDERS=nhsmail,okta), each from TANDEM_OIDC_<KEY>_*."""
    providers = []
    for key in os.environ.get("TANDEM_OIDC_PROVIDERS", "").split(","):
        key = key.strip().lower()
        if not key:
            continue
        if not key.replace("-", "").isalnum() or not key.isascii():
            raise ImproperlyConfigured(
                f"TANDEM_OIDC_PROVIDERS names {key!r}: use letters, digits and hyphens."
            )
        prefix = "TANDEM_OIDC_" + key.upper().replace("-", "_") + "_"
        providers.append(
            {
                "key": key,
                "issuer": os.environ.get(prefix + "ISSUER", "").strip(),
                "client_id": os.environ.get(prefix + "CLIENT_ID", "").strip(),
                "client_secret": os.environ.get(prefix + "CLIENT_SECRET", "").strip(),
                "name": os.environ.get(prefix + "NAME", "").strip() or key,
            }
        )
    return providers


# When set, these replace the single provider above.
TANDEM_OIDC_PROVIDERS = _oidc_providers()
# How far the provider's clock may differ from ours when an ID token's times are checked.
TANDEM_OIDC_CLOCK_LEEWAY_SECONDS = env_int("TANDEM_OIDC_CLOCK_LEEWAY_SECONDS", 60)
# An installation whose staff all log in through the provider can switch passwords off.
TANDEM_PASSWORD_LOGIN = env_bool("TANDEM_PASSWORD_LOGIN", True)
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid email"
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_CREATE_USER = False  # accounts come from a lead's import, never from a log-in
OIDC_STORE_ID_TOKEN = True  # the hint the provider's end-session endpoint asks for at log-out
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc_callback"
OIDC_TIMEOUT = 10

# Sessions end after 30 minutes without a request, and 12 hours after log-in whatever happens.
TANDEM_SESSION_IDLE_MINUTES = env_int("TANDEM_SESSION_IDLE_MINUTES", 30)
TANDEM_SESSION_MAX_HOURS = env_int("TANDEM_SESSION_MAX_HOURS", 12)
SESSION_COOKIE_AGE = TANDEM_SESSION_MAX_HOURS * 3600
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "programmes:list"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions live in the database so that any app server can serve any request.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# Served over HTTPS when the public address is https:// (TANDEM_BASE_URL, below) or TANDEM_HTTPS=1.
# Then cookies are Secure, plain HTTP is redirected, and browsers are told to insist on HTTPS
# (HSTS). The demo on http://127.0.0.1 keeps working because none of this applies there.
SERVED_OVER_HTTPS = env_bool(
    "TANDEM_HTTPS", os.environ.get("TANDEM_BASE_URL", "").strip().startswith("https://")
)
SESSION_COOKIE_SECURE = env_bool("TANDEM_SECURE_COOKIES", SERVED_OVER_HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("TANDEM_SSL_REDIRECT", SERVED_OVER_HTTPS)
# The load balancer's health check speaks plain HTTP to the app server.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env_int("TANDEM_HSTS_SECONDS", 31536000 if SERVED_OVER_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("TANDEM_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("TANDEM_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"


# Content-Security-Policy: scripts and styles only from Tandem's own static files. The one inline
# script is nhsuk-frontend's `js-enabled` line in its page template, allowed by a per-response
# nonce (the template supports `cspNonce`). Charts are SVG drawn on the server with presentation
# attributes, not `style`, so no inline styles are needed either. Fonts may also come from the
# NHS's own asset host, which nhsuk-frontend's stylesheet names for its Frutiger webfont (fonts
# cannot run code; offline the pages fall back to Arial).
def _oidc_origins() -> list[str]:
    issuers = [TANDEM_OIDC_ISSUER, *(p["issuer"] for p in TANDEM_OIDC_PROVIDERS)]
    origins = {f"{p.scheme}://{p.netloc}" for p in map(urlsplit, issuers) if p.scheme and p.netloc}
    return sorted(origins)


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "https://assets.nhs.uk"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        # Log-out is a form that may end at the identity provider's end-session page.
        "form-action": [SELF, *_oidc_origins()],
        "frame-ancestors": [NONE],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TANDEM_TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS: list[tuple[str, Path] | Path] = [PACKAGE_DIR / "static"]
NHSUK_FRONTEND_DIR = NODE_MODULES_DIR / "nhsuk-frontend" / "dist" / "nhsuk"
if NHSUK_FRONTEND_DIR.is_dir():
    STATICFILES_DIRS.append(("nhsuk", NHSUK_FRONTEND_DIR))
if (NODE_MODULES_DIR / "cytoscape" / "dist").is_dir():  # network maps (tandem.networks)
    STATICFILES_DIRS.append(("cytoscape", NODE_MODULES_DIR / "cytoscape" / "dist"))
# Uploaded files go through Django's storage API: a shared or object store (django-storages)
# replaces this when several app servers run (README).
MEDIA_ROOT = Path(os.environ.get("TANDEM_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# S3-compatible object storage (AWS S3, MinIO, Ceph, a trust's on-premises store) when several app
# servers share uploaded files and built PDFs. Nothing here is public: files are private objects,
# read back only through Tandem's own views (which check access and audit the download).
TANDEM_S3_BUCKET = os.environ.get("TANDEM_S3_BUCKET", "").strip()
if TANDEM_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": TANDEM_S3_BUCKET,
            "endpoint_url": os.environ.get("TANDEM_S3_ENDPOINT_URL", "").strip() or None,
            "region_name": os.environ.get("TANDEM_S3_REGION", "").strip() or None,
            "access_key": os.environ.get("TANDEM_S3_ACCESS_KEY_ID", "").strip() or None,
            "secret_key": os.environ.get("TANDEM_S3_SECRET_ACCESS_KEY", "").strip() or None,
            "location": os.environ.get("TANDEM_S3_PREFIX", "").strip().strip("/"),
            "default_acl": None,  # the bucket's own policy (private), never public-read
            "querystring_auth": True,
            "file_overwrite": False,  # two servers saving the same name get two objects
        },
    }
WHITENOISE_USE_FINDERS = True
# Drawn charts, kept under a hash of their specification (tandem.charts.to_svg): shared by every
# process on this machine, so a report's charts are drawn once. Several app servers point
# TANDEM_CHART_CACHE_DIR at shared storage or configure a shared cache here instead.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "charts": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(
            Path(os.environ.get("TANDEM_CHART_CACHE_DIR", VAR_DIR / "cache" / "charts"))
        ),
        "TIMEOUT": 60 * 60 * 24 * 90,  # unused drawings go after 90 days
        "OPTIONS": {"MAX_ENTRIES": 20000},
    },
}
WHITENOISE_AUTOREFRESH = DEBUG

# E-mail leaves the request: every message is queued in the database (EMAIL_BACKEND) and sent
# by `tandem worker` through TANDEM_EMAIL_DELIVERY_BACKEND — SMTP when an SMTP host is
# configured, otherwise printed to the worker's console. Tried again after 1, 5, 30, 120 and
# 360 minutes, then listed as not sent on the programme's E-mail page.
EMAIL_BACKEND = "tandem.operations.mail.QueuedEmailBackend"
EMAIL_HOST = os.environ.get("TANDEM_EMAIL_HOST", "").strip()
if EMAIL_HOST:
    TANDEM_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("TANDEM_EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("TANDEM_EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("TANDEM_EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("TANDEM_EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = 20
else:
    TANDEM_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.console.EmailBackend"
TANDEM_EMAIL_RETRY_MINUTES = (1, 5, 30, 120, 360)
# The address people reach Tandem at, for links in e-mails sent outside a web request (the CLI).
TANDEM_BASE_URL = os.environ.get("TANDEM_BASE_URL", "").strip() or f"http://127.0.0.1:{PORT}"
DEFAULT_FROM_EMAIL = os.environ.get("TANDEM_DEFAULT_FROM_EMAIL", "Tandem <tandem@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL


# Keys for confidential coaching notes (Fernet, urlsafe base64 of 32 bytes), comma-separated:
# the first encrypts, all decrypt, so a key can be rotated. Without one, a single machine
# generates one into var/notes.key; several app servers must share TANDEM_NOTES_KEYS.
def _notes_keys() -> list[str]:
    keys = [k.strip() for k in os.environ.get("TANDEM_NOTES_KEYS", "").split(",") if k.strip()]
    if keys:
        return keys
    key_file = VAR_DIR / "notes.key"
    if not key_file.exists():
        import base64

        VAR_DIR.mkdir(parents=True, exist_ok=True)
        _write_private(key_file, base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
    return [key_file.read_text(encoding="utf-8").strip()]


TANDEM_NOTES_KEYS = _notes_keys()
# `tandem check` fails when the last `tandem backup` is older than this.
TANDEM_BACKUP_MAX_AGE_HOURS = env_int("TANDEM_BACKUP_MAX_AGE_HOURS", 26)
# Scheduled backups (the worker, nightly at 01:00 unless the schedule is changed) go to this
# folder, keeping the newest TANDEM_BACKUP_KEEP; unset, the scheduled backup is off.
TANDEM_BACKUP_DIR = os.environ.get("TANDEM_BACKUP_DIR", "").strip()
TANDEM_BACKUP_KEEP = env_int("TANDEM_BACKUP_KEEP", 14)
# /readyz fails when no worker has been heard from for this long.
TANDEM_WORKER_STALE_SECONDS = env_int("TANDEM_WORKER_STALE_SECONDS", 60)

# Uploads: participant lists are small; anything bigger is a mistake or an attack.
TANDEM_MAX_IMPORT_BYTES = env_int("TANDEM_MAX_IMPORT_BYTES", 5 * 1024 * 1024)
TANDEM_MAX_IMPORT_ROWS = env_int("TANDEM_MAX_IMPORT_ROWS", 5000)
# An XLSX or DOCX is a zip: refuse one that unpacks past this (tandem/uploads.py).
TANDEM_MAX_UNPACKED_BYTES = env_int("TANDEM_MAX_UNPACKED_BYTES", 50 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = TANDEM_MAX_IMPORT_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = TANDEM_MAX_IMPORT_BYTES + 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "tandem.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            # plain for people reading a terminal; json for a log collector (one object a line).
            "formatter": "json" if os.environ.get("TANDEM_LOG_FORMAT") == "json" else "plain",
            "filters": ["paths_to_routes"],
        }
    },
    "filters": {"paths_to_routes": {"()": "tandem.logs.PathsToRoutes"}},
    "root": {"handlers": ["console"], "level": os.environ.get("TANDEM_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
        # WeasyPrint logs every layout step at INFO; only its warnings are worth reading.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
