"""Each employer's signing key, for its Open Badges 3.0 credentials."""

import logging
import uuid

from cryptography.fernet import Fernet
from django.conf import settings

from badges.models import IssuerKey
from openbadges.jose import generate_signing_key, sign_jwt

logger = logging.getLogger(__name__)


def fernet():
    return Fernet(settings.BADGE_KEY_ENCRYPTION_KEY.encode())


def create_issuer_key():
    """Generate and store a key pair in the current schema."""
    kid = uuid.uuid4().hex
    private_pem, public_jwk = generate_signing_key()
    key = IssuerKey.objects.create(
        kid=kid,
        encrypted_private_key=fernet().encrypt(private_pem),
        public_jwk={**public_jwk, "kid": kid},
    )
    logger.info("issuer key created kid=%s", kid)
    return key


def current_key():
    """Return the employer's signing key, making one if it has none yet."""
    return IssuerKey.objects.first() or create_issuer_key()


def sign_credential(claims, employer):
    """Sign a credential as a compact JWT with the employer's current key.

    The JWT's ``kid`` is the URL where the public key is published, so any
    verifier can fetch it.
    """
    key = current_key()
    private_pem = fernet().decrypt(bytes(key.encrypted_private_key))
    key_url = employer.url_for("badges:issuer_key", kid=key.kid)
    return sign_jwt(claims, private_pem, kid=key_url)
