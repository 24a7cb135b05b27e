"""Django settings for OpenICS.

One settings module driven by the environment: SQLite under var/ by default (the embedded
default a newcomer gets), PostgreSQL when DATABASE_URL is set.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent  # the openics package
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("OPENICS_VAR_DIR", PROJECT_DIR / "var"))


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = _env_bool("OPENICS_DEBUG", False)
# A local, non-secret key is fine for the embedded demo; a deployment must set its own.
# Serving refuses the default key (and DEBUG) unless OPENICS_DEMO=1 says this is the
# demonstration on one machine: see openics.config.deployment.
DEFAULT_SECRET_KEY = "openics-local-development-key-not-for-production"  # noqa: S105 (public on purpose)
SECRET_KEY = os.environ.get("OPENICS_SECRET_KEY", DEFAULT_SECRET_KEY)
DEMO = _env_bool("OPENICS_DEMO", False)
ALLOWED_HOSTS = os.environ.get("OPENICS_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "ninja",  # serves the API docs' scripts locally instead of from a CDN
    "django_tasks",  # Django's task framework (backport): uploads are checked and applied
    "django_tasks_db",  # in the background, queued in the database (ADR 0022)
    "openics.core",
    "openics.organisations",
    "openics.population",
    "openics.allocation",
    "openics.contracts",
    "openics.ledger",
    "openics.governance",
    "openics.arranging",
    "openics.capital",
    "openics.plans",
    "openics.portal",
    "mozilla_django_oidc",  # single sign-on views (used only when configured)
    "openics.api",
    "openics.workspace",
    "axes",  # last, as its documentation asks: it counts failed sign-ins and locks accounts
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "openics.config.middleware.RefuseUnreadableInput",
    # Outside everything below, so a kept answer carries the headers they add.
    "openics.config.caching.PublicPageCache",
    "openics.config.caching.LimitExpensiveWork",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",  # last: it answers a locked-out sign-in
]

ROOT_URLCONF = "openics.config.urls"
WSGI_APPLICATION = "openics.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "openics.config.jinja2.environment"},
    },
    # Only for templates that third-party apps ship (the API docs page of django-ninja).
    {"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True},
]


def _database() -> dict:
    url = os.environ.get("DATABASE_URL")
    if url:
        return dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": VAR_DIR / "openics.sqlite3",
        # Wait for a lock rather than fail at once when two writers meet.
        "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        # Each server thread keeps its connection: opening one costs more than most answers.
        "CONN_MAX_AGE": 600,
    }


DATABASES = {"default": _database()}

# Background tasks (ADR 0022): queued in the database itself, so SQLite and PostgreSQL both
# work with nothing else to run; `openics serve` starts a worker, `openics worker` runs one alone.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out account before any other
    "openics.workspace.oidc.StaffSignOn",  # single sign-on; answers nothing unless configured
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# -- signing in (the staff workspace) -----------------------------------------------------------
# Optional single sign-on by OpenID Connect (workspace/oidc.py), off unless a client id is set.
OPENICS_OIDC_ENABLED = bool(os.environ.get("OPENICS_OIDC_CLIENT_ID"))
OIDC_RP_CLIENT_ID = os.environ.get("OPENICS_OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OPENICS_OIDC_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OPENICS_OIDC_AUTHORIZATION_URL", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OPENICS_OIDC_TOKEN_URL", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OPENICS_OIDC_USERINFO_URL", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OPENICS_OIDC_JWKS_URL", "")
OIDC_RP_SIGN_ALGO = os.environ.get("OPENICS_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email profile"
OIDC_CREATE_USER = _env_bool("OPENICS_OIDC_CREATE_USERS", False)
OIDC_AUTHENTICATE_CLASS = "openics.workspace.oidc.SignOnStart"
OIDC_CALLBACK_CLASS = "openics.workspace.oidc.SignOnReturn"
LOGIN_REDIRECT_URL_FAILURE = "/sign-in/?single-sign-on=failed"
LOGIN_URL = "/sign-in/"
LOGIN_REDIRECT_URL = "/workspace/"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",  # new and changed passwords
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",  # still reads older hashes
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A session ends after eight hours, or when the browser closes, whichever is first.
SESSION_COOKIE_AGE = int(os.environ.get("OPENICS_SESSION_SECONDS", 8 * 60 * 60))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "openics.workspace.security.csrf_failure"

# Served over HTTPS (behind a reverse proxy that terminates TLS): cookies only over HTTPS,
# HSTS for a year, and the proxy's X-Forwarded-Proto says the request was secure.
HTTPS = _env_bool("OPENICS_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and _env_bool("OPENICS_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Lock-out: five wrong passwords for one account lock it for an hour (or until
# `openics users unlock`). The logs never carry the username or address in plain text.
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_COOLOFF_TIME = float(os.environ.get("OPENICS_LOCKOUT_HOURS", "1"))
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # no table of every sign-in with its address
AXES_VERBOSE = False
AXES_CLIENT_STR_CALLABLE = "openics.workspace.security.client_str"
AXES_LOCKOUT_CALLABLE = "openics.workspace.security.locked_out"
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address"]
# Locking by address as well would lock out a whole trust behind one NAT address; the
# account is what five wrong passwords lock, as the workspace's brief asks.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# A strict Content-Security-Policy (django-csp 4): everything from this site, no inline
# script or style, no frames, no plugins. The read API's interactive docs page (django-ninja's
# Swagger UI, which starts itself with an inline script) is the one exception.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/api/docs"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is missing
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("OPENICS_LOG_LEVEL", "WARNING")},
    # Server errors are always printed, whatever DEBUG says.
    "loggers": {"django": {"handlers": ["console"], "level": "ERROR", "propagate": False}},
}

# Public answers are kept per data version (config.caching). Each server process keeps its
# own copy in memory; OPENICS_REDIS_URL shares one copy, and the rate counters, among all
# the processes (it needs the `redis` package).
if os.environ.get("OPENICS_REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["OPENICS_REDIS_URL"],
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 5_000},
        }
    }
OPENICS_PAGE_CACHE = _env_bool("OPENICS_PAGE_CACHE", True)
OPENICS_PAGE_CACHE_SECONDS = 24 * 60 * 60  # a new version or a new day makes a new key anyway
# Computed answers one client may ask for in a window of seconds ("60/60"; "off" for none),
# and the addresses that count.
_rate = os.environ.get("OPENICS_RATE_LIMIT", "60/60").strip().lower()
OPENICS_RATE_LIMIT = (
    None if _rate in {"off", "none", ""} else tuple(int(n) for n in _rate.split("/"))
)
OPENICS_RATE_LIMITED_PATHS = [
    r"^/money/follow/",
    r"\.(csv|json|beancount)$",
    r"^/api/ledger/trace",
    r"^/regimes/compare/",
    r"^/organisations/search/",
]
# Proxies whose X-Forwarded-For names the real client (a reverse proxy in front).
OPENICS_TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("OPENICS_TRUSTED_PROXIES", "").split(",") if p.strip()
]
