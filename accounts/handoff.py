"""Signing a person in on an employer's site from the public site.

Session cookies stay on the host that set them, so after signing the pledge
on the public site the owner would land signed out on the new sub-domain. A
hand-off token carries them across: signed, bound to one user and one schema,
valid for two minutes and usable once.
"""

import secrets

from django.core import signing
from django.core.cache import cache

SALT = "accounts.handoff"
MAX_AGE_SECONDS = 120


class InvalidHandoff(Exception):
    pass


def make_token(user, employer):
    payload = {"user": user.pk, "schema": employer.schema_name}
    payload["nonce"] = secrets.token_urlsafe(12)
    return signing.dumps(payload, salt=SALT, compress=True)


def redeem_token(token, employer):
    """Return the user id a token names on ``employer``'s site, once only."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.SignatureExpired:
        raise InvalidHandoff("This sign-in link has expired.") from None
    except signing.BadSignature:
        raise InvalidHandoff("This sign-in link is not valid.") from None

    if payload.get("schema") != employer.schema_name:
        raise InvalidHandoff("This sign-in link is for another employer's site.")

    # The cache key carries the schema prefix (django_tenants.cache.make_key).
    if not cache.add(f"handoff:{payload['nonce']}", 1, timeout=MAX_AGE_SECONDS * 2):
        raise InvalidHandoff("This sign-in link has already been used.")
    return payload["user"]
