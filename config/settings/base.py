"""Settings shared by every environment, read from the environment.

Each environment module (local, test, production) imports these and changes
only what differs. Every value that varies between machines comes from an
environment variable, listed in the README's production section.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

# --- Core -----------------------------------------------------------------

SECRET_KEY = env("DJANGO_SECRET_KEY")
DEBUG = env.bool("DJANGO_DEBUG", default=False)

# Where the portal answers. Employer sites live on sub-domains of its host:
# with PORTAL_URL=https://pledge.example.org an employer with the slug
# "acme" is served at https://acme.pledge.example.org.
PORTAL_URL = env("PORTAL_URL", default="http://localhost:8000").rstrip("/")
_portal = urlsplit(PORTAL_URL)
PORTAL_SCHEME = _portal.scheme
PORTAL_DOMAIN = _portal.hostname
PORTAL_PORT = _portal.port

ALLOWED_HOSTS = [PORTAL_DOMAIN, f".{PORTAL_DOMAIN}"]

PROGRAMME_NAME = env("PROGRAMME_NAME", default="Cambridge Region of Learning")
PROGRAMME_OPERATOR = env("PROGRAMME_OPERATOR", default="Cambridge City Council")

# --- Applications and tenancy -----------------------------------------------

# Apps whose tables live once, in the public schema.
SHARED_APPS = [
    "django_tenants",
    "employers",
    "accounts",
    "pledges",
    "core",
    "tenant_users.permissions",
    "tenant_users.tenants",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "jobboard",
]

# Apps whose tables exist in every employer's schema. Sessions are here too,
# so a session started on one employer's site does not exist on another's.
TENANT_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "tenant_users.permissions",
    "core",
    "badges",
    "recruitment",
]

INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "employers.Employer"
TENANT_DOMAIN_MODEL = "employers.Domain"
TENANT_USERS_DOMAIN = PORTAL_DOMAIN
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
ROOT_URLCONF = "config.urls_tenant"
SHOW_PUBLIC_IF_NO_TENANT_FOUND = False

DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]

MIDDLEWARE = [
    "core.middleware.HealthCheckMiddleware",
    "django_tenants.middleware.main.TenantMainMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "employers.middleware.SuspendedEmployerMiddleware",
    "tenant_users.tenants.middleware.TenantAccessMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

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
                "core.context_processors.portal",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# --- Database -----------------------------------------------------------------

DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["ENGINE"] = "django_tenants.postgresql_backend"
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Django 6's default, taken now: a web address typed without a scheme is https.
FORMS_URLFIELD_ASSUME_HTTPS = True

# --- Cache, broker and background work ---------------------------------------

REDIS_URL = env("REDIS_URL")

# Cache keys are prefixed with the current schema, so one employer's cached
# values (allauth's rate limits among them) are never read by another's.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="portal"),
    },
    # What the public site shows everyone, the same from any schema: its
    # keys carry no schema name, so a change made in an employer's schema
    # reaches the page the public site cached (jobboard/cache.py).
    "public": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="portal") + "-public",
    },
}
# How long an anonymous visitor's job board page is served from the cache;
# any change to what the board shows replaces it sooner. 0 turns it off.
JOB_BOARD_CACHE_SECONDS = env.int("JOB_BOARD_CACHE_SECONDS", default=300)

CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="portal")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Workers log through Django's LOGGING below, so their lines name the tenant.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# A task not acknowledged within this time is delivered again; it must be
# longer than the slowest task (a PDF and an SMTP round trip).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BEAT_SCHEDULE = {
    "resend-unsent-pledge-confirmations": {
        "task": "pledges.tasks.queue_unsent_confirmations",
        "schedule": 15 * 60,
    },
    "remind-holders-of-expiring-badges": {
        "task": "badges.tasks.queue_expiry_reminders",
        "schedule": 6 * 60 * 60,
    },
    "requeue-lost-verifications-and-acknowledgements": {
        "task": "recruitment.tasks.queue_lost_work",
        "schedule": 15 * 60,
    },
    "close-adverts-past-their-closing-date": {
        "task": "jobboard.tasks.queue_closing_of_past_adverts",
        "schedule": 60 * 60,
    },
}

# --- Email --------------------------------------------------------------------

vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default=f"{PROGRAMME_NAME} <pledge@{PORTAL_DOMAIN}>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = 20

# --- Accounts -----------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "tenant_users.permissions.backend.UserBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{PROGRAMME_NAME}] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = PORTAL_SCHEME
# allauth's rate limits, and the portal's own action through the same
# machinery: applications to one employer's adverts, per address and per
# email, so nobody floods an employer or someone's inbox.
ACCOUNT_RATE_LIMITS = {"apply_to_advert": "20/h/ip,3/h/key"}
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

# --- Sessions and security ------------------------------------------------------

# Cookies stay on the host that set them: signing in on one employer's site
# sends nothing to another's.
SESSION_COOKIE_DOMAIN = None
CSRF_COOKIE_DOMAIN = None
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# --- Internationalisation --------------------------------------------------------

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}

# --- Uploaded files --------------------------------------------------------------

# Badge images and claim evidence, filed under tenants/<schema>/ and served
# only through views that check who is asking; nothing here is served as is.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
BADGE_IMAGE_MAX_BYTES = 1024 * 1024
EVIDENCE_FILE_MAX_BYTES = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024

# --- Open Badges signing ----------------------------------------------------------

# A Fernet key (32 url-safe base64 bytes) that encrypts each employer's
# private signing key at rest. Losing it means re-issuing keys; keep it with
# the other secrets.
BADGE_KEY_ENCRYPTION_KEY = env("BADGE_KEY_ENCRYPTION_KEY")

# --- Verifying presented badges ------------------------------------------------

# Badges applicants present link to documents on the web, fetched only from
# public addresses; tests serve them on loopback and set this.
BADGE_FETCH_ALLOW_LOOPBACK = env.bool("BADGE_FETCH_ALLOW_LOOPBACK", default=False)

# --- Logging ----------------------------------------------------------------------

# One line per event, key=value, naming the tenant (schema) it happened in.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"tenant": {"()": "core.logging.TenantFilter"}},
    "formatters": {
        "logfmt": {
            "format": (
                "time=%(asctime)s level=%(levelname)s logger=%(name)s "
                "tenant=%(schema_name)s %(message)s"
            ),
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["tenant"],
            "formatter": "logfmt",
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint reports every rendering step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
