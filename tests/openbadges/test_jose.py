"""Our RS256 keys and tokens, and the checks that refuse forged ones."""

import base64
import hashlib
import hmac
import json

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from openbadges.jose import (
    SignatureError,
    generate_signing_key,
    jwk_thumbprint,
    read_claims,
    read_header,
    sign_jwt,
    verify_jws,
)

CLAIMS = {"iss": "https://portal.example.org/issuer", "sub": "did:example:1", "n": 1}


@pytest.fixture(scope="module")
def key():
    return generate_signing_key()


@pytest.fixture(scope="module")
def other_key():
    return generate_signing_key()


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token_from(header: dict, claims: dict, signature: bytes = b"") -> str:
    head = b64(json.dumps(header).encode())
    body = b64(json.dumps(claims).encode())
    return f"{head}.{body}.{b64(signature)}"


def public_pem(jwk: dict) -> bytes:
    return jwt.PyJWK(jwk).key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def test_generated_key_is_rsa_2048_with_a_public_jwk(key):
    private_pem, jwk = key

    private = serialization.load_pem_private_key(private_pem, password=None)
    assert private.key_size == 2048
    assert set(jwk) == {"kid", "kty", "n", "e", "alg", "use"}
    assert (jwk["kty"], jwk["alg"], jwk["use"], jwk["e"]) == (
        "RSA",
        "RS256",
        "sig",
        "AQAB",
    )
    assert jwk["kid"] == jwk_thumbprint(jwk)


def test_generated_key_can_carry_a_chosen_kid():
    _, jwk = generate_signing_key(kid="https://portal.example.org/keys/1")

    assert jwk["kid"] == "https://portal.example.org/keys/1"


def test_thumbprint_matches_rfc_7638_example():
    # RFC 7638 section 3.1 gives this key and thumbprint.
    jwk = {
        "kty": "RSA",
        "n": (
            "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPF"
            "FxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93l"
            "qt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHz"
            "u6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPks"
            "INHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
        ),
        "e": "AQAB",
        "alg": "RS256",
        "kid": "2011-04-29",
    }

    assert jwk_thumbprint(jwk) == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"


def test_sign_jwt_writes_the_agreed_header(key):
    private_pem, jwk = key

    token = sign_jwt(CLAIMS, private_pem, jwk["kid"])

    assert read_header(token) == {"alg": "RS256", "typ": "JWT", "kid": jwk["kid"]}
    assert read_claims(token) == CLAIMS


@pytest.mark.parametrize("form", ["jwk", "pem-bytes", "pem-text", "key-object"])
def test_verify_jws_accepts_our_token_with_the_key_in_any_form(key, form):
    private_pem, jwk = key
    pem = public_pem(jwk)
    keys = {
        "jwk": jwk,
        "pem-bytes": pem,
        "pem-text": pem.decode(),
        "key-object": serialization.load_pem_public_key(pem),
    }

    assert verify_jws(sign_jwt(CLAIMS, private_pem, "k"), keys[form]) == CLAIMS


def test_verify_jws_does_not_judge_time_claims(key):
    private_pem, jwk = key
    token = sign_jwt({**CLAIMS, "exp": 1, "nbf": 4_000_000_000}, private_pem, "k")

    assert verify_jws(token, jwk)["exp"] == 1


def test_verify_jws_refuses_another_keys_signature(key, other_key):
    token = sign_jwt(CLAIMS, other_key[0], "k")

    with pytest.raises(SignatureError, match="does not verify"):
        verify_jws(token, key[1])


def test_verify_jws_refuses_a_tampered_payload(key):
    private_pem, jwk = key
    head, _, signature = sign_jwt(CLAIMS, private_pem, "k").split(".")
    forged = b64(json.dumps({**CLAIMS, "sub": "did:example:mallory"}).encode())

    with pytest.raises(SignatureError):
        verify_jws(f"{head}.{forged}.{signature}", jwk)


def test_verify_jws_refuses_alg_none(key):
    token = token_from({"alg": "none", "typ": "JWT"}, CLAIMS)

    with pytest.raises(SignatureError, match="alg: none"):
        verify_jws(token, key[1])


def test_verify_jws_refuses_hs256_keyed_with_the_public_key(key):
    # The classic confusion attack: HMAC "signed" with the public PEM.
    pem = public_pem(key[1])
    unsigned = token_from({"alg": "HS256", "typ": "JWT"}, CLAIMS)
    signing_input = unsigned.rsplit(".", 1)[0]
    mac = hmac.new(pem, signing_input.encode(), hashlib.sha256).digest()

    for public_key in (pem, key[1]):
        with pytest.raises(SignatureError):
            verify_jws(f"{signing_input}.{b64(mac)}", public_key)


def test_verify_jws_refuses_an_alg_other_than_the_jwks(key):
    private_pem, jwk = key
    token = jwt.encode(CLAIMS, private_pem, algorithm="RS512")

    with pytest.raises(SignatureError, match="RS512"):
        verify_jws(token, jwk)
    assert verify_jws(token, public_pem(jwk)) == CLAIMS


def test_verify_jws_refuses_an_rsa_token_checked_with_an_ec_key(key):
    ec_public = ec.generate_private_key(ec.SECP256R1()).public_key()

    with pytest.raises(SignatureError, match="does not fit"):
        verify_jws(sign_jwt(CLAIMS, key[0], "k"), ec_public)


def test_verify_jws_checks_eddsa_tokens():
    private = ed25519.Ed25519PrivateKey.generate()
    token = jwt.encode(CLAIMS, private, algorithm="EdDSA")
    jwk = jwt.algorithms.OKPAlgorithm.to_jwk(private.public_key(), as_dict=True)

    assert verify_jws(token, jwk) == CLAIMS


@pytest.mark.parametrize(
    "token",
    ["", "abc", "a.b", "a.b.c.d", "!!.??.**"],
    ids=["empty", "1", "2", "4", "junk"],
)
def test_verify_jws_refuses_what_is_not_a_jws(key, token):
    with pytest.raises(SignatureError):
        verify_jws(token, key[1])


def test_verify_jws_refuses_a_payload_that_is_not_an_object(key):
    token = jwt.api_jws.encode(b"[1, 2]", key[0], algorithm="RS256")

    with pytest.raises(SignatureError, match="not a JSON object"):
        verify_jws(token, key[1])


def test_verify_jws_refuses_a_key_not_published_for_signing(key):
    private_pem, jwk = key

    with pytest.raises(SignatureError, match="signatures"):
        verify_jws(sign_jwt(CLAIMS, private_pem, "k"), {**jwk, "use": "enc"})


@pytest.mark.filterwarnings("ignore:The RSA key is 1024 bits")
def test_verify_jws_refuses_a_short_rsa_key():
    # A breakable key is the point: the verifier must refuse it.
    short = rsa.generate_private_key(65537, 1024)  # noqa: S505
    token = jwt.encode(CLAIMS, short, algorithm="RS256")

    with pytest.raises(SignatureError, match="too short"):
        verify_jws(token, short.public_key())
