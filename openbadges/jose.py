"""Sign and check compact JWS / JWT tokens: our RS256 keys, and issuers' keys.

PyJWT does the cryptography; this module decides which algorithm a key may
be used with, so a token cannot pick a weaker one (``alg: none``, or HS256
keyed with a public key) and be accepted.
"""

import base64
import hashlib
import json
import logging
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from jwt.algorithms import RSAAlgorithm

logger = logging.getLogger(__name__)

SIGNING_ALGORITHM = "RS256"
RSA_KEY_BITS = 2048
# Shorter RSA keys can be factored; a signature made with one proves nothing.
MIN_RSA_KEY_BITS = 2048

RSA_ALGORITHMS = frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"})
EC_ALGORITHMS = {"secp256r1": "ES256", "secp384r1": "ES384", "secp521r1": "ES512"}
EDDSA_ALGORITHMS = frozenset({"EdDSA", "Ed25519"})


class SignatureError(Exception):
    """A token's signature does not verify, or the token cannot be checked."""


def generate_signing_key(kid: str | None = None) -> tuple[bytes, dict]:
    """Create an RSA 2048 RS256 key: the private PEM and the public JWK.

    The JWK's ``kid`` is its RFC 7638 thumbprint unless one is given; OB 3.0
    verifiers dereference a ``kid`` that is a URL, so pass the URL the key
    will be published at.
    """
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_KEY_BITS)
    private_pem = private_key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    )
    return private_pem, public_jwk(private_pem, kid)


def public_jwk(private_pem: bytes, kid: str | None = None) -> dict:
    """Return the public JWK of an RSA private key in PEM form."""
    private_key = serialization.load_pem_private_key(private_pem, password=None)
    if not isinstance(private_key, rsa.RSAPrivateKey):
        raise ValueError("Only RSA signing keys are used for our badges.")
    key = RSAAlgorithm.to_jwk(private_key.public_key(), as_dict=True)
    jwk = {"kty": "RSA", "n": key["n"], "e": key["e"]}
    return {
        "kid": kid or jwk_thumbprint(jwk),
        **jwk,
        "alg": SIGNING_ALGORITHM,
        "use": "sig",
    }


def jwk_thumbprint(jwk: dict) -> str:
    """Return the RFC 7638 SHA-256 thumbprint of an RSA, EC or OKP JWK."""
    required = {"RSA": ("e", "kty", "n"), "EC": ("crv", "kty", "x", "y")}
    members = required.get(jwk.get("kty"), ("crv", "kty", "x"))
    canonical = json.dumps(
        {name: jwk[name] for name in members}, separators=(",", ":"), sort_keys=True
    )
    digest = hashlib.sha256(canonical.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def sign_jwt(claims: dict, private_pem: bytes, kid: str) -> str:
    """Sign claims as a compact RS256 JWT whose header names kid."""
    return jwt.encode(
        claims,
        private_pem,
        algorithm=SIGNING_ALGORITHM,
        headers={"alg": SIGNING_ALGORITHM, "typ": "JWT", "kid": kid},
        sort_headers=False,
    )


def read_header(token: str) -> dict:
    """Return a compact JWS's header without checking anything."""
    try:
        return jwt.get_unverified_header(token.strip())
    except jwt.PyJWTError as error:
        raise SignatureError(f"Not a compact JWS: {error}") from error


def read_claims(token: str) -> dict:
    """Return a compact JWS's payload as a JSON object, unverified."""
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise SignatureError("Not a compact JWS: it needs three dot-separated parts.")
    return _json_object(_b64decode(parts[1]))


def verify_jws(token: str, jwk_or_pem: Any) -> dict:
    """Check a compact JWS against a public key and return its JSON payload.

    The key is a JWK (dict), a PEM public key (str or bytes) or a
    ``cryptography`` public key. Only the signature is checked: time claims
    (``exp``, ``nbf``) are left to the caller, who knows the verification
    instant. Raises SignatureError for a bad signature, ``alg: none``, or an
    algorithm the key is not for.
    """
    token = token.strip()
    algorithm = read_header(token).get("alg")
    key = _public_key(jwk_or_pem, algorithm)
    try:
        decoded = jwt.PyJWS().decode_complete(token, key=key, algorithms=[algorithm])
    except jwt.PyJWTError as error:
        raise SignatureError(f"The signature does not verify: {error}") from error
    return _json_object(decoded["payload"])


def _public_key(jwk_or_pem: Any, algorithm: Any):
    """Load the key and check the token's algorithm is one it is meant for."""
    if not isinstance(algorithm, str) or algorithm.lower() == "none":
        raise SignatureError("The token is unsigned (alg: none) or names no alg.")
    if isinstance(jwk_or_pem, dict):
        key = _key_from_jwk(jwk_or_pem, algorithm)
    elif isinstance(jwk_or_pem, str | bytes):
        key = _key_from_pem(jwk_or_pem)
    else:
        key = jwk_or_pem
    if algorithm not in _algorithms_for(key):
        raise SignatureError(f"The token's alg {algorithm} does not fit its key.")
    if isinstance(key, rsa.RSAPublicKey) and key.key_size < MIN_RSA_KEY_BITS:
        raise SignatureError(f"The RSA key is too short ({key.key_size} bits).")
    return key


def _key_from_jwk(jwk: dict, algorithm: str):
    if jwk.get("alg") not in (None, algorithm):
        raise SignatureError(
            f"The token says alg {algorithm} but its key is for {jwk['alg']}."
        )
    if jwk.get("use") not in (None, "sig"):
        raise SignatureError("The key is not published for signatures.")
    public = {name: value for name, value in jwk.items() if name not in _PRIVATE}
    # PyJWK picks its implementation by alg name and knows Ed25519 as EdDSA;
    # _algorithms_for then checks the key type fits the token's alg.
    implementation = "EdDSA" if algorithm in EDDSA_ALGORITHMS else algorithm
    try:
        key = jwt.PyJWK(public, algorithm=implementation).key
    except jwt.PyJWTError as error:
        raise SignatureError(f"The key is not a usable JWK: {error}") from error
    return key


# JWK members that only private keys carry; a verifier never needs them.
_PRIVATE = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})


def _key_from_pem(pem: str | bytes):
    data = pem.encode() if isinstance(pem, str) else pem
    try:
        return serialization.load_pem_public_key(data)
    except ValueError:
        pass
    try:
        return serialization.load_pem_private_key(data, password=None).public_key()
    except (ValueError, TypeError) as error:
        raise SignatureError("The key is not a PEM public key.") from error


def _algorithms_for(key) -> frozenset:
    if isinstance(key, rsa.RSAPublicKey):
        return RSA_ALGORITHMS
    if isinstance(key, ec.EllipticCurvePublicKey):
        algorithm = EC_ALGORITHMS.get(key.curve.name)
        return frozenset({algorithm} if algorithm else ())
    if isinstance(key, ed25519.Ed25519PublicKey):
        return EDDSA_ALGORITHMS
    return frozenset()


def _b64decode(segment: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except ValueError as error:
        raise SignatureError("Not a compact JWS: a part is not base64url.") from error


def _json_object(payload: bytes) -> dict:
    try:
        claims = json.loads(payload)
    except (ValueError, RecursionError) as error:
        raise SignatureError("The token's payload is not JSON.") from error
    if not isinstance(claims, dict):
        raise SignatureError("The token's payload is not a JSON object.")
    return claims
