"""One settings file. Everything that differs between a laptop and a server comes from the environment.

QINGLIAN_ENV=production switches on the hardened settings `check --deploy` expects; the defaults run
on a laptop with SQLite in the working directory.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


PRODUCTION = env("QINGLIAN_ENV") == "production"
DEBUG = env_bool("QINGLIAN_DEBUG", False)
# A laptop key is fine for the demo; production refuses to start without a real one (see checks.py).
SECRET_KEY = env("QINGLIAN_SECRET_KEY", "" if PRODUCTION else "dev-insecure-key-for-the-demo-only-0123456789")
if PRODUCTION and len(SECRET_KEY) < 50:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("生产环境必须设置 QINGLIAN_SECRET_KEY：至少 50 个字符的随机串（见 docs/deploy.md）。")
# Field encryption (qinglian.crypto): the key file lives outside the database; production refuses to start
# without a valid one (`qinglian keys init`). A certified 密码机 replaces the software provider by its class.
QINGLIAN_KEY_FILE = env("QINGLIAN_KEY_FILE", str(Path(env("QINGLIAN_DATA_DIR", str(Path.cwd() / "var")))
                                                  / "keys" / "qinglian-keys.json"))
QINGLIAN_CRYPTO_PROVIDER = env("QINGLIAN_CRYPTO_PROVIDER", "qinglian.crypto.provider.SoftwareProvider")
# Rate limits (qinglian.limits) off: only for the load runs of `make bench`, never on a server.
QINGLIAN_RATE_LIMITS_OFF = env_bool("QINGLIAN_RATE_LIMITS_OFF", False)
# Reverse proxies whose X-Forwarded-For is believed (exact addresses, comma-separated); no one's by default.
QINGLIAN_TRUSTED_PROXIES = frozenset(p.strip() for p in env("QINGLIAN_TRUSTED_PROXIES").split(",") if p.strip())
ALLOWED_HOSTS = [h for h in env("QINGLIAN_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env("QINGLIAN_CSRF_TRUSTED_ORIGINS").split(",") if o]

# Where uploaded evidence lives: outside the web root, served only through views that check access.
DATA_DIR = Path(env("QINGLIAN_DATA_DIR", str(Path.cwd() / "var")))
MEDIA_ROOT = DATA_DIR / "files"
# Backups (qinglian backup DIR): the key file is NOT copied unless this says so — keys are backed up apart
# from the data they protect. QINGLIAN_PG_BIN: where pg_dump/pg_restore are (else the newest Debian install).
QINGLIAN_BACKUP_KEYS = env_bool("QINGLIAN_BACKUP_KEYS", False)
QINGLIAN_PG_BIN = env("QINGLIAN_PG_BIN")

INSTALLED_APPS = [
    "django.contrib.admin",
    # Before django.contrib.auth, so that its `changepassword` (refused: unaudited) replaces Django's.
    "qinglian.org",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "qinglian.lib",
    "qinglian.audit",
    "qinglian.crypto",
    "qinglian.stats",
    "qinglian.ledger",
    "qinglian.records",
    "qinglian.publicity",
    "qinglian.reports",
    "qinglian.limits",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "qinglian.factors",
    "qinglian.backup",
    "qinglian.history",
    "qinglian.notify",
    "qinglian.dashboard",
    "qinglian.jobs",
    "qinglian.oversight",
    "qinglian.verify",
    "qinglian.returns",
    "qinglian.api",
    "qinglian.appraisal",
    "qinglian.sso",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "qinglian.lib.middleware.AuditContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "qinglian.lib.middleware.SessionExpiryMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "qinglian.factors.middleware.SecondFactorMiddleware",
    "qinglian.org.middleware.PasswordPolicyMiddleware",
    "qinglian.lib.once.OnceTokenMiddleware",
    "qinglian.lib.middleware.SecurityHeadersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "qinglian.urls"
WSGI_APPLICATION = "qinglian.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "qinglian.lib.context_processors.shell",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{Path.cwd() / 'qinglian.sqlite3'}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool("QINGLIAN_PG_PREPARED", True):
    # Server-side binding and prepared statements: a statement asked five times on a connection is planned
    # once (planning was half of each statistics statement's time). Turn off with QINGLIAN_PG_PREPARED=0
    # behind a transaction-mode connection pooler or a compatible database that refuses prepared statements.
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and the writer work at once under gunicorn; IMMEDIATE avoids "database is locked"
    # when two transactions both upgrade from read to write. A writer waits up to 20 s for the one before it
    # (a backup's audit entry behind ten busy writers on a loaded 2-core machine waited past 5 s).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Persistent connections: opening SQLite and running the PRAGMAs per request cost more than the query.
    DATABASES["default"]["CONN_MAX_AGE"] = 600
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Several app servers (docs/deploy.md): CACHE_URL (or REDIS_URL) names a shared Valkey/Redis, which then holds
# the memo (lib.memo) and the rate-limit counters (limits.services) of every process. Without it each process
# has its own memory cache (memo answers are exact either way) and the counters are rows in the database.
# Lockouts and sessions always live in the database; with a shared cache a session is also read from it
# (cached_db: written to both, so a lost cache loses no session), saving a query on most requests.
CACHE_URL = env("CACHE_URL") or env("REDIS_URL")
if CACHE_URL and not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"CACHE_URL={CACHE_URL}：请写成 redis://主机:端口/库号（Valkey 与 Redis 均可），如 redis://127.0.0.1:6379/0。")
QINGLIAN_SHARED_CACHE = bool(CACHE_URL)
if CACHE_URL:
    CACHES = {"default": {"BACKEND": "qinglian.lib.cache.RedisCache", "LOCATION": CACHE_URL,
                          "KEY_PREFIX": "qinglian", "OPTIONS": {"socket_timeout": 2, "socket_connect_timeout": 2}}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"  # only shared: a per-process copy would go stale

AUTH_USER_MODEL = "org.User"
# The single sign-on backend answers only its own callback, and only when configured (qinglian.sso).
AUTHENTICATION_BACKENDS = ["qinglian.org.backends.UnitAwareBackend", "qinglian.sso.backends.OIDCBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "qinglian.org.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "qinglian.org.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "qinglian.org.validators.BlocklistValidator"},
    {"NAME": "qinglian.org.validators.PasswordHistoryValidator"},
]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
# Second factor (qinglian.factors): TOTP at exactly ±1 step (no drift sync widening it); django-otp's own
# back-off throttles off, since wrong codes are counted and locked like passwords (SecurityPolicy).
OTP_TOTP_ISSUER = "清廉台账"
OTP_TOTP_SYNC = False
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0

# Single sign-on with the unit's identity system (统一身份认证, OpenID Connect; docs/deploy.md): off unless an
# issuer and a client id are set. Endpoints come from the issuer's discovery document unless named here.
QINGLIAN_OIDC_ISSUER = env("QINGLIAN_OIDC_ISSUER").rstrip("/")
QINGLIAN_OIDC_CLIENT_ID = env("QINGLIAN_OIDC_CLIENT_ID")
QINGLIAN_OIDC_CLIENT_SECRET = env("QINGLIAN_OIDC_CLIENT_SECRET")
QINGLIAN_OIDC_AUTHORIZATION_ENDPOINT = env("QINGLIAN_OIDC_AUTHORIZATION_ENDPOINT")
QINGLIAN_OIDC_TOKEN_ENDPOINT = env("QINGLIAN_OIDC_TOKEN_ENDPOINT")
QINGLIAN_OIDC_USERINFO_ENDPOINT = env("QINGLIAN_OIDC_USERINFO_ENDPOINT")
QINGLIAN_OIDC_JWKS_ENDPOINT = env("QINGLIAN_OIDC_JWKS_ENDPOINT")
QINGLIAN_OIDC_END_SESSION_ENDPOINT = env("QINGLIAN_OIDC_END_SESSION_ENDPOINT")
QINGLIAN_OIDC_SCOPES = env("QINGLIAN_OIDC_SCOPES", "openid profile")
QINGLIAN_OIDC_SIGN_ALGO = env("QINGLIAN_OIDC_SIGN_ALGO", "RS256")
QINGLIAN_OIDC_USERNAME_CLAIM = env("QINGLIAN_OIDC_USERNAME_CLAIM", "preferred_username")
QINGLIAN_OIDC_MFA_AMR = env("QINGLIAN_OIDC_MFA_AMR", "mfa,otp,hwk,sc,sms")
QINGLIAN_OIDC_MFA_ACR = env("QINGLIAN_OIDC_MFA_ACR")
QINGLIAN_OIDC_PKCE = env_bool("QINGLIAN_OIDC_PKCE", True)
QINGLIAN_OIDC_CA_BUNDLE = env("QINGLIAN_OIDC_CA_BUNDLE")
QINGLIAN_OIDC_TIMEOUT = env_int("QINGLIAN_OIDC_TIMEOUT", 10)
QINGLIAN_OIDC_HELP = env("QINGLIAN_OIDC_HELP")

# Sessions: 30 minutes idle, 8 hours absolute (SessionExpiryMiddleware enforces both).
SESSION_IDLE_SECONDS = env_int("QINGLIAN_SESSION_IDLE_SECONDS", 30 * 60)
SESSION_ABSOLUTE_SECONDS = env_int("QINGLIAN_SESSION_ABSOLUTE_SECONDS", 8 * 3600)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if PRODUCTION:
    # Intranet servers usually sit behind an HTTPS reverse proxy (docs/deploy.md).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("QINGLIAN_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("QINGLIAN_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("QINGLIAN_HSTS_PRELOAD", True)

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Uploaded files: MEDIA_ROOT (a directory every app server mounts) unless QINGLIAN_STORAGE=s3 names an
# S3-compatible store (MinIO, a domestic object store) through django-storages (docs/deploy.md).
QINGLIAN_STORAGE = env("QINGLIAN_STORAGE", "filesystem")
if QINGLIAN_STORAGE == "s3":
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": env("QINGLIAN_S3_BUCKET", "qinglian"), "endpoint_url": env("QINGLIAN_S3_ENDPOINT") or None,
        "access_key": env("QINGLIAN_S3_ACCESS_KEY"), "secret_key": env("QINGLIAN_S3_SECRET_KEY"),
        "region_name": env("QINGLIAN_S3_REGION", "us-east-1"), "location": env("QINGLIAN_S3_PREFIX"),
        "addressing_style": "path", "file_overwrite": True, "default_acl": None, "querystring_auth": True}}
elif QINGLIAN_STORAGE != "filesystem":
    raise ImproperlyConfigured(f"QINGLIAN_STORAGE={QINGLIAN_STORAGE}：只能是 filesystem（默认，共享目录）或 s3。")
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Import previews post ~7 fields per measure; a 300-problem notice must not hit the 1,000 default.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20_000
# Largest file a user may upload (evidence, ledgers, reports); checked by the forms before parsing.
QINGLIAN_MAX_UPLOAD_BYTES = env_int("QINGLIAN_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
# Days a stored file must have gone unreferenced before `qinglian files collect` removes it (lib.filecheck).
QINGLIAN_FILES_GRACE_DAYS = env_int("QINGLIAN_FILES_GRACE_DAYS", 7)
# Audit entries and records' history are kept at least 180 days (等保 2.0); only the audit admin archives older ones.
QINGLIAN_RETENTION_DAYS = env_int("QINGLIAN_RETENTION_DAYS", 180)
if QINGLIAN_RETENTION_DAYS < 180:
    raise ImproperlyConfigured(
        f"QINGLIAN_RETENTION_DAYS={QINGLIAN_RETENTION_DAYS}：操作日志和历史版本至少保留 180 天，请改为 180 或更大的数。")
QINGLIAN_ARCHIVE_DIR = env("QINGLIAN_ARCHIVE_DIR", str(Path(env("QINGLIAN_DATA_DIR", str(Path.cwd() / "var")))
                                                       / "archive"))
# What an uploaded .xlsx/.docx may inflate to, all parts together (paperwork/ooxml.py), and rows per import.
QINGLIAN_MAX_UNPACKED_BYTES = env_int("QINGLIAN_MAX_UNPACKED_BYTES", 50 * 1024 * 1024)
QINGLIAN_MAX_IMPORT_ROWS = env_int("QINGLIAN_MAX_IMPORT_ROWS", 20_000)
# What evidence, attachments, clippings and scans may be (checked by content, see paperwork/filetypes.py);
# .doc/.wps and .xls are converted to .docx / .xlsx when those are listed. Report readers take .docx/.txt.
QINGLIAN_UPLOAD_TYPES = tuple(t.strip().lower() for t in env("QINGLIAN_UPLOAD_TYPES", "pdf,docx,xlsx,ofd,jpg,png")
                              .split(",") if t.strip())

# Domain settings (business rules that units tune).
QINGLIAN_LATE_ENTRY_DAYS = env_int("QINGLIAN_LATE_ENTRY_DAYS", 30)
QINGLIAN_WARNING_GREEN_WORKDAYS = env_int("QINGLIAN_WARNING_GREEN_WORKDAYS", 20)
QINGLIAN_WARNING_YELLOW_WORKDAYS = env_int("QINGLIAN_WARNING_YELLOW_WORKDAYS", 10)

# Reminder delivery (qinglian.notify): links in mails and calendar feeds start with the address users open;
# mail goes through the intranet SMTP server named here (no host: inbox only). A person with this many new
# reminders in one run gets one digest instead of a message per item.
QINGLIAN_BASE_URL = env("QINGLIAN_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
QINGLIAN_SMTP_HOST = env("QINGLIAN_SMTP_HOST")
QINGLIAN_SMTP_PORT = env_int("QINGLIAN_SMTP_PORT", 25)
QINGLIAN_SMTP_USER = env("QINGLIAN_SMTP_USER")
QINGLIAN_SMTP_PASSWORD = env("QINGLIAN_SMTP_PASSWORD")
QINGLIAN_SMTP_FROM = env("QINGLIAN_SMTP_FROM", "清廉台账 <qinglian@localhost>")
QINGLIAN_SMTP_STARTTLS = env_bool("QINGLIAN_SMTP_STARTTLS", False)
QINGLIAN_SMTP_TIMEOUT = env_int("QINGLIAN_SMTP_TIMEOUT", 10)
QINGLIAN_MAIL_MAX_ATTEMPTS = env_int("QINGLIAN_MAIL_MAX_ATTEMPTS", 8)
QINGLIAN_DIGEST_THRESHOLD = env_int("QINGLIAN_DIGEST_THRESHOLD", 5)
QINGLIAN_CALENDAR_PER_HOUR = env_int("QINGLIAN_CALENDAR_PER_HOUR", 60)
# Requests one API token may make a minute (qinglian.api); the excess answers 429 with Retry-After.
QINGLIAN_API_PER_MINUTE = env_int("QINGLIAN_API_PER_MINUTE", 120)
# Reminders are recorded and sent from this hour (China time) on, so a day's reminders arrive together in the
# morning (a digest where many), not at midnight when the levels change; the outbox is sent at any hour.
QINGLIAN_REMINDER_HOUR = env_int("QINGLIAN_REMINDER_HOUR", 8)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("QINGLIAN_LOG_LEVEL", "WARNING")},
}
