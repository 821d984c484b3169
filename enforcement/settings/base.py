"""Settings shared by every environment. Everything that differs between machines is read from the
environment (cookiecutter-django style); the defaults give the embedded setup: SQLite and Celery's
filesystem transport, so `make run` needs nothing installed."""

import json
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name, default=False):
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "insecure-dev-key-change-me")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "enforcement.org",
    "enforcement.audit",
    "enforcement.workflow",
    "enforcement.workdays",
    "enforcement.catalog",
    "enforcement.documents",
    "enforcement.files",
    "enforcement.notifications",
    "enforcement.approvals",
    "enforcement.stats",
    "enforcement.imports",
    "complaints",
    "complaints.open311",
    "cases",
    "penalties",
    "campaigns",
]

MIDDLEWARE = [
    "enforcement.logging.RequestIDMiddleware",  # first: every later record carries the request's id
    "enforcement.health.HealthCheckMiddleware",  # before the host check and the HTTPS redirect (probes)
    "django.middleware.security.SecurityMiddleware",
    "enforcement.security.SecurityHeadersMiddleware",  # Content-Security-Policy, Permissions-Policy
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "enforcement.audit.middleware.AuditSourceMiddleware",
    "enforcement.replicas.ReplicaStickinessMiddleware",  # read-your-writes with a replica; idle without one
]

ROOT_URLCONF = "enforcement.urls"
WSGI_APPLICATION = "enforcement.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "enforcement.org.context_processors.navigation",
                "enforcement.notifications.context_processors.unread_notifications",
            ],
        },
    }
]

# --- Database: SQLite by default, PostgreSQL via DATABASE_URL -----------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    # An empty DATABASE_URL counts as unset (production refuses both).
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "").strip() or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the worker writes; the timeout waits out short locks.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# A streaming replica of the primary (enforcement/replicas.py): the lists, the inbox and the exports read it;
# writes, locks, sweeps and numbers stay on the primary. Unset: one database, as before.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "").strip()
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60"))
    )
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.postgresql":
        # An unreachable replica costs a list this long once per REPLICA_CHECK_SECONDS, then the primary answers.
        DATABASES["replica"].setdefault("OPTIONS", {}).setdefault(
            "connect_timeout", int(os.environ.get("DB_REPLICA_CONNECT_TIMEOUT", "2"))
        )
DATABASE_ROUTERS = ["enforcement.replicas.PrimaryReplicaRouter"]
REPLICA_STICKY_SECONDS = int(
    os.environ.get("REPLICA_STICKY_SECONDS", "15")
)  # after a save, the user reads the primary
REPLICA_MAX_LAG_SECONDS = float(
    os.environ.get("REPLICA_MAX_LAG_SECONDS", "30")
)  # further behind: read the primary
REPLICA_CHECK_SECONDS = float(os.environ.get("REPLICA_CHECK_SECONDS", "5"))  # how often each process asks
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# A kept connection (DB_CONN_MAX_AGE) is checked before a request reuses it, so a database restart or a
# failover costs no request an error. DATABASE_POOLER=pgbouncer: the processes reach PostgreSQL through
# PgBouncer in transaction mode (var/readme/pooling.md), where consecutive transactions of one connection
# may run on different server connections: no server-side cursors then (a streamed export's `.iterator()`
# fetches each query's rows at once instead; EXPORT_MAX_ROWS bounds them).
DATABASE_POOLER = os.environ.get("DATABASE_POOLER", "").strip().lower()
if DATABASE_POOLER not in {"", "pgbouncer"}:
    raise ImproperlyConfigured(f"DATABASE_POOLER must be empty or 'pgbouncer', not {DATABASE_POOLER!r}.")
for _database in DATABASES.values():  # the primary and the replica alike
    if _database["ENGINE"] == "django.db.backends.postgresql":
        _database["CONN_HEALTH_CHECKS"] = True
        _database["DISABLE_SERVER_SIDE_CURSORS"] = DATABASE_POOLER == "pgbouncer"

# --- Cache: Redis via CACHE_URL (else REDIS_URL), else memory of each process --------------------
# The cached choices (enforcement/caching.py), the login throttles (enforcement/org/auth.py) and the API
# throttles live here: with Redis every web process and worker sees one copy, and dropping a list reaches
# them all. CACHE_URL may name another database of the broker's Redis (redis://host:6379/1).
CACHE_URL = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL", "")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "enforcement.caching.PrefixedRedisCache",  # Django's, with a clear() of its own keys
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "chengguan"),
            # A hung Redis fails a request (and the readiness probe) in 2 s instead of holding it.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Users and login -----------------------------------------------------------------------------
AUTH_USER_MODEL = "org.User"
AUTHENTICATION_BACKENDS = ["enforcement.org.auth.LockoutModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Lockout after repeated failures (per username): attempts and how long the lock lasts.
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_LOCKOUT_MINUTES = int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15"))
# Password spraying (many usernames, one address): after LOGIN_ADDRESS_FAILURE_LIMIT failures from one
# address within LOGIN_ADDRESS_WINDOW_MINUTES, that address is refused for LOGIN_ADDRESS_LOCKOUT_MINUTES.
# Counted in the cache (CACHES), so with Redis across every web process.
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT", "30"))
LOGIN_ADDRESS_WINDOW_MINUTES = int(os.environ.get("LOGIN_ADDRESS_WINDOW_MINUTES", "15"))
LOGIN_ADDRESS_LOCKOUT_MINUTES = int(os.environ.get("LOGIN_ADDRESS_LOCKOUT_MINUTES", "15"))
# Behind a reverse proxy every request comes from the proxy's address: name the header the proxy sets to
# the client's address (e.g. "X-Forwarded-For"; its last entry is taken, the one the proxy added). Empty:
# REMOTE_ADDR. Set it only behind a proxy that sets the header, or a client picks its own address.
LOGIN_TRUSTED_PROXY_HEADER = os.environ.get("LOGIN_TRUSTED_PROXY_HEADER", "")
SESSION_COOKIE_AGE = 60 * 60 * 10  # one working day
# An API token (enforcement/org/tokens.py) works this many days after it was issued; then sign in again.
API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", "30"))

# --- Languages: Simplified Chinese by default, complete English ----------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_TZ = True

# --- Static and media ----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Evidence, attachments and issued documents' PDFs: MEDIA_ROOT on this machine, or with STORAGE_BACKEND=s3 a
# private bucket of an S3-compatible object store (MinIO, Ceph, a cloud bucket) that every web process and
# worker shares. A download is checked by the app first, then streamed, or redirected to a signed URL of
# that one object valid S3_SIGNED_URL_SECONDS (S3_REDIRECT_DOWNLOADS=0: streamed through the app, for a
# store the browsers cannot reach). enforcement/files/downloads.py.
STORAGE_BACKEND = os.environ.get("STORAGE_BACKEND", "").strip().lower() or "filesystem"
S3_REDIRECT_DOWNLOADS = env_bool("S3_REDIRECT_DOWNLOADS", True)


def s3_storage(env):
    """The `default` storage of STORAGE_BACKEND=s3, from the environment `env` (django-storages' S3Storage)."""
    from botocore.config import Config

    bucket = env.get("S3_BUCKET", "").strip()
    if not bucket:
        raise ImproperlyConfigured("S3_BUCKET must be set with STORAGE_BACKEND=s3: the bucket of the files.")
    endpoint = env.get("S3_ENDPOINT_URL", "").strip() or None  # None: Amazon S3 itself
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint,
            "access_key": env.get("S3_ACCESS_KEY_ID") or None,  # None: boto3's own lookup (an instance role)
            "secret_key": env.get("S3_SECRET_ACCESS_KEY") or None,
            "region_name": env.get("S3_REGION") or None,
            "default_acl": None,  # the bucket's own (private): objects are read through signed URLs only
            "querystring_auth": True,
            "querystring_expire": int(env.get("S3_SIGNED_URL_SECONDS", "60")),
            "file_overwrite": False,  # as on disk: a name taken gets a suffix, a stored file is never replaced
            "client_config": Config(
                # MinIO and Ceph address buckets by path; Amazon S3 by host name.
                s3={
                    "addressing_style": env.get("S3_ADDRESSING_STYLE") or ("path" if endpoint else "virtual")
                },
                signature_version="s3v4",
                # An unreachable store fails the request (and the readiness probe) in seconds, not minutes.
                connect_timeout=int(env.get("S3_CONNECT_TIMEOUT", "5")),
                read_timeout=int(env.get("S3_READ_TIMEOUT", "60")),
                retries={"max_attempts": 3, "mode": "standard"},
            ),
        },
    }


def s3_download_sources(env):
    """The CSP sources of the signed URLs a download redirects to: the pages' photos are shown from there."""
    from urllib.parse import urlsplit

    endpoint = urlsplit(env.get("S3_ENDPOINT_URL", "").strip())
    if not endpoint.netloc:  # Amazon S3's own hosts (a bucket's name in the host)
        return ["https://*.amazonaws.com", "https://*.amazonaws.com.cn"]
    if env.get("S3_ADDRESSING_STYLE") == "virtual":
        return [f"{endpoint.scheme}://{env['S3_BUCKET'].strip()}.{endpoint.netloc}"]
    return [f"{endpoint.scheme}://{endpoint.netloc}"]


if STORAGE_BACKEND == "s3":
    STORAGES["default"] = s3_storage(os.environ)
elif STORAGE_BACKEND != "filesystem":
    raise ImproperlyConfigured(f"STORAGE_BACKEND must be filesystem or s3, not {STORAGE_BACKEND!r}.")

# The largest attachment accepted, per file (enforcement/files); a larger upload is refused unread.
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", str(20 * 1024 * 1024)))
# An issued document's PDF is rendered by a Celery worker after the issuing commit (off the request path);
# False renders it right after the commit, in the issuing process. Either way a download renders a missing one.
DOCUMENTS_RENDER_ASYNC = os.environ.get("DOCUMENTS_RENDER_ASYNC", "1") not in ("0", "false", "False", "")
# Each process of a worker that renders the PDFs renders a line of the paper's fonts as it starts
# (enforcement/documents/tasks.py), so no document waits about 1 s for WeasyPrint and the CJK fonts to load.
DOCUMENTS_PDF_WARM_UP = os.environ.get("DOCUMENTS_PDF_WARM_UP", "1") not in ("0", "false", "False", "")
# Files of a form that failed are kept this long for its corrected submission.
PENDING_UPLOAD_HOURS = int(os.environ.get("PENDING_UPLOAD_HOURS", "24"))
# Open311 (complaints/open311): GeoReport v2 lets anyone read a request by its id; a closed deployment
# may require an api_key for reads as well (POST always needs one).
OPEN311_READS_NEED_KEY = env_bool("OPEN311_READS_NEED_KEY")
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- REST API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "enforcement.org.api.authentication.ApiTokenAuthentication",  # hashed, expiring (org/tokens.py)
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "enforcement.filters.FilterBackend",  # numeric filters bounded (enforcement/filters.py)
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "enforcement.api_utils.StandardPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_SCHEMA_CLASS": "enforcement.schema.AutoSchema",  # documents the error responses
    "EXCEPTION_HANDLER": "enforcement.api_utils.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"login": "30/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "城管执法办案平台 API",
    "DESCRIPTION": "REST API of the case-management platform for city administrative law-enforcement bureaus.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",  # tags per resource ("complaints", "approvals"), not one "v1"
    "ENUM_NAME_OVERRIDES": {
        "ParamUnitEnum": "enforcement.catalog.choices.ParamUnit",
        "PeriodUnitEnum": "enforcement.workdays.periods.PeriodUnit",
        "ComplaintChannelEnum": "complaints.choices.Channel",
        "NotificationChannelEnum": "enforcement.notifications.models.Channel",
        "ApprovalDecisionEnum": "enforcement.approvals.choices.ApprovalDecision",
        "ApprovalDecisionActionEnum": "enforcement.approvals.choices.DECISION_ACTIONS",
        "DocumentStatusEnum": "enforcement.documents.choices.DocumentStatus",
        "DocumentActionEnum": "enforcement.documents.permissions.ACTS",
        # The complaints' names from before documents had a status and allowed actions too:
        "StatusEnum": "complaints.choices.ComplaintStatus",
        "AllowedActionsEnum": "complaints.workflow.WORKFLOW.transitions",
        # Shared by several components (a complaint's files and a case's evidence; a case's list and detail):
        "FileKindEnum": "enforcement.files.choices.FileKind",
        "CaseStatusEnum": "cases.choices.CaseStatus",
        "CaseSourceEnum": "cases.choices.CaseSource",
        # The penalties' (their field names — status, kind, channel, outcome — are shared with other apps):
        "ExecutionStatusEnum": "penalties.choices.ExecutionStatus",
        "SeizureStatusEnum": "penalties.choices.SeizureStatus",
        "DemolitionStatusEnum": "penalties.choices.DemolitionStatus",
        "SeizureEndingEnum": "penalties.api.serializers.SEIZURE_ENDINGS",
        "StatementLineStatusEnum": "penalties.models.LineStatus",
        "ReviewKindEnum": "penalties.choices.ReviewKind",
        "ReviewOutcomeEnum": "penalties.choices.ReviewOutcome",
        "ReviewOutcomeGivenEnum": "penalties.api.serializers.OUTCOMES",
        "SeizureKindEnum": "penalties.choices.SeizureKind",
        "SeizedItemKindEnum": "penalties.choices.ItemKind",
        "PaymentChannelEnum": "penalties.choices.PaymentChannel",
        "StatementChannelEnum": "penalties.api.serializers.STATEMENT_CHANNELS",
        # The campaigns' (kind, status, procedure are names other apps use too):
        "CampaignKindEnum": "campaigns.choices.CampaignKind",
        "CampaignStatusEnum": "campaigns.choices.CampaignStatus",
        "PartnerDepartmentEnum": "campaigns.choices.Partner",
        "RectificationItemKindEnum": "campaigns.choices.ItemKind",
        "RectificationItemStatusEnum": "campaigns.choices.ItemStatus",
        "EscalationProcedureEnum": "campaigns.choices.EscalationProcedure",
        "ProcedureEnum": "cases.choices.Procedure",  # its name before the escalations' procedure
    },
}


# --- Celery: Redis via REDIS_URL, else the filesystem transport ---------------------------------
def filesystem_broker(folder):
    """kombu's filesystem transport in `folder` (made if missing)."""
    folder.mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(folder),
        "data_folder_out": str(folder),
        "processed_folder": str(folder / "processed"),
        "control_folder": str(folder / "control"),
        "store_processed": False,
    }


REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_DIR = Path(os.environ.get("CELERY_BROKER_DIR", VAR_DIR / "celery-broker"))
if os.environ.get("CELERY_BROKER_URL"):
    # Any broker kombu speaks, named outright: RabbitMQ (amqp://user:password@host:5672/vhost), Redis behind
    # Sentinel (sentinel://host1:26379;sentinel://host2:26379, with {"master_name": …} as the options)…
    CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"]
    CELERY_BROKER_TRANSPORT_OPTIONS = json.loads(os.environ.get("CELERY_BROKER_TRANSPORT_OPTIONS") or "{}")
elif REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = filesystem_broker(CELERY_BROKER_DIR)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A process reports alive after its start (the PDF warm-up, about 1 s, more on a busy machine): 4 s by default.
CELERY_WORKER_PROC_ALIVE_TIMEOUT = float(os.environ.get("CELERY_WORKER_PROC_ALIVE_TIMEOUT", "20"))
CELERY_TIMEZONE = TIME_ZONE
# Heavy work on a queue of its own, so a burst of PDFs never delays the reminder sweeps (default queue
# "celery"); a worker must consume both (`-Q celery,heavy`, bin/run-dev) or each has its own (compose).
CELERY_TASK_ROUTES = {
    "enforcement.documents.tasks.*": {"queue": "heavy"},
    # A range recomputed on demand; the nightly run stays on the default queue, as every scheduled task.
    "enforcement.stats.tasks.recompute_months_task": {"queue": "heavy"},
    "enforcement.imports.tasks.run_import_task": {"queue": "heavy"},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Beat on several hosts (var/readme/beat.md): with Redis the schedule and a lock live there (celery-redbeat);
# only the beat holding the lock sends, the others wait and take over within REDBEAT_LOCK_TIMEOUT seconds
# of its death. Without Redis the file scheduler above: run exactly one beat.
if REDIS_URL:
    CELERY_BEAT_SCHEDULER = "enforcement.beat.ResilientRedBeatScheduler"  # redbeat, outliving an outage
    CELERY_REDBEAT_REDIS_URL = os.environ.get("REDBEAT_REDIS_URL", REDIS_URL)
    CELERY_REDBEAT_REDIS_OPTIONS = {"socket_connect_timeout": 5, "socket_timeout": 5, "retry_period": 30}
    CELERY_REDBEAT_KEY_PREFIX = os.environ.get("REDBEAT_KEY_PREFIX", "chengguan:redbeat")
    # The holder renews the lock, and a waiting beat tries for it, at least every BEAT_MAX_INTERVAL seconds.
    CELERY_BEAT_MAX_LOOP_INTERVAL = int(os.environ.get("BEAT_MAX_INTERVAL", "5"))
    CELERY_REDBEAT_LOCK_TIMEOUT = int(os.environ.get("REDBEAT_LOCK_TIMEOUT", "30"))
CELERY_BEAT_SCHEDULE = {}
# Reminder sweep period in seconds (PRODUCT §8).
REMINDER_SWEEP_SECONDS = int(os.environ.get("REMINDER_SWEEP_SECONDS", "300"))
# Between full sweeps each sweep reads only what became due or changed since the last one; a full sweep
# reads every live record in its warning period or overdue, at least this often.
REMINDER_FULL_SWEEP_SECONDS = int(os.environ.get("REMINDER_FULL_SWEEP_SECONDS", "3600"))
# A record saved this long before the last sweep still counts as changed since (its transaction may have
# committed after that sweep read).
REMINDER_CHANGE_MARGIN_SECONDS = int(os.environ.get("REMINDER_CHANGE_MARGIN_SECONDS", "600"))
CELERY_BEAT_SCHEDULE["send-due-reminders"] = {
    "task": "enforcement.notifications.tasks.send_due_reminders_task",
    "schedule": REMINDER_SWEEP_SECONDS,
}
CELERY_BEAT_SCHEDULE["retry-deliveries"] = {
    "task": "enforcement.notifications.tasks.retry_deliveries_task",
    "schedule": min(60, REMINDER_SWEEP_SECONDS),
}
CELERY_BEAT_SCHEDULE["requeue-waiting-imports"] = {
    "task": "enforcement.imports.tasks.requeue_waiting_imports_task",
    "schedule": 300,
}
CELERY_BEAT_SCHEDULE["purge-pending-uploads"] = {
    "task": "enforcement.files.tasks.purge_pending_uploads_task",
    "schedule": 3600,
}
# Statistics (PRODUCT §9): the current and previous month, and every submitted month, each night at
# STATS_NIGHTLY_AT local time (HH:MM).
_stats_hour, _stats_minute = os.environ.get("STATS_NIGHTLY_AT", "02:30").split(":")
CELERY_BEAT_SCHEDULE["recompute-statistics"] = {
    "task": "enforcement.stats.tasks.recompute_recent_months_task",
    "schedule": crontab(hour=int(_stats_hour), minute=int(_stats_minute)),
}

# --- Email ---------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Seconds before an unanswering mail server counts as a failed delivery (retried), not a hung worker.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@chengguan.local")

# --- Notifications: reminder channels (PRODUCT §8) ------------------------------------------------
# Links in emails and webhook messages are absolute: the address users open the app at.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
NOTIFICATIONS_EMAIL_ENABLED = env_bool("NOTIFICATIONS_EMAIL_ENABLED", True)
# A city's SMS gateway: reminders are POSTed there as JSON signed with HMAC-SHA256 of the secret.
NOTIFICATIONS_WEBHOOK_URL = os.environ.get("NOTIFICATIONS_WEBHOOK_URL", "")
NOTIFICATIONS_WEBHOOK_SECRET = os.environ.get("NOTIFICATIONS_WEBHOOK_SECRET", "")
NOTIFICATIONS_WEBHOOK_TIMEOUT = float(os.environ.get("NOTIFICATIONS_WEBHOOK_TIMEOUT", "10"))
# Failed deliveries are retried after 1, 2, 4, … minutes; after this many tries they wait for an admin.
NOTIFICATIONS_MAX_ATTEMPTS = int(os.environ.get("NOTIFICATIONS_MAX_ATTEMPTS", "8"))
NOTIFICATIONS_RETRY_BASE_SECONDS = int(os.environ.get("NOTIFICATIONS_RETRY_BASE_SECONDS", "60"))
# A delivery still pending this long after it was queued is queued again (its message was lost).
NOTIFICATIONS_PENDING_GRACE_SECONDS = int(os.environ.get("NOTIFICATIONS_PENDING_GRACE_SECONDS", "600"))

# --- Working hours used by working-hour deadlines -----------------------------------------------
WORKDAY_START = os.environ.get("WORKDAY_START", "09:00")
WORKDAY_END = os.environ.get("WORKDAY_END", "17:30")

# --- Maps: the tile URL is a setting; forms work with no tiles reachable -----------------------
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")
# The tile server's credit line, shown on the maps that draw its tiles (HTML allowed: a link to its terms).
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "")

# --- Content security policy and Permissions-Policy of every page (enforcement/security.py) ----------------
# Only the app's own scripts and styles run: no inline script, event-handler attribute or style attribute in
# the templates. The origin of MAP_TILE_URL is added to img-src. A response with a policy of its own keeps it.
CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:", "blob:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    # No page is framed, as X_FRAME_OPTIONS (DENY) says too; the one framed response, a document's print view
    # inside its page, names its own policy with frame-ancestors 'self' (and X-Frame-Options SAMEORIGIN).
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
X_FRAME_OPTIONS = "DENY"  # for browsers without CSP's frame-ancestors: the same rule
if STORAGE_BACKEND == "s3" and S3_REDIRECT_DOWNLOADS:
    # A photo on a page is the app's download, redirected to the object store's signed URL (enforcement/files).
    CONTENT_SECURITY_POLICY["img-src"] += s3_download_sources(os.environ)
# The patrol and intake forms read the device's location; a photo comes through the file input, which needs
# no camera permission.
PERMISSIONS_POLICY = {"geolocation": ["self"], "camera": [], "microphone": [], "payment": [], "usb": []}

# --- Health: /health/ready/ answers within this many seconds, a part not answering by then fails --------
HEALTH_CHECK_TIMEOUT = float(os.environ.get("HEALTH_CHECK_TIMEOUT", "2"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint and fontTools log every step of a PDF at INFO (documents' renderer).
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

SESSION_ENGINE = "django.contrib.sessions.backends.db"
