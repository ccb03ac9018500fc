"""Settings for the benchmarks: production's behaviour, over plain http on localhost.

Everything comes from ``config.settings.base`` (what production imports too),
with DEBUG off, manifest static files (``collectstatic`` into the bench
folder, as production does), and none of production's https-only switches
(SSL redirect, HSTS, secure cookies), which a plain-http localhost server
cannot honour. Only ``bench/urls_tenant.py`` is added: the employer URL conf
plus one bare view to compare with.

Environment (``bench/common.py`` sets defaults before Django starts):
DATABASE_URL, REDIS_URL, EMAIL_URL, BENCH_DIR (media and static files),
CELERY_QUEUE, LOG_LEVEL, DATABASE_CONN_MAX_AGE.
"""

import os

# Not secret: the bench database is created and dropped by the bench scripts.
os.environ.setdefault(
    "BADGE_KEY_ENCRYPTION_KEY", "Kk3cR1bJdQ9l0XJw3kz0c8Yq0oWcJm6tQYtq3nV6x5A="
)
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("PORTAL_URL", "http://localhost:8000")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/6")
os.environ.setdefault("CELERY_QUEUE", "portal-bench")
os.environ.setdefault("CACHE_KEY_PREFIX", "portal-bench")
os.environ.setdefault("BENCH_DIR", "/tmp/portal-bench/portal_bench")
os.environ.setdefault("MEDIA_ROOT", os.path.join(os.environ["BENCH_DIR"], "media"))
os.environ["DJANGO_DEBUG"] = "false"

from config.settings.base import *  # noqa: E402, F403

DEBUG = False
ROOT_URLCONF = "bench.urls_tenant"
STATIC_ROOT = os.path.join(os.environ["BENCH_DIR"], "static")

# What production sets that does not depend on https.
SECURE_CONTENT_TYPE_NOSNIFF = True

# What-if variants of suggested product changes (bench/whatif.py), off unless
# BENCH_WHATIF names them.
from bench import whatif  # noqa: E402

BENCH_WHATIF = sorted(whatif.enabled())
if "limit-set-calls" in BENCH_WHATIF:
    TENANT_LIMIT_SET_CALLS = True
if "tenant-cache" in BENCH_WHATIF:
    MIDDLEWARE = [  # noqa: F405
        whatif.tenant_middleware()
        if name == "django_tenants.middleware.main.TenantMainMiddleware"
        else name
        for name in MIDDLEWARE  # noqa: F405
    ]
