"""Vanthu settings: one module, every value from the environment with a safe default.

Each setting that an operator may change is read here, once, with its meaning beside it.
See README.md ("Configuration") for the full list.
"""

from __future__ import annotations

import os
import sys
from datetime import time, timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

# VANTHU_DEMO: demo mode (`vanthu demo`). Allows a generated secret key and the demo data.
DEMO = env.bool("VANTHU_DEMO", default=False)

# VANTHU_TESTING: set by the test run (pytest is imported before settings load under pytest).
TESTING = env.bool("VANTHU_TESTING", default="pytest" in sys.modules)

# DJANGO_DEBUG: never on unless asked for.
DEBUG = env.bool("DJANGO_DEBUG", default=False)

# VANTHU_VAR_DIR: where the embedded default keeps its database, files and logs.
VAR_DIR = Path(env.str("VANTHU_VAR_DIR", default=str(BASE_DIR / "var")))


def _secret_key() -> str:
    """Return the secret key; fail closed outside demo, test and debug mode."""
    key: str = env.str("DJANGO_SECRET_KEY", default="")
    if key:
        return key
    if DEMO or DEBUG or TESTING:
        # A per-installation key kept under var/, so sessions survive restarts of the demo.
        key_file = VAR_DIR / "secret_key"
        if key_file.exists():
            return key_file.read_text().strip()
        import secrets

        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        key_file.write_text(key)
        key_file.chmod(0o600)
        return key
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is not set. Set it, or run `vanthu demo` for a demonstration."
    )


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks_db",
    "vanthu.core",
    "vanthu.organizations",
    "vanthu.registry",
    "vanthu.texts",
    "vanthu.intake",
    "vanthu.search",
    "vanthu.signatures",
    "vanthu.workflow",
    "vanthu.exchange",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "vanthu.organizations.middleware.ActorMiddleware",
    "vanthu.organizations.otp_middleware.SecondFactorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "vanthu.config.urls"
WSGI_APPLICATION = "vanthu.config.wsgi.application"
ASGI_APPLICATION = "vanthu.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "vanthu" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "vanthu.core.context_processors.vanthu",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# DATABASE_URL: e.g. postgres://user:pass@host:5432/vanthu. Default: SQLite under VANTHU_VAR_DIR.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default="sqlite:///" + str(VAR_DIR / "vanthu.sqlite3")),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite cannot create the directory of its file: `vanthu migrate` on a fresh machine.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL and a busy timeout let the web server and the worker share one SQLite file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        }
    )
# Connections are kept between requests and between a worker's polls: opening one costs more
# than most queries (on SQLite, the file and its pragmas; a worker polls 20 times a second).
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("TEST", {})
if env.str("VANTHU_TEST_DATABASE_NAME", default=""):
    DATABASES["default"]["TEST"]["NAME"] = env.str("VANTHU_TEST_DATABASE_NAME")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Files ----------------------------------------------------------------------------------
# VANTHU_S3_BUCKET: when set, stored files go to S3-compatible object storage.
# VANTHU_S3_ENDPOINT_URL, VANTHU_S3_REGION, AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY complete it.
MEDIA_ROOT = VAR_DIR / "files"
S3_BUCKET = env.str("VANTHU_S3_BUCKET", default="")
if S3_BUCKET:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env.str("VANTHU_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("VANTHU_S3_REGION", default="") or None,
            "addressing_style": env.str("VANTHU_S3_ADDRESSING_STYLE", default="path"),
            "file_overwrite": False,
            "default_acl": None,
            "querystring_auth": True,
        },
    }
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(MEDIA_ROOT)},
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            # Demo and tests run without collectstatic (the manifest exists only after it).
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or DEMO or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "vanthu" / "static"]
# Serve app static files without collectstatic in tests and demo (whitenoise finders).
WHITENOISE_USE_FINDERS = True
if DEBUG or DEMO or TESTING:
    # Nothing is collected there in these modes; whitenoise only needs the folder to exist.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_AUTOREFRESH = DEBUG

# --- Background tasks -----------------------------------------------------------------------
# django.tasks with the database backend: a task is enqueued in the same transaction as the
# change that causes it (ADR 0003).
TASKS = {
    "default": {
        "BACKEND": env.str("VANTHU_TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
    }
}

# --- Scanning batches of the intake (ADR 0022) ----------------------------------------------
# Limits of one batch (lô quét): pages, files, total size; each file also obeys
# VANTHU_MAX_UPLOAD_MB. A batch beyond them is refused with nothing stored.
VANTHU_SCAN_MAX_PAGES = env.int("VANTHU_SCAN_MAX_PAGES", default=300)
VANTHU_SCAN_MAX_FILES = env.int("VANTHU_SCAN_MAX_FILES", default=300)
VANTHU_SCAN_MAX_TOTAL_MB = env.int("VANTHU_SCAN_MAX_TOTAL_MB", default=200)

# --- Exchange with other systems (ADR 0018) -------------------------------------------------
# VANTHU_EXCHANGE_MAX_ATTEMPTS: sendings of a packet before it is marked failed (clerk retries).
EXCHANGE_MAX_ATTEMPTS = env.int("VANTHU_EXCHANGE_MAX_ATTEMPTS", default=8)
# VANTHU_EXCHANGE_RETRY_SECONDS: first back-off; it doubles at each failed attempt.
EXCHANGE_RETRY_SECONDS = env.float("VANTHU_EXCHANGE_RETRY_SECONDS", default=30.0)
# VANTHU_EXCHANGE_MAX_PACKET_BYTES: the largest packet the exchange endpoint reads.
EXCHANGE_MAX_PACKET_BYTES = env.int("VANTHU_EXCHANGE_MAX_PACKET_BYTES", default=64 * 1024 * 1024)
# VANTHU_EXCHANGE_REPLAY_SECONDS: how far a partner's request timestamp may be from our clock.
EXCHANGE_REPLAY_SECONDS = env.int("VANTHU_EXCHANGE_REPLAY_SECONDS", default=300)
# VANTHU_EXCHANGE_SIGNING_KEY / VANTHU_EXCHANGE_SIGNING_CERT: PEM files of the key that signs
# the packets this instance sends (XML-DSig, ADR 0017); unset: packets go unsigned.
EXCHANGE_SIGNING_KEY = env.str("VANTHU_EXCHANGE_SIGNING_KEY", default="")
EXCHANGE_SIGNING_CERT = env.str("VANTHU_EXCHANGE_SIGNING_CERT", default="")
# VANTHU_EXCHANGE_TIMEOUT: seconds to wait for a partner's answer.
EXCHANGE_TIMEOUT = env.float("VANTHU_EXCHANGE_TIMEOUT", default=30.0)
# VANTHU_EXCHANGE_SEND_BATCH: due packets one sending task takes at once (a burst goes out in
# batches); VANTHU_EXCHANGE_SEND_CONCURRENCY: packets in flight at once per worker process.
EXCHANGE_SEND_BATCH = env.int("VANTHU_EXCHANGE_SEND_BATCH", default=10)
EXCHANGE_SEND_CONCURRENCY = env.int("VANTHU_EXCHANGE_SEND_CONCURRENCY", default=4)
# VANTHU_EXCHANGE_SEND_TASKS: sending tasks waiting to start at most; a row written while that
# many wait joins their batches instead of queueing a task of its own (ADR 0027).
EXCHANGE_SEND_TASKS = env.int("VANTHU_EXCHANGE_SEND_TASKS", default=2)

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "organizations.Person"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env.int("VANTHU_PASSWORD_MIN_LENGTH", default=10)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Lockout (django-axes): VANTHU_LOGIN_FAILURE_LIMIT failures for one username from one address
# lock that pair for VANTHU_LOGIN_LOCKOUT_MINUTES.
AXES_FAILURE_LIMIT = env.int("VANTHU_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("VANTHU_LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "vanthu.organizations.views.auth.lockout_response"
AXES_IPWARE_PROXY_COUNT = env.int("VANTHU_PROXY_COUNT", default=0)
AXES_VERBOSE = False

# Sessions expire after VANTHU_SESSION_MINUTES of inactivity and when the browser closes.
SESSION_COOKIE_AGE = env.int("VANTHU_SESSION_MINUTES", default=480) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env.bool("VANTHU_SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_REFERRER_POLICY = "same-origin"

# VANTHU_REQUIRE_2FA_FOR_ADMINS: agency and system administrators must use a TOTP second factor.
# Off by default in demo mode and in tests (the tests of the rule turn it on).
REQUIRE_2FA_FOR_ADMINS = env.bool("VANTHU_REQUIRE_2FA_FOR_ADMINS", default=not (DEMO or TESTING))
OTP_TOTP_ISSUER = env.str("VANTHU_TOTP_ISSUER", default="Vanthu")

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = env.str("VANTHU_TIME_ZONE", default="Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True
# Dates are typed day first (dd/mm/yyyy), as everywhere in Vietnam.
FORMAT_MODULE_PATH = ["vanthu.config.formats"]
LOCALE_PATHS = [BASE_DIR / "vanthu" / "locale"]

# --- Province -------------------------------------------------------------------------------
# The province's level-1 code in QCVN 102 agency identifiers. Khánh Hòa's own code is not
# confirmed (standards.md §2.1): set it from the national directory.
PROVINCE_CODE = env.str("VANTHU_PROVINCE_CODE", default="H34")
PROVINCE_NAME = env.str("VANTHU_PROVINCE_NAME", default="Khánh Hòa")

# Office sessions used when an agency has not set its own (standards.md §6; Khánh Hòa's own
# schedule is unconfirmed, so this is configuration).
OFFICE_SESSIONS = [
    (time.fromisoformat(start), time.fromisoformat(end))
    for start, end in (
        part.split("-")
        for part in env.list("VANTHU_OFFICE_SESSIONS", default=["07:00-11:30", "13:30-17:00"])
    )
]
# Handling that is "due soon": at most this many working days before its due date (the
# deadline notices of workflow/scan.py and the monitoring pages; 1 = the working day before).
DUE_SOON_WORKING_DAYS = env.int("VANTHU_DUE_SOON_WORKING_DAYS", default=1)

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: an unauthenticated request gets 401 with `WWW-Authenticate: Token`.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.CursorPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "vanthu.core.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"anon": "60/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Vanthu API",
    "DESCRIPTION": (
        "Exchange, storage and processing of electronic documents for state agencies "
        "(QĐ 22/2017/QĐ-UBND Khánh Hòa)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # One schema name per stored choice set, whichever field uses it.
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "vanthu.organizations.choices.Role",
        "IntakeStateEnum": "vanthu.intake.models.IntakeState",
        "ScanBatchStateEnum": "vanthu.intake.models.BatchState",
        "ScanPageKindEnum": "vanthu.intake.models.PageKind",
        "AgencyKindEnum": "vanthu.organizations.choices.AgencyKind",
        "RegisterKindEnum": "vanthu.registry.choices.RegisterKind",
        "UrgencyEnum": "vanthu.registry.choices.Urgency",
        "IntakeChannelEnum": "vanthu.registry.choices.IntakeChannel",
        "UploadChannelEnum": ["electronic", "paper_scan"],
        "ExchangeModeEnum": "vanthu.registry.choices.ExchangeMode",
        "PurposeEnum": "vanthu.registry.choices.Purpose",
        "OutgoingStatusEnum": "vanthu.registry.choices.OutgoingStatus",
        "IncomingStatusEnum": "vanthu.registry.choices.IncomingStatus",
        "FileRoleEnum": "vanthu.registry.choices.FileRole",
        "SignatureStatusEnum": "vanthu.registry.choices.SignatureStatus",
        "CheckReasonEnum": "vanthu.signatures.models.CheckReason",
        "AssignmentRoleEnum": "vanthu.workflow.choices.AssignmentRole",
        "AssignmentStateEnum": "vanthu.workflow.choices.AssignmentState",
        "SubmissionStateEnum": "vanthu.workflow.choices.SubmissionState",
        "ExtensionStateEnum": "vanthu.workflow.choices.ExtensionState",
        "DraftStateEnum": "vanthu.workflow.choices.DraftState",
        "NotificationKindEnum": "vanthu.workflow.choices.NotificationKind",
        "ReceptionStateEnum": "vanthu.exchange.choices.ReceptionState",
        "ChangeStateEnum": "vanthu.exchange.choices.ChangeState",
        "DeliveryStateEnum": "vanthu.exchange.choices.DeliveryState",
        "RouteEnum": "vanthu.exchange.choices.Route",
        "StatusCodeEnum": "vanthu.exchange.choices.StatusCode",
        "BusinessTypeEnum": "vanthu.exchange.choices.BusinessType",
    },
    # Swagger UI from the installed drf-spectacular-sidecar package: no CDN on an intranet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Mail -----------------------------------------------------------------------------------
# VANTHU_EMAIL_BACKEND: how mail leaves. Default: SMTP; in demo mode, files under
# $VANTHU_VAR_DIR/mail (one .log file per connection), since a demo machine has no mail server.
# VANTHU_SMTP_HOST / _PORT / _USER / _PASSWORD / _TLS: the SMTP server that sends notifications.
EMAIL_BACKEND_NAME = env.str(
    "VANTHU_EMAIL_BACKEND",
    default=(
        "django.core.mail.backends.filebased.EmailBackend"
        if DEMO
        else "django.core.mail.backends.smtp.EmailBackend"
    ),
)
_MAIL_OPTIONS: dict[str, object] = {}
if EMAIL_BACKEND_NAME.endswith("smtp.EmailBackend"):
    _MAIL_OPTIONS = {
        "host": env.str("VANTHU_SMTP_HOST", default="127.0.0.1"),
        "port": env.int("VANTHU_SMTP_PORT", default=25),
        "username": env.str("VANTHU_SMTP_USER", default=""),
        "password": env.str("VANTHU_SMTP_PASSWORD", default=""),
        "use_tls": env.bool("VANTHU_SMTP_TLS", default=False),
        "timeout": 30,
    }
elif EMAIL_BACKEND_NAME.endswith("filebased.EmailBackend"):
    _MAIL_OPTIONS = {"file_path": str(VAR_DIR / "mail")}
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_NAME, "OPTIONS": _MAIL_OPTIONS}}
DEFAULT_FROM_EMAIL = env.str("VANTHU_FROM_EMAIL", default="vanthu@localhost")

# --- Digital signatures (ADR 0014) ----------------------------------------------------------
# VANTHU_PKCS11_MODULE: the PKCS#11 library of the tokens and HSMs keys live in.
PKCS11_MODULE = env.str("VANTHU_PKCS11_MODULE", default="/usr/lib/softhsm/libsofthsm2.so")
# VANTHU_TRUST_ANCHORS_DIR: PEM root certificates trusted for signatures (the Government CA
# and public CAs of Vietnam in production; the demo's test root in the demo).
TRUST_ANCHORS_DIR = Path(
    env.str("VANTHU_TRUST_ANCHORS_DIR", default=str(VAR_DIR / "pki" / "trust"))
)
# VANTHU_CRL_DIR: CRLs (DER or PEM) available offline; with none, revocation is "not checked".
CRL_DIR = Path(env.str("VANTHU_CRL_DIR", default=str(VAR_DIR / "pki" / "crl")))
# VANTHU_SIGNATURE_FETCH: fetch CRLs/OCSP named in certificates over the network.
SIGNATURE_FETCH = env.bool("VANTHU_SIGNATURE_FETCH", default=False)
# VANTHU_TSA_URL: the RFC 3161 timestamp authority; empty signs B-B (no timestamp).
TSA_URL = env.str("VANTHU_TSA_URL", default="")
# VANTHU_TEST_PKI_DIR: the demo's test CA and TSA (never set in production).
TEST_PKI_DIR = env.str("VANTHU_TEST_PKI_DIR", default=str(VAR_DIR / "pki" / "test") if DEMO else "")
if DEMO:
    # The demo's SoftHSM2 tokens live under var/; the children (gunicorn, worker) inherit this.
    os.environ.setdefault("SOFTHSM2_CONF", str(VAR_DIR / "softhsm" / "softhsm2.conf"))
    os.environ.setdefault("VANTHU_DEMO_TOKEN_PIN", "123456")
# VANTHU_SIGNATURES_REQUIRED: "if_certified" (QĐ 22 Điều 3.3: agencies holding certificates
# must sign, so issuing needs both signatures once the agency has its key) or "always".
SIGNATURES_REQUIRED = env.str("VANTHU_SIGNATURES_REQUIRED", default="if_certified")
# Days before a signer certificate expires when the re-validation job adds a document timestamp.
SIGNATURE_RENEW_DAYS = env.int("VANTHU_SIGNATURE_RENEW_DAYS", default=60)

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("VANTHU_LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
