"""Settings, read from the environment. Every variable is documented in docs/configuration.md."""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from datacollab.ops.log_format import logging_config

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean: use 1/0, true/false or yes/no.")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


ENVIRONMENT = os.environ.get("DATACOLLAB_ENV", "development").strip().lower()
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured(
        f"DATACOLLAB_ENV={ENVIRONMENT!r}: use 'development' or 'production'."
    )
PRODUCTION = ENVIRONMENT == "production"

VAR_DIR = Path(os.environ.get("DATACOLLAB_VAR_DIR", Path.cwd() / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", default=not PRODUCTION)


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY", "")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. In production, set SECRET_KEY to a long random string, "
            "e.g. the output of: python -c 'import secrets; print(secrets.token_urlsafe(64))'"
        )
    # Development: made once and kept, so sessions survive restarts.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(64))
    return path.read_text().strip()


SECRET_KEY = _secret_key()


def _audit_hmac_key() -> str:
    """The audit log's HMAC key: never in the database, so a database writer cannot re-sign."""
    key = os.environ.get("AUDIT_HMAC_KEY", "")
    if key:
        return key
    key_file = os.environ.get("AUDIT_HMAC_KEY_FILE", "")
    if key_file:
        try:
            key = Path(key_file).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"AUDIT_HMAC_KEY_FILE={key_file!r}: {exc}") from exc
        if not key:
            raise ImproperlyConfigured(f"AUDIT_HMAC_KEY_FILE={key_file!r} is empty.")
        return key
    if PRODUCTION:
        raise ImproperlyConfigured(
            "AUDIT_HMAC_KEY (or AUDIT_HMAC_KEY_FILE) is not set. In production the audit log "
            "needs a key kept outside the database, e.g. the output of: "
            "python -c 'import secrets; print(secrets.token_hex(32))'"
        )
    # Development: made once, mode 600, beside secret_key (docs/security.md says why that
    # is not enough for production).
    path = VAR_DIR / "audit_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


AUDIT_HMAC_KEY = _audit_hmac_key()
# Keys that signed older entries: they verify, never sign (rotation: docs/security.md).
AUDIT_HMAC_RETIRED_KEYS = env_list("AUDIT_HMAC_RETIRED_KEYS", [])
# Signed checkpoints of the audit chain's head, outside the database.
AUDIT_CHECKPOINT_DIR = Path(
    os.environ.get("AUDIT_CHECKPOINT_DIR", VAR_DIR / "audit-checkpoints")
).resolve()
# A checkpoint is exported by the task worker every this many entries (0: only by command).
AUDIT_CHECKPOINT_EVERY = int(os.environ.get("AUDIT_CHECKPOINT_EVERY", "1000"))

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is not set: give the host names, comma-separated.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # The admin with a superuser-only site whose writes are audited (core/admin.py).
    "datacollab.core.admin_apps.SuperuserAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # its widget templates, for the project's own form renderer
    "django_tasks",
    "django_tasks_db",
    "csp",
    "datacollab.core",
    "datacollab.organisations",
    "datacollab.collaborations",
    "datacollab.datasets",
    "datacollab.network",
    "datacollab.events",
    "datacollab.communications",
    "datacollab.discussion",
    "datacollab.learnings",
    "datacollab.matching",
    "datacollab.search",
    "datacollab.api",
    "datacollab.reports",
    "datacollab.demo",
    "datacollab.privacy",
    "datacollab.impact",
    "datacollab.evaluation",
    "datacollab.challenges",
    "datacollab.ops",
]

MIDDLEWARE = [
    # Request id and access log first, so every line inside carries the id; then the health
    # probes, answered before the host check, the HTTPS redirect, sessions and cookies.
    "datacollab.ops.request_id.RequestIdMiddleware",
    "datacollab.ops.health.HealthMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "datacollab.api.csp.ExemptAwareCSPMiddleware",  # csp.middleware.CSPMiddleware, faster
    "datacollab.core.middleware.TimezoneMiddleware",
    "datacollab.core.languages.PersonLanguageMiddleware",
    "datacollab.core.middleware.DomainErrorMiddleware",
    "datacollab.api.throttle.QuotaHeadersMiddleware",
]

ROOT_URLCONF = "datacollab.config.urls"
WSGI_APPLICATION = "datacollab.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "datacollab.core.context_processors.site",
                "datacollab.organisations.context_processors.roles",
                "datacollab.config.navigation.navigation",
            ],
            # The `date` filter with French "1er" on the first of a month (core/dates.py).
            "builtins": ["datacollab.core.templatetags.date_builtin"],
        },
    },
]

# Every form: label, hint, input, its own errors under it, and an error summary on top.
FORM_RENDERER = "datacollab.core.form_rendering.SiteFormRenderer"


def _databases() -> dict[str, Any]:
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'datacollab.sqlite3'}"
    try:
        # No health check by default (DATABASE_HEALTH_CHECKS, docs/configuration.md): it costs
        # a round trip (SELECT 1) at the start of every request on a kept connection.
        config = dj_database_url.parse(
            url,
            conn_max_age=60,
            conn_health_checks=env_bool("DATABASE_HEALTH_CHECKS", False),
        )
    except Exception as exc:  # dj_database_url raises bare ValueError/KeyError
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from exc
    if config["ENGINE"] == "django.db.backends.postgresql" and env_bool(
        "DATABASE_PREPARED_STATEMENTS", True
    ):
        # The rows API's statements prepared once per connection (datasets/rows_db.py); the
        # rest of Django binds on the client, which psycopg never prepares.
        config.setdefault("OPTIONS", {})["prepare_threshold"] = 2
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        config["CONN_HEALTH_CHECKS"] = False
        # WAL lets readers run beside a writer; IMMEDIATE takes the write lock at BEGIN so
        # two writers queue instead of failing with "database is locked" mid-transaction.
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
        # A file, not memory: threads (concurrency tests, the browser tests' live server) then
        # queue on the write lock as in production, instead of failing on a shared cache lock.
        # One file per test run, so runs side by side do not share it.
        config.setdefault("TEST", {})["NAME"] = os.environ.get("SQLITE_TEST_NAME") or str(
            Path(tempfile.gettempdir()) / f"datacollab-test-{os.getpid()}.sqlite3"
        )
    return {"default": config}


DATABASES = _databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "organisations.User"
# Every password check goes through the login throttles (the admin's login too).
AUTHENTICATION_BACKENDS = ["datacollab.organisations.backends.ThrottledModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Accounts: throttles (counted in the database, so they hold across processes), link lifetimes.
LOGIN_THROTTLE_ACCOUNT_FAILURES = int(os.environ.get("LOGIN_THROTTLE_ACCOUNT_FAILURES", "5"))
LOGIN_THROTTLE_ADDRESS_FAILURES = int(os.environ.get("LOGIN_THROTTLE_ADDRESS_FAILURES", "20"))
LOGIN_THROTTLE_WINDOW_MINUTES = int(os.environ.get("LOGIN_THROTTLE_WINDOW_MINUTES", "15"))
ACCOUNT_MAIL_LIMIT_PER_ADDRESS = int(os.environ.get("ACCOUNT_MAIL_LIMIT_PER_ADDRESS", "10"))
ACCOUNT_MAIL_LIMIT_PER_EMAIL = int(os.environ.get("ACCOUNT_MAIL_LIMIT_PER_EMAIL", "3"))
ACCOUNT_MAIL_THROTTLE_WINDOW_MINUTES = int(
    os.environ.get("ACCOUNT_MAIL_THROTTLE_WINDOW_MINUTES", "60")
)
# Behind a reverse proxy, the request header that carries the client's address (e.g.
# HTTP_X_REAL_IP); its last comma-separated value is used. Empty: REMOTE_ADDR.
CLIENT_ADDRESS_HEADER = os.environ.get("CLIENT_ADDRESS_HEADER", "")
EMAIL_VERIFICATION_MAX_AGE_HOURS = int(os.environ.get("EMAIL_VERIFICATION_MAX_AGE_HOURS", "72"))
INVITATION_MAX_AGE_DAYS = int(os.environ.get("INVITATION_MAX_AGE_DAYS", "14"))
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", str(24 * 3600)))

# The network's default language: for a visitor whose browser asks for none of ours, and
# for mails to an address without an account. One of LANGUAGES.
LANGUAGE_CODE = os.environ.get("DATACOLLAB_LANGUAGE", "en-gb")
# Each language in its own name: the chooser shows them so (docs/guide/languages.md).
LANGUAGES = [
    ("en-gb", "English"),
    ("es", "Español"),
    ("fr", "Français"),
    ("pt", "Português"),
]
if LANGUAGE_CODE not in [code for code, _name in LANGUAGES]:
    raise ImproperlyConfigured(
        f"DATACOLLAB_LANGUAGE={LANGUAGE_CODE!r}: use one of en-gb, es, fr, pt."
    )
# The anonymous visitor's choice; a signed-in person's is saved on their profile.
LANGUAGE_COOKIE_NAME = "datacollab_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
# Dates in the reader's locale: datacollab/formats/<locale>/formats.py (core/dates.py).
FORMAT_MODULE_PATH = ["datacollab.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Private uploads are never served from MEDIA_ROOT by URL; a checked view hands them out, and
# with this prefix set, lets the web server send the bytes (nginx X-Accel-Redirect).
PRIVATE_MEDIA_ACCEL_REDIRECT = os.environ.get("PRIVATE_MEDIA_ACCEL_REDIRECT", "").strip()

DATASETS_STORAGE = os.environ.get("DATASETS_STORAGE", "local").strip().lower()
if DATASETS_STORAGE not in {"local", "s3"}:
    raise ImproperlyConfigured(f"DATASETS_STORAGE={DATASETS_STORAGE!r}: use 'local' or 's3'.")
DATASETS_ROOT = Path(os.environ.get("DATASETS_ROOT", VAR_DIR / "datasets"))
STORAGES: dict[str, Any] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Immutable dataset versions (Parquet). S3-compatible in production via django-storages,
    # which reads AWS_STORAGE_BUCKET_NAME, AWS_S3_ENDPOINT_URL and the AWS_* credentials.
    "datasets": (
        {
            # django-storages' backend, its sessions sharing botocore's parsed API files.
            "BACKEND": "datacollab.datasets.s3_storage.S3Storage",
            "OPTIONS": {
                "bucket_name": os.environ.get("AWS_STORAGE_BUCKET_NAME", ""),
                "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
                "file_overwrite": False,
            },
        }
        if DATASETS_STORAGE == "s3"
        else {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(DATASETS_ROOT)},
        }
    ),
}
# Received files wait here (on local disk, never in memory) until a worker has parsed them.
DATASETS_UPLOAD_DIR = Path(os.environ.get("DATASETS_UPLOAD_DIR", VAR_DIR / "uploads"))
DATASETS_MAX_UPLOAD_BYTES = int(os.environ.get("DATASETS_MAX_UPLOAD_BYTES", str(2 * 1024**3)))
# The parsing worker is a separate process with these limits, so a hostile file cannot
# exhaust the machine.
DATASETS_WORKER_MEMORY_MB = int(os.environ.get("DATASETS_WORKER_MEMORY_MB", "1536"))
DATASETS_WORKER_CPU_SECONDS = int(os.environ.get("DATASETS_WORKER_CPU_SECONDS", "900"))
# Fork each parsing worker from a long-lived process that has the parse's libraries loaded
# (docs/operations.md): false starts a fresh Python process per upload, as before.
DATASETS_INGEST_FORK_SERVER = env_bool("DATASETS_INGEST_FORK_SERVER", default=True)
# A Table Schema given with an upload is refused past these before it is parsed.
DATASETS_SCHEMA_MAX_BYTES = int(os.environ.get("DATASETS_SCHEMA_MAX_BYTES", str(1024**2)))
DATASETS_SCHEMA_MAX_DEPTH = int(os.environ.get("DATASETS_SCHEMA_MAX_DEPTH", "32"))
DATASETS_SCHEMA_MAX_FIELDS = int(os.environ.get("DATASETS_SCHEMA_MAX_FIELDS", "2000"))
# Storage a person, and a data collaboration's datasets, may hold (versions + waiting uploads).
DATASETS_QUOTA_PERSON_BYTES = int(os.environ.get("DATASETS_QUOTA_PERSON_BYTES", str(20 * 1024**3)))
DATASETS_QUOTA_COLLABORATION_BYTES = int(
    os.environ.get("DATASETS_QUOTA_COLLABORATION_BYTES", str(100 * 1024**3))
)
# Rows a version may have: each dataset's own limit (its owner may raise it up to the maximum).
DATASETS_DEFAULT_MAX_ROWS = int(os.environ.get("DATASETS_DEFAULT_MAX_ROWS", "20000000"))
DATASETS_MAX_ROWS_LIMIT = int(os.environ.get("DATASETS_MAX_ROWS_LIMIT", "1000000000"))
# A compressed upload may expand at most this many times its size (past 16 MiB expanded).
DATASETS_MAX_EXPANSION_RATIO = int(os.environ.get("DATASETS_MAX_EXPANSION_RATIO", "100"))
# Hours a refused or invalid upload's file is kept for a retry before datasets-gc removes it.
DATASETS_UPLOAD_RETENTION_HOURS = float(os.environ.get("DATASETS_UPLOAD_RETENTION_HOURS", "24"))
# A processing upload whose worker has not renewed its lease for this long has stopped.
DATASETS_WORKER_LEASE_SECONDS = int(os.environ.get("DATASETS_WORKER_LEASE_SECONDS", "60"))
# Memory (MiB) each app process may give the rows API to hold recently read versions in
# DuckDB (datasets/rows_cache.py); 0 reads every page from the Parquet file.
DATASETS_ROWS_CACHE_MB = int(os.environ.get("DATASETS_ROWS_CACHE_MB", "256"))
# Versions on S3 read by the web (rows API, downloads, previews) are kept on local disk once
# fetched (a version's file never changes), within this budget (datasets/kept_copies.py).
DATASETS_S3_CACHE_MB = int(os.environ.get("DATASETS_S3_CACHE_MB", "2048"))
DATASETS_S3_CACHE_DIR = Path(
    os.environ.get("DATASETS_S3_CACHE_DIR", VAR_DIR / "cache" / "versions")
)
# Datasets per page of the DCAT catalog feeds (Hydra paging, as ckanext-dcat's default).
DCAT_CATALOG_PAGE_SIZE = int(os.environ.get("DCAT_CATALOG_PAGE_SIZE", "100"))
# Uploads above this size go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Email: console in development unless EMAIL_HOST is set; SMTP in production.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
EMAIL_TIMEOUT = 20
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if (PRODUCTION or EMAIL_HOST)
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "datacollab <noreply@localhost>")
# The site's public address: links in mails (and one-click unsubscribe links) are built on it,
# since mail is sent by workers and commands that have no request to read a host from.
SITE_URL = os.environ.get("DATACOLLAB_SITE_URL", "http://localhost:8000").rstrip("/")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# 360Giving export: grant identifiers and the funder named in every grant.
GIVING360_PREFIX = os.environ.get("GIVING360_PREFIX", "360G-datacollab")
GIVING360_FUNDER_ID = os.environ.get("GIVING360_FUNDER_ID", "GB-COH-08317706")
GIVING360_FUNDER_NAME = os.environ.get("GIVING360_FUNDER_NAME", "The Open Data Institute")

NETWORK_NAME = os.environ.get(
    "DATACOLLAB_NETWORK_NAME", "Peer Learning Network for Data Collaborations"
)
# A reviewer gets at most one reminder per call in this many hours, however often asked.
REVIEW_REMINDER_INTERVAL_HOURS = int(os.environ.get("REVIEW_REMINDER_INTERVAL_HOURS", "72"))

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

SESSION_COOKIE_HTTPONLY = True
# Sessions in the database, read by a statement written once per process (core/sessions.py).
# Not cached: the only cache is inside each process (no CACHES), and a logout must end the
# session in every process at once (docs/configuration.md).
SESSION_ENGINE = "datacollab.core.sessions"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    # Probes speak plain HTTP inside the network (the health middleware answers them first
    # anyway; this keeps them unredirected if it is ever moved).
    SECURE_REDIRECT_EXEMPT = [r"^health/"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    if env_bool("SECURE_PROXY_SSL_HEADER", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Logs on standard error: one JSON object per line in production (ops/log_format.py), readable
# text in development; every line carries the request id or the task id.
LOG_FORMAT = os.environ.get("DATACOLLAB_LOG_FORMAT", "json" if PRODUCTION else "text").lower()
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"DATACOLLAB_LOG_FORMAT={LOG_FORMAT!r}: use 'json' or 'text'.")
LOGGING = logging_config(
    log_format=LOG_FORMAT,
    level=os.environ.get("LOG_LEVEL", "WARNING"),
    access_log=env_bool("DATACOLLAB_ACCESS_LOG", default=PRODUCTION),
)
# The task worker (`datacollab worker`) beats this often; /health/ready calls a worker whose
# last beat is older than the threshold stale.
WORKER_HEARTBEAT_SECONDS = float(os.environ.get("WORKER_HEARTBEAT_SECONDS", "10"))
WORKER_HEARTBEAT_STALE_SECONDS = float(os.environ.get("WORKER_HEARTBEAT_STALE_SECONDS", "60"))

# Reply by email (discussion): notification mails carry a Reply-To of
# reply+<signed token>@DISCUSSION_REPLY_DOMAIN, and `datacollab inbound-mail` posts what comes
# back. Empty: no Reply-To, replies by email are off. Tokens expire after this many days.
DISCUSSION_REPLY_DOMAIN = os.environ.get("DISCUSSION_REPLY_DOMAIN", "").strip().lower()
DISCUSSION_REPLY_MAX_AGE_DAYS = int(os.environ.get("DISCUSSION_REPLY_MAX_AGE_DAYS", "30"))
# Largest file attached to a discussion post (bytes); the resource library's file types apply.
DISCUSSION_ATTACHMENT_MAX_BYTES = int(
    os.environ.get("DISCUSSION_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024))
)

# API tiers (api/throttle.py): the site's defaults, used where a steward set no tiers for a
# dataset or its collaboration. Requests per minute and per calendar month (UTC).
API_ANONYMOUS_PER_MINUTE = int(os.environ.get("API_ANONYMOUS_PER_MINUTE", "120"))
API_ANONYMOUS_PER_MONTH = int(os.environ.get("API_ANONYMOUS_PER_MONTH", "10000"))
API_COMMUNITY_PER_MINUTE = int(os.environ.get("API_COMMUNITY_PER_MINUTE", "600"))
API_COMMUNITY_PER_MONTH = int(os.environ.get("API_COMMUNITY_PER_MONTH", "100000"))
API_ENTERPRISE_PER_MINUTE = int(os.environ.get("API_ENTERPRISE_PER_MINUTE", "6000"))
API_ENTERPRISE_PER_MONTH = int(os.environ.get("API_ENTERPRISE_PER_MONTH", "10000000"))
# Off only for a benchmark that wants the bare cost of the endpoints.
API_METERING = env_bool("API_METERING", True)
# The rows operation's lean path (api/rows_fast.py); off: django-ninja serves every request.
API_ROWS_LEAN = env_bool("API_ROWS_LEAN", True)
# Its session-less GETs served beside Django's handler (api/rows_wsgi.py, config/wsgi.py).
API_ROWS_WSGI = env_bool("API_ROWS_WSGI", True)

# The data plane (dataplane/engine.py): which engine runs the aggregate queries and the rows
# query. duckdb (default): in the web process; spark: every version on Apache Spark; auto:
# versions of at least DATA_ENGINE_SPARK_MIN_ROWS rows on Spark, smaller ones on DuckDB.
DATA_ENGINE = os.environ.get("DATA_ENGINE", "duckdb").strip().lower()
if DATA_ENGINE not in {"duckdb", "spark", "auto"}:
    raise ImproperlyConfigured(f"DATA_ENGINE={DATA_ENGINE!r}: use 'duckdb', 'spark' or 'auto'.")
DATA_ENGINE_SPARK_MIN_ROWS = int(os.environ.get("DATA_ENGINE_SPARK_MIN_ROWS", "100000000"))
# Spark (dataplane/spark.py): local[N] runs inside this process's JVM; spark://host:7077 or
# k8s://https://host:443 sends the work to a cluster.
SPARK_MASTER = os.environ.get("SPARK_MASTER", "local[2]").strip()
SPARK_DRIVER_MEMORY = os.environ.get("SPARK_DRIVER_MEMORY", "2g").strip()
SPARK_SHUFFLE_PARTITIONS = int(os.environ.get("SPARK_SHUFFLE_PARTITIONS", "8"))
