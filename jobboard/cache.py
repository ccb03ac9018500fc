"""The job board's pages, kept in the cache for anonymous visitors.

The board is the busiest public page, and every anonymous visitor asking the
same question sees the same page. A rendered page is kept under the board's
*version*, a token replaced whenever something the board shows changes (a
listing, an employer, a pledge, the catalogue: see ``jobboard.apps``), and
under the date, so that adverts past their closing date drop off at midnight.
Changes are announced after their transaction commits, so no visitor can
cache a page of data that is about to change under a version that outlives it.

The pages live in the ``public`` cache, whose keys carry no schema name: an
advert opened on an employer's sub-domain replaces the version the public
site reads.
"""

import hashlib
import logging
import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

VERSION_KEY = "jobboard:version"
FILTER_FIELDS = ("q", "badge", "skill", "district", "employer")
QUERY_FIELDS = (*FILTER_FIELDS, "page")


def board_cache():
    return caches["public"]


def enabled():
    return settings.JOB_BOARD_CACHE_SECONDS > 0


def current_version():
    """Return the board's version, starting one if the cache has none."""
    version = board_cache().get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        board_cache().add(VERSION_KEY, version, timeout=None)
        version = board_cache().get(VERSION_KEY, version)
    return version


def replace_version():
    board_cache().set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    logger.debug("job board cache version replaced")


def board_changed():
    """Have the board's cached pages replaced once the transaction commits."""
    if enabled():
        transaction.on_commit(replace_version)


def can_serve_from_cache(request):
    """Tell whether a request sees the page every anonymous visitor sees.

    Signed-in visitors see their own header, and a visitor with a message
    waiting (e.g. "You have signed out") must be shown it.
    """
    return (
        enabled()
        and request.method == "GET"
        and not request.user.is_authenticated
        and not len(get_messages(request))
    )


def page_key(request):
    """Return the cache key of the board page a request asks for."""
    query = sorted(
        (name, value.strip())
        for name in QUERY_FIELDS
        for value in request.GET.getlist(name)
    )
    digest = hashlib.sha256(urlencode(query).encode()).hexdigest()[:32]
    today = timezone.localdate().isoformat()
    return f"jobboard:page:{current_version()}:{today}:{digest}"


def cached_page(request, render):
    """Return the board page's HTML for a request, rendering it when needed.

    ``render`` makes the page's HTML; it is called on a miss, or every time
    for a request that cannot be served from the cache.
    """
    if not can_serve_from_cache(request):
        return render()

    key = page_key(request)
    html = board_cache().get(key)
    if html is None:
        html = render()
        board_cache().set(key, html, timeout=settings.JOB_BOARD_CACHE_SECONDS)
    return html
