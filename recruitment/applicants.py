"""Applying as someone signed in on the portal.

An applicant is not a member of the employer, and session cookies stay on
the host that set them, so someone signed in on the public site is carried
to the employer's apply page by a token: a random key to their name and
confirmed email, kept 30 minutes in the ``public`` cache (which every schema
reads alike), bound to one advert in one schema, and used up by the
application it confirms. The URL carries only the key, never the email.

A member signed in on the employer's own site applies with their account
directly. Either way the form fills in the name, fixes the email, and the
application records the email as confirmed.
"""

import logging
import secrets
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.core.cache import caches

logger = logging.getLogger(__name__)

MAX_AGE_SECONDS = 30 * 60
TOKEN_MAX_LENGTH = 64


class InvalidApplicantToken(Exception):
    pass


@dataclass(frozen=True)
class SignedInApplicant:
    name: str
    email: str
    token: str = ""  # empty for a member signed in on the employer's site


def store():
    return caches["public"]


def store_key(token):
    return f"recruitment:applicant:{token}"


def has_confirmed_email(user):
    return EmailAddress.objects.filter(
        user=user, email__iexact=user.email, verified=True
    ).exists()


def make_token(user, employer, advert_entity_id):
    """Return the token that carries ``user`` to one advert's apply page.

    Only an address allauth has verified is carried: an account whose
    address was never confirmed applies like anyone else.
    """
    if not has_confirmed_email(user):
        raise InvalidApplicantToken("Confirm your email address first.")
    token = secrets.token_urlsafe(24)
    payload = {
        "name": user.full_name,
        "email": user.email,
        "schema": employer.schema_name,
        "advert": str(advert_entity_id),
    }
    store().set(store_key(token), payload, timeout=MAX_AGE_SECONDS)
    return token


def read_token(token, employer, advert):
    """Return who a token names for ``advert`` on ``employer``'s site."""
    payload = None
    if isinstance(token, str) and 0 < len(token) <= TOKEN_MAX_LENGTH:
        payload = store().get(store_key(token))
    if payload is None:
        raise InvalidApplicantToken(
            "This sign-in link has expired or was used already: sign in again "
            "to apply with your account."
        )
    if payload["schema"] != employer.schema_name or payload["advert"] != str(
        advert.entity_id
    ):
        logger.warning(
            "applicant token for schema=%s advert=%s presented for advert=%s",
            payload["schema"],
            payload["advert"],
            advert.entity_id,
        )
        raise InvalidApplicantToken("This sign-in link is for another job.")
    return SignedInApplicant(
        name=payload["name"][:150], email=payload["email"], token=token
    )


def member_applicant(user, employer):
    """Return a member signed in on the employer's site, as an applicant."""
    if not employer.has_member(user) or not has_confirmed_email(user):
        return None
    return SignedInApplicant(name=user.full_name[:150], email=user.email)


def use_up(applicant):
    """Spend the applicant's token on one application; False if it was spent.

    Redis deletes a key once, so of two applications sent at the same moment
    with one token, only one is confirmed by it.
    """
    if not applicant.token:
        return True
    return store().delete(store_key(applicant.token))
