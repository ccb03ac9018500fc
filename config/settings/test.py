"""Settings for the test suite: real PostgreSQL and Redis, fast hashing."""

import os

# Not secret: encrypts the signing keys of test employers only.
os.environ.setdefault(
    "BADGE_KEY_ENCRYPTION_KEY", "eZj8JYI78pJEeYa_dUux-5wgCwL-OVuTG5Gzz9qR_mw="
)
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-not-secret")
os.environ.setdefault("EMAIL_URL", "smtp://127.0.0.1:1025")

import uuid

from config.settings.base import *  # noqa: E402, F403
from config.settings.base import env  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Each run of the suite keeps its cache keys apart from earlier runs'.
CACHES["default"]["KEY_PREFIX"] = f"test-{uuid.uuid4().hex[:8]}"  # noqa: F405
CACHES["public"]["KEY_PREFIX"] = CACHES["default"]["KEY_PREFIX"] + "-public"  # noqa: F405

# Every test applies from 127.0.0.1, and Redis outlives each test's
# rollback; the test of the limit sets its own.
ACCOUNT_RATE_LIMITS = {"apply_to_advert": None}  # noqa: F405

# Most tests roll their transaction back, so the board's cache never hears
# of their changes; the tests of the cache turn it on themselves.
JOB_BOARD_CACHE_SECONDS = 0

# The suite's real Celery worker (tests/worker.py) runs with these settings
# and PORTAL_TEST_WORKER set: it sends through SMTP and takes tasks from the
# broker. Everywhere else tasks run in the test process and mail is kept in
# django.core.mail.outbox.
TEST_WORKER = env.bool("PORTAL_TEST_WORKER", default=False)
if not TEST_WORKER:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True

STORAGES["staticfiles"]["BACKEND"] = (  # noqa: F405
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)
# Serve static files straight from static/, without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
