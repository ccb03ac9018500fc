"""Applying as someone signed in on the portal's main site.

An applicant is not a member of the employer, and session cookies stay on
the host that set them, so someone signed in on the public site is carried
to the employer's apply page by a signed token: their name and their
confirmed email, bound to one advert in one schema, valid for 30 minutes.
The application form fills both in and records the email as confirmed, so
the employer knows the badges were presented by the person they name.
"""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.core import signing

SALT = "recruitment.applicant"
MAX_AGE_SECONDS = 30 * 60


class InvalidApplicantToken(Exception):
    pass


@dataclass(frozen=True)
class SignedInApplicant:
    name: str
    email: str
    token: str


def make_token(user, employer, advert_entity_id):
    """Return the token that carries ``user`` to one advert's apply page.

    Only an address allauth has verified is carried: an account whose
    address was never confirmed applies like anyone else.
    """
    verified = EmailAddress.objects.filter(
        user=user, email__iexact=user.email, verified=True
    ).exists()
    if not verified:
        raise InvalidApplicantToken("Confirm your email address first.")
    payload = {
        "name": user.full_name,
        "email": user.email,
        "schema": employer.schema_name,
        "advert": str(advert_entity_id),
    }
    return signing.dumps(payload, salt=SALT, compress=True)


def read_token(token, employer, advert):
    """Return who a token names for ``advert`` on ``employer``'s site."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.SignatureExpired:
        raise InvalidApplicantToken(
            "Your sign-in has expired: sign in again to apply with your account."
        ) from None
    except signing.BadSignature:
        raise InvalidApplicantToken("This sign-in link is not valid.") from None

    if payload.get("schema") != employer.schema_name or payload.get("advert") != str(
        advert.entity_id
    ):
        raise InvalidApplicantToken("This sign-in link is for another job.")
    return SignedInApplicant(
        name=payload["name"][:150], email=payload["email"], token=token
    )
