"""Verifying a presented badge with ``openbadges.verify``, safely.

Everything a badge links to is fetched by ``SafeFetcher``: http(s) only, no
private, loopback or link-local addresses (unless
``BADGE_FETCH_ALLOW_LOOPBACK`` is set, for tests), a short timeout, a size
cap and few redirects. What comes back is only ever parsed as JSON or a
token by the verifier; it is never rendered or run.
"""

from django.conf import settings
from django.utils import timezone

from openbadges.fetch import SafeFetcher
from openbadges.verify import verify

FETCH_TIMEOUT = 5
FETCH_MAX_BYTES = 1_000_000
FETCH_MAX_REDIRECTS = 3

RESULT_LABELS = {
    "valid": "Verified",
    "revoked": "Revoked by its issuer",
    "expired": "Expired",
    "wrong-recipient": "Awarded to someone else",
    "origin-mismatch": "Not hosted by its issuer",
    "bad-signature": "Signature does not match",
    "malformed": "Could not read this badge",
    "unreachable": "Its issuer could not be reached",
    "unverifiable": "Could not be checked",
}


def make_fetcher():
    """Return the fetcher verification uses; tests replace it."""
    return SafeFetcher(
        allow_loopback=settings.BADGE_FETCH_ALLOW_LOOPBACK,
        timeout=FETCH_TIMEOUT,
        max_bytes=FETCH_MAX_BYTES,
        max_redirects=FETCH_MAX_REDIRECTS,
    )


def verification_time():
    """Return the instant badges are judged at: now."""
    return timezone.now()


def presented_content(presented):
    """Return what the applicant presented, as the verifier takes it."""
    if presented.kind == presented.Kind.URL:
        return presented.url
    if presented.kind == presented.Kind.FILE:
        with presented.file.open("rb") as file:
            return file.read()
    return presented.text


def check(presented, application):
    """Return the verifier's verdict on a presented badge for its applicant."""
    return verify(
        presented_content(presented),
        recipient_email=application.email,
        recipient_id=application.recipient_id or None,
        fetch=make_fetcher(),
        as_of=verification_time(),
    )


def format_found(verdict):
    """Describe where the badge data was found, e.g. "png-iTXt json"."""
    if verdict.embedded is None:
        return "none"
    return f"{verdict.embedded.container} {verdict.embedded.payload}"
