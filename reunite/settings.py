"""Django settings for Reunite.

Everything comes from environment variables with safe local defaults, so a fresh clone runs on an
embedded SQLite database with nothing set. Production mode (REUNITE_ENV=production) refuses to
start with an unsafe configuration.
"""

from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from reunite.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("REUNITE_DATA_DIR", "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

PRODUCTION = env_str("REUNITE_ENV", "development") == "production"
DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = env_str("SECRET_KEY", DEV_SECRET_KEY)
DEBUG = env_bool("DEBUG", not PRODUCTION)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("Production mode refuses to start with DEBUG on.")
    if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 32:
        raise ImproperlyConfigured("Production mode needs SECRET_KEY: 32+ random characters.")
    if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
        raise ImproperlyConfigured("Production mode needs ALLOWED_HOSTS naming the real hosts.")

# "required" unless explicitly relaxed: CJIS requires MFA for every account.
REUNITE_MFA = "optional" if env_str("REUNITE_MFA", "required") == "optional" else "required"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI and Redoc served locally: no CDN
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "reunite.core",
    "reunite.audit",
    "reunite.accounts",
    "reunite.agencies",
    "reunite.children",
    "reunite.operations",
    "reunite.intake",
    "reunite.matching",
    "reunite.reports",
    "reunite.documents",
    "reunite.retention",
    "reunite.demo",
    "reunite.api",
    "reunite.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "reunite.accounts.middleware.MFARequiredMiddleware",
    "reunite.web.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "reunite.audit.middleware.RequestContextMiddleware",
    "reunite.audit.middleware.BreakGlassMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "reunite.urls"
WSGI_APPLICATION = "reunite.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'reunite.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Many readers and one writer at a time: WAL lets reads go on while someone writes; a writer
    # takes the lock when its transaction begins (IMMEDIATE), so two writers queue for up to
    # `timeout` seconds instead of one failing with "database is locked" halfway through.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("REUNITE_SQLITE_TIMEOUT", 30),
        "init_command": "PRAGMA journal_mode=WAL",
    }
if DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql"):
    # No JIT compilation: the pages' counts are short queries over an index, which PostgreSQL's
    # cost model still judges worth compiling (tens of milliseconds each, more than the query).
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Audit events of reads wait here while another writer holds SQLite's lock (reunite.audit.spool).
REUNITE_AUDIT_SPOOL = DATA_DIR / "audit-spool.sqlite3"
# 0: every event is sealed into the chain right after it is stored. More (`reunite serve` sets
# 200): a sealer thread per server process seals what is waiting at most this often, in one short
# transaction instead of one per request. Events are stored at once either way; `reunite audit
# verify` and `reunite backup` seal first.
REUNITE_AUDIT_SEAL_INTERVAL_MS = env_int("REUNITE_AUDIT_SEAL_INTERVAL_MS", 0)

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "reunite.accounts.passwords.BannedPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["reunite.formats"]  # ISO numeric dates in both languages
TIME_ZONE = env_str("TIME_ZONE", "America/Denver")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    # Children's photos and documents. Never served from a URL of their own (only through the
    # access-checked view); local files under MEDIA_ROOT by default. An S3-compatible store is a
    # setting away: REUNITE_DOCUMENTS_STORAGE=storages.backends.s3.S3Storage (django-storages).
    "documents": {"BACKEND": env_str("REUNITE_DOCUMENTS_STORAGE",
                                     "django.core.files.storage.FileSystemStorage")},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Uploads: lists of children, not archives. Big enough for a state's NCIC extract.
# reunite.core.uploads.check_upload refuses anything else (type and size) before it is read.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 10
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
REUNITE_MAX_UPLOAD_BYTES = env_int("REUNITE_MAX_UPLOAD_BYTES", 25 * 1024 * 1024)
# Bounds on a list before and while it is read (reunite.core.uploads): one path for page, API, CLI.
# A workbook's parts once unzipped; its declared and actual rows and columns; one cell's length
# (Excel's own limit); and the seconds reading and checking may take.
REUNITE_INTAKE_MAX_EXPANDED_BYTES = env_int("REUNITE_INTAKE_MAX_EXPANDED_BYTES", 200 * 1024 * 1024)
REUNITE_INTAKE_MAX_ROWS = env_int("REUNITE_INTAKE_MAX_ROWS", 200_000)
REUNITE_INTAKE_MAX_COLUMNS = env_int("REUNITE_INTAKE_MAX_COLUMNS", 200)
REUNITE_INTAKE_MAX_CELL_CHARS = env_int("REUNITE_INTAKE_MAX_CELL_CHARS", 32_767)
# A page or API request reads within REUNITE_INTAKE_READ_SECONDS, so no upload keeps a web
# worker busy for long; the background worker and the command line have the longer bound.
REUNITE_INTAKE_READ_SECONDS = env_int("REUNITE_INTAKE_READ_SECONDS", 25)
REUNITE_INTAKE_JOB_READ_SECONDS = env_int("REUNITE_INTAKE_JOB_READ_SECONDS", 600)
# An operator's own header spellings (CSV "field,header"), added to reunite/intake/headers.csv.
REUNITE_INTAKE_HEADERS = env_str("REUNITE_INTAKE_HEADERS", "")
# Children's photos and documents (reunite.documents): size limits, checked before decoding.
REUNITE_MAX_PHOTO_BYTES = env_int("REUNITE_MAX_PHOTO_BYTES", 10 * 1024 * 1024)
REUNITE_MAX_PHOTO_PIXELS = env_int("REUNITE_MAX_PHOTO_PIXELS", 40_000_000)
REUNITE_MAX_ATTACHMENT_BYTES = env_int("REUNITE_MAX_ATTACHMENT_BYTES", 25 * 1024 * 1024)

# Background jobs (large imports) queue in the database itself: the embedded SQLite default needs
# no extra server, and PostgreSQL gets the same queue. `reunite worker` runs them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A file with more rows than this is imported by a background job rather than in the request.
REUNITE_INTAKE_BACKGROUND_ROWS = env_int("REUNITE_INTAKE_BACKGROUND_ROWS", 2000)
# Files waiting for (or being imported by) a job, and their progress.
REUNITE_INTAKE_JOBS_DIR = DATA_DIR / "intake-jobs"
# A running job whose worker has not written a heartbeat for this long has died: it is failed.
REUNITE_INTAKE_JOB_STALE_SECONDS = env_int("REUNITE_INTAKE_JOB_STALE_SECONDS", 60)
# PFIF record ids are "domain/local-id": the domain names the repository that issued them.
REUNITE_PFIF_DOMAIN = env_str("REUNITE_PFIF_DOMAIN", "reunite.local")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "reunite.api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Bodies are JSON; the views that take files declare multipart themselves.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "reunite.api.errors.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "reunite.api.pagination.CursorlessPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Reunite API",
    "DESCRIPTION": "Multi-agency operations to locate and recover missing minors.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "reunite.api.schema.typed_ids",
    ],
    "ENUM_NAME_OVERRIDES": {
        "TargetStatusEnum": "reunite.operations.models.TargetStatus",
        "NCICStatusEnum": "reunite.children.models.NCICEntry.Status",
        "OpenClosedStatusEnum": "reunite.children.models.LocalCase.Status",
    },
}

# Account security (CJIS Security Policy): lockout after 5 failures in 15 minutes, until released
# (`reunite unlock USER`, or the admin's "release lockout" action).
AXES_FAILURE_LIMIT = 5
REUNITE_LOCKOUT_WINDOW_MINUTES = 15
AXES_COOLOFF_TIME = None
AXES_HANDLER = "reunite.accounts.lockout.WindowedLockoutHandler"
AXES_LOCKOUT_CALLABLE = "reunite.accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False
# CJIS locks the account, whatever address the attempts come from; axes warns about that choice.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# CJIS: the session locks after at most 30 minutes idle; a shorter idle time may be configured.
SESSION_COOKIE_AGE = min(env_int("REUNITE_SESSION_IDLE_SECONDS", 30 * 60), 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True  # idle timeout: the 30 minutes restart on every request
# Django's database sessions; a mere refresh never waits for another writer (SQLite).
SESSION_ENGINE = "reunite.core.sessions"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# CJIS: one session per user unless justified; a new sign-in ends the others.
REUNITE_CONCURRENT_SESSIONS = env_bool("REUNITE_CONCURRENT_SESSIONS", False)
OTP_TOTP_ISSUER = "Reunite"
# API tokens expire this many hours after they are issued (0: never).
REUNITE_TOKEN_TTL_HOURS = env_int("REUNITE_TOKEN_TTL_HOURS", 24)
# CJIS: audit records are kept at least one year. Nothing in Reunite deletes them.
REUNITE_AUDIT_RETENTION_DAYS = max(env_int("REUNITE_AUDIT_RETENTION_DAYS", 366), 366)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host- cookies are only accepted over HTTPS, for this exact host, on every path.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content Security Policy (django-csp 4): everything from this server, nothing inline but what
# carries the per-request nonce (`nonce="{{ request.csp_nonce }}"`). htmx is served locally and
# its inline indicator styles are switched off (base.html's htmx-config).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
