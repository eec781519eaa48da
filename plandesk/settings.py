"""plandesk settings: one file, read from the environment through small helpers."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def envlist(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in env(name, default).split(",") if part.strip()]


DATA_DIR = Path(env("PLANDESK_DATA_DIR", str(PROJECT_DIR / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    configured = env("PLANDESK_SECRET_KEY")
    if configured:
        return configured
    # A key generated once per data folder keeps sessions valid across restarts without a secret in the repo.
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def database_from_url(url: str) -> dict:
    """Turn `spatialite:///path`, `postgis://user:pw@host:port/name` (or postgresql://) into Django's dict."""
    parsed = urlparse(url)
    scheme = parsed.scheme
    if scheme in {"spatialite", "sqlite"}:
        # As SQLAlchemy spells it: spatialite:///relative/path, spatialite:////absolute/path.
        path = unquote(parsed.path)[1:]
        return {
            "ENGINE": "django.contrib.gis.db.backends.spatialite",
            "NAME": path or str(DATA_DIR / "plandesk.sqlite3"),
            "OPTIONS": {
                "timeout": 20,
                # IMMEDIATE takes the write lock at BEGIN, so two writers never both read then collide at upgrade.
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            },
            # Loading the SpatiaLite extension costs tens of milliseconds: keep connections between requests.
            "CONN_MAX_AGE": 600,
            "CONN_HEALTH_CHECKS": True,
        }
    if scheme in {"postgis", "postgres", "postgresql", "pgsql"}:
        options = {key: values[-1] for key, values in parse_qs(parsed.query, keep_blank_values=True).items()}
        # psycopg prepares a statement bound on the server on its 5th execution on a connection (core.sql: the hot
        # paths' statements); `?prepare_threshold=` left empty turns it off, e.g. behind a transaction-mode pooler.
        threshold = options.get("prepare_threshold", "5")
        options["prepare_threshold"] = int(threshold) if threshold.strip() else None
        return {
            "ENGINE": "django.contrib.gis.db.backends.postgis",
            "NAME": unquote(parsed.path.lstrip("/")) or "plandesk",
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "OPTIONS": options,
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    raise ValueError(f"PLANDESK_DATABASE_URL: unsupported scheme {scheme!r} (use spatialite:/// or postgis://)")


SECRET_KEY = _secret_key()
DEBUG = envbool("PLANDESK_DEBUG")
# "production" refuses demo data; anything else is a development or demo installation.
PLANDESK_ENV = env("PLANDESK_ENV", "demo")
ALLOWED_HOSTS = envlist("PLANDESK_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("PLANDESK_CSRF_TRUSTED_ORIGINS")

DATABASES = {
    "default": database_from_url(env("PLANDESK_DATABASE_URL", f"spatialite:///{DATA_DIR / 'plandesk.sqlite3'}")),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
if os.environ.get("PYTEST_VERSION"):
    # Test runs may overlap (developers, CI): each gets its own database. SQLite's is a file rather than the shared
    # in-memory cache, whose table locks ignore the busy timeout and would make concurrency tests meaningless.
    if DATABASES["default"]["ENGINE"].endswith("postgis"):
        DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}
    else:
        import tempfile

        test_file = os.path.join(tempfile.gettempdir(), f"test_plandesk_{os.getpid()}.sqlite3")
        DATABASES["default"]["TEST"] = {"NAME": test_file}

# The bureau's projected CRS: CGCS2000 3-degree Gauss-Krüger zone with central meridian 114°E.
PLANDESK_SRID = envint("PLANDESK_SRID", 4547)

# Domain apps in layers, foundations first (see STYLE.md). Each may offer urls.py, api.py, demo.py, jobs.py, nav.py.
PLANDESK_APPS = [
    # Running the service (health, metrics, the worker's heartbeat): first, so /healthz and /metrics resolve here.
    "plandesk.operations",
    "plandesk.core",
    "plandesk.accounts",
    "plandesk.audit",
    "plandesk.notifications",
    "plandesk.organization",
    "plandesk.workdays",
    "plandesk.catalog",
    "plandesk.handbook",
    "plandesk.gis",
    "plandesk.cases",
    "plandesk.workflow",
    "plandesk.window",
    "plandesk.meetings",
    "plandesk.supervision",
    "plandesk.certificates",
    "plandesk.publicity",
    "plandesk.appointments",
    "plandesk.reports",
    "plandesk.portal",
    "plandesk.phone",
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django_otp",
    "django_otp.plugins.otp_totp",
    *PLANDESK_APPS,
]

MIDDLEWARE = [
    # First: the client address behind a trusted proxy (operations), the request id, the request metrics.
    "plandesk.operations.middleware.TrustedProxyMiddleware",
    "plandesk.operations.middleware.RequestIdMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "plandesk.core.middleware.SecurityHeadersMiddleware",
    # Refuses lone surrogates, non-UTF-8 form text and JSON nested too deep with 400 before any view runs.
    "plandesk.core.input_guard.InputGuardMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "plandesk.core.admin_otp.AdminSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "plandesk.audit.middleware.AuditContextMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "plandesk.urls"
WSGI_APPLICATION = "plandesk.wsgi.application"

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
                "plandesk.core.context_processors.shell",
            ],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
PLANDESK_PASSWORD_MIN_LENGTH = envint("PLANDESK_PASSWORD_MIN_LENGTH", 10)
PLANDESK_PASSWORD_MIN_CLASSES = envint("PLANDESK_PASSWORD_MIN_CLASSES", 3)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PLANDESK_PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": "plandesk.accounts.validators.CharacterClassValidator",
        "OPTIONS": {"min_classes": PLANDESK_PASSWORD_MIN_CLASSES},
    },
]

# Brute-force protection for the login page and the API token endpoint.
PLANDESK_LOGIN_FAILURE_LIMIT = envint("PLANDESK_LOGIN_FAILURE_LIMIT", 5)
PLANDESK_LOGIN_LOCKOUT_MINUTES = envint("PLANDESK_LOGIN_LOCKOUT_MINUTES", 15)
# Failed sign-ins one client address (an IPv6 /64) may make over all usernames per window (password spraying).
PLANDESK_LOGIN_ADDRESS_FAILURES = envint("PLANDESK_LOGIN_ADDRESS_FAILURES", 30)
PLANDESK_LOGIN_ADDRESS_WINDOW_MINUTES = envint("PLANDESK_LOGIN_ADDRESS_WINDOW_MINUTES", 60)
PLANDESK_API_TOKEN_HOURS = envint("PLANDESK_API_TOKEN_HOURS", 12)

# The phone line (/ivr/) answers the IVR platform only: these addresses or networks, or these HTTP Basic credentials.
PLANDESK_PHONE_PLATFORM_ADDRESSES = envlist("PLANDESK_PHONE_PLATFORM_ADDRESSES", "127.0.0.1")
PLANDESK_PHONE_PLATFORM_USER = env("PLANDESK_PHONE_PLATFORM_USER")
PLANDESK_PHONE_PLATFORM_PASSWORD = env("PLANDESK_PHONE_PLATFORM_PASSWORD")

# Idle sessions end: the cookie's age is renewed on every request.
SESSION_COOKIE_AGE = envint("PLANDESK_SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("PLANDESK_STATIC_ROOT", str(DATA_DIR / "static")))
# Front-end libraries from npm, copied at set-up by `plandesk assets` (never committed).
PLANDESK_VENDOR_DIR = Path(env("PLANDESK_VENDOR_DIR", str(PROJECT_DIR / "build" / "vendor")))
STATICFILES_DIRS = [("vendor", PLANDESK_VENDOR_DIR)] if PLANDESK_VENDOR_DIR.is_dir() else []
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(env("PLANDESK_MEDIA_ROOT", str(DATA_DIR / "media")))
MEDIA_URL = "/media/"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# HTTPS deployment: turn on behind TLS (checked by `plandesk check --deploy`).
PLANDESK_HTTPS = envbool("PLANDESK_HTTPS")
if PLANDESK_HTTPS:
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("PLANDESK_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Reverse proxies whose X-Real-IP / X-Forwarded-For name the client (addresses or networks); none: REMOTE_ADDR as
# it is, forwarding headers dropped. `plandesk serve` puts nginx on loopback in front and trusts 127.0.0.1.
PLANDESK_TRUSTED_PROXIES = envlist("PLANDESK_TRUSTED_PROXIES")
# Who may read /metrics (addresses or networks); others get 404. /healthz is open to all.
PLANDESK_METRICS_ADDRESSES = envlist("PLANDESK_METRICS_ADDRESSES", "127.0.0.1,::1")
PLANDESK_HEALTH_MIN_FREE_MB = envint("PLANDESK_HEALTH_MIN_FREE_MB", 512)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# The admin asks administrators for a TOTP code (django-otp). Always on in production; test runs turn it off so that
# the apps' admin tests need no device (core/tests/test_admin_otp.py turns it on).
PLANDESK_ADMIN_OTP = PLANDESK_ENV == "production" or envbool("PLANDESK_ADMIN_OTP", not os.environ.get("PYTEST_VERSION"))
# Audit events are legal evidence: kept for good (the Cybersecurity Law asks for at least six months); the
# application never deletes them (the audit app's ORM guard refuses it; see docs/RELIABILITY.md).
PLANDESK_AUDIT_RETENTION_DAYS = None

PLANDESK_BUREAU_NAME = env("PLANDESK_BUREAU_NAME", "市城乡规划局")
PLANDESK_BUREAU_NAME_EN = env("PLANDESK_BUREAU_NAME_EN", "City Planning Bureau")
PLANDESK_SITE_URL = env("PLANDESK_SITE_URL", "http://127.0.0.1:8000")
PLANDESK_DEMO_PASSWORD = env("PLANDESK_DEMO_PASSWORD", "Demo-2026!")
PLANDESK_WORKER_INTERVAL = envint("PLANDESK_WORKER_INTERVAL", 15)
# Basemap tiles for the maps ({z}/{x}/{y} URL of an internal WMTS/XYZ service, or Tianditu with its key); off: none.
PLANDESK_MAP_TILES = env("PLANDESK_MAP_TILES")
# Working-day deadlines (workdays): a deadline falls at the end of office hours; the yellow light comes this many
# working days before it.
PLANDESK_OFFICE_HOURS_END = env("PLANDESK_OFFICE_HOURS_END", "17:30")
PLANDESK_YELLOW_LEAD_DAYS = envint("PLANDESK_YELLOW_LEAD_DAYS", 1)
# Certificates: the issuing office's administrative division code (in every number), the Ed25519 signing key file
# (generated on first use), the seal image (PNG; none: a drawn seal), whether the certificate step needs its documents
# prepared and checked by a second person (default yes; 0 lets the system draft unchecked ones at issue), and the
# bodies a refusal names for administrative review and litigation.
PLANDESK_AREA_CODE = env("PLANDESK_AREA_CODE", "420100")
PLANDESK_CERTIFICATE_KEY = env("PLANDESK_CERTIFICATE_KEY", str(DATA_DIR / "certificates" / "ed25519-private.pem"))
PLANDESK_CERTIFICATE_SEAL = env("PLANDESK_CERTIFICATE_SEAL")
PLANDESK_CERTIFICATES_REQUIRE_CHECK = envbool("PLANDESK_CERTIFICATES_REQUIRE_CHECK", True)
PLANDESK_REVIEW_AUTHORITY = env("PLANDESK_REVIEW_AUTHORITY", "市人民政府")
PLANDESK_COURT = env("PLANDESK_COURT", "有管辖权的人民法院")
# 告知承诺: a licence issued on a commitment is verified (事后核查) within so many working days after issue; 容缺: the
# applicant is reminded by SMS so many working days before an owed material falls due.
PLANDESK_COMMITMENT_CHECK_DAYS = envint("PLANDESK_COMMITMENT_CHECK_DAYS", 20)
PLANDESK_MATERIAL_REMINDER_DAYS = envint("PLANDESK_MATERIAL_REMINDER_DAYS", 2)
# The case clock (workflow/clock.py): working days to supplement after a 补正 notice, and how a case ends when they pass
# without the supplement ("withdrawn" or "not_accepted"); an extension's most working days and who approves it
# ("head" of the handling office or "director").
PLANDESK_SUPPLEMENT_DAYS = envint("PLANDESK_SUPPLEMENT_DAYS", 10)
PLANDESK_SUPPLEMENT_LAPSE = env("PLANDESK_SUPPLEMENT_LAPSE", "withdrawn")
PLANDESK_EXTENSION_MAX_DAYS = envint("PLANDESK_EXTENSION_MAX_DAYS", 10)
PLANDESK_EXTENSION_APPROVER = env("PLANDESK_EXTENSION_APPROVER", "head")

# Notices: SMS through a pluggable gateway class (default: a file of JSON lines), e-mail through Django's backends.
PLANDESK_SMS_BACKEND = env("PLANDESK_SMS_BACKEND", "plandesk.notifications.backends.FileSmsBackend")
PLANDESK_SMS_FILE = env("PLANDESK_SMS_FILE", str(DATA_DIR / "sms.jsonl"))
PLANDESK_SMS_URL = env("PLANDESK_SMS_URL")  # for plandesk.notifications.backends.HttpSmsBackend
PLANDESK_SMS_KEY = env("PLANDESK_SMS_KEY")
PLANDESK_SMS_TEMPLATE = env("PLANDESK_SMS_TEMPLATE", '{"mobile": "{phone}", "content": "{text}"}')
if env("PLANDESK_SMTP_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env("PLANDESK_SMTP_HOST")
    EMAIL_PORT = envint("PLANDESK_SMTP_PORT", 465)
    EMAIL_HOST_USER = env("PLANDESK_SMTP_USER")
    EMAIL_HOST_PASSWORD = env("PLANDESK_SMTP_PASSWORD")
    EMAIL_USE_SSL = EMAIL_PORT == 465
    EMAIL_USE_TLS = EMAIL_PORT == 587
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(DATA_DIR / "mail")
DEFAULT_FROM_EMAIL = env("PLANDESK_MAIL_FROM", "plandesk@localhost")

# Debian 12 ships GDAL 3.6, which cannot block file and network access from spatial references. plandesk never
# hands GDAL a spatial reference from outside: uploads are read with an allow-list of CRSs (see gis), so the
# warning is silenced deliberately rather than left to hide other warnings.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {"()": "plandesk.operations.logs.JsonFormatter"},  # PLANDESK_LOG_FORMAT=json: one object a line
    },
    "filters": {
        "mask_personal_data": {"()": "plandesk.core.logging.MaskPersonalData"},
        "request_id": {"()": "plandesk.operations.logs.RequestIdFilter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json" if env("PLANDESK_LOG_FORMAT") == "json"
                    else "plain", "filters": ["mask_personal_data", "request_id"]},
    },
    "root": {"handlers": ["console"], "level": env("PLANDESK_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Settings that the apps read with defaults of their own (`getattr(settings, NAME, default)`): each may also be set
# from the environment. Only what is set here overrides the app's default; values are parsed by the given type.
_ENV_OVERRIDES: dict[str, type] = {
    "PLANDESK_MEETING_INTERVAL_DAYS": int, "PLANDESK_MEETING_QUORUM": str, "PLANDESK_PHONE_OPERATOR": str,
    "PLANDESK_INPUT_MAX_DEPTH": int,
    "PLANDESK_PUBLICITY_ATTACHMENT_MAX_MB": int, "PLANDESK_PUBLICITY_DOCUMENT_MAX_MB": int,
    "PLANDESK_PUBLICITY_NOTICE_DAYS": int, "PLANDESK_PUBLICITY_NOTICE_WORKING_DAYS": bool,
    "PLANDESK_PUBLICITY_OPINIONS_PER_HOUR": int, "PLANDESK_PUBLICITY_PLAN_MIN_DAYS": int,
    "PLANDESK_PUBLICITY_RISK_DAYS": int, "PLANDESK_QUERY_ADDRESS_FAILURES": int, "PLANDESK_QUERY_CASE_FAILURES": int,
    "PLANDESK_QUERY_PASSWORD_KEY": str, "PLANDESK_URGING_DAYS": int,
    "PLANDESK_URGING_WINDOW_DAYS": int, "PLANDESK_WINDOW_FILES": Path, "PLANDESK_MAP_FEATURE_LIMIT": int,
    "PLANDESK_CJK_FONT": str,
    # JSON values: {"address": ..., "hours": ..., "phones": ...}, {prompt key: audio URL}, {kind: days}, [layer codes]
    "PLANDESK_BUREAU_CONTACT": dict, "PLANDESK_PHONE_AUDIO": dict, "PLANDESK_PUBLICITY_MIN_DAYS": dict,
    "PLANDESK_PUBLICITY_CONTEXT_LAYERS": list,
    "PLANDESK_PIPELINE_CLEARANCE_M": dict, "PLANDESK_PROTECTED_LAYERS": list,
    "PLANDESK_SPLIT_JURISDICTION_SHARE": float, "PLANDESK_GIS_MAX_GEOJSON_MB": int,
}
for _name, _type in _ENV_OVERRIDES.items():
    if _name in os.environ and _name not in globals():
        if _type is bool:
            globals()[_name] = envbool(_name)
        elif _type in (dict, list):
            import json

            globals()[_name] = json.loads(os.environ[_name])
        else:
            globals()[_name] = _type(os.environ[_name])
