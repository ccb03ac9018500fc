import logging

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"


class HealthCheckMiddleware:
    """Answer ``/healthz`` on any host, before tenant routing.

    Load balancers ask by IP address or by any host name; the answer checks
    the database and the broker and says which one is down.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != HEALTH_PATH:
            return self.get_response(request)

        checks = {"database": check_database(), "broker": check_broker()}
        healthy = all(result == "ok" for result in checks.values())
        return JsonResponse(
            {"status": "ok" if healthy else "unavailable", **checks},
            status=200 if healthy else 503,
        )


def check_database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:
        logger.warning("health check: database unavailable: %s", exc)
        return "unavailable"
    return "ok"


def check_broker():
    # Timeouts on connecting and on reading: a Redis that accepts connections
    # but never answers must not hang the health check.
    client = redis.Redis.from_url(
        settings.CELERY_BROKER_URL, socket_connect_timeout=2, socket_timeout=2
    )
    try:
        client.ping()
    except Exception as exc:
        logger.warning("health check: broker unavailable: %s", exc)
        return "unavailable"
    finally:
        client.close()
    return "ok"
