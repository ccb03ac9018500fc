"""Tasks used only by the benchmarks; the bench worker imports them (-I).

Importing this module also applies the worker-level what-if patches named in
BENCH_WHATIF (bench/whatif.py); with it unset, nothing is patched.
"""

import logging
import os

import redis
from celery import shared_task

from bench.whatif import apply_worker_patches

logger = logging.getLogger(__name__)

WHATIF = apply_worker_patches()
if WHATIF:
    logger.warning("bench what-if patches applied: %s", ", ".join(sorted(WHATIF)))

_redis = None


def counter():
    global _redis
    if _redis is None:
        _redis = redis.Redis.from_url(os.environ["REDIS_URL"])
    return _redis


@shared_task(ignore_result=True)
def noop(counter_key):
    """Do no work; only INCR a Redis counter, so the bench sees it done.

    Measures what every task pays: broker round trips, the worker's
    bookkeeping (acks late, prefetch 1) and one Redis command.
    """
    counter().incr(counter_key)
