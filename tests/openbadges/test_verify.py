"""The verifier on badges these tests issue themselves, served offline.

An issuer "site" is written to a temporary folder and served by
MappedFetcher, so every rule is exercised without the shared corpus.
"""

import base64
import copy
import gzip
import hashlib
import json
import zlib
from datetime import UTC, datetime

import base58
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    PublicFormat,
    load_pem_private_key,
)
from pyld import jsonld

from openbadges.baking import (
    bake_png,
    bake_svg,
    bake_svg_credential,
)
from openbadges.fetch import MappedFetcher
from openbadges.jose import generate_signing_key, sign_jwt
from openbadges.verify import verify
from tests.openbadges.helpers import insert_before_iend, make_png, png_chunk

AS_OF = datetime(2026, 12, 1, tzinfo=UTC)
EMAIL = "learner@example.org"
SALT = "pepper-1"
HOST = "https://badges.example.org"
ISSUER_ID = f"{HOST}/issuer"
BADGE_ID = f"{HOST}/badges/robotics"
ASSERTION_ID = f"{HOST}/assertions/1"
KEY_ID = f"{HOST}/keys/1"


def salted(email, salt=SALT, algorithm="sha256"):
    return f"{algorithm}${hashlib.new(algorithm, (email + salt).encode()).hexdigest()}"


class Site:
    """Documents written to a folder and served at their URLs."""

    def __init__(self, folder):
        self.folder = folder
        self.urls = {}
        self.written = 0

    def put(self, url, document, status=200):
        self.written += 1
        name = f"doc{self.written}.json"
        body = document if isinstance(document, str | bytes) else json.dumps(document)
        path = self.folder / name
        path.write_bytes(body.encode() if isinstance(body, str) else body)
        self.urls[url] = name if status == 200 else {"status": status, "file": name}

    def answer(self, url, status):
        self.urls[url] = {"status": status}

    def forget(self, url):
        del self.urls[url]

    def verify(self, presented, **kwargs):
        kwargs.setdefault("recipient_email", EMAIL)
        kwargs.setdefault("as_of", AS_OF)
        return verify(presented, fetch=MappedFetcher(self.urls, self.folder), **kwargs)


def issuer_profile(**extra):
    return {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Issuer",
        "id": ISSUER_ID,
        "name": "Region of Learning",
        "url": HOST,
        "email": "badges@example.org",
        **extra,
    }


def badge_class():
    return {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "BadgeClass",
        "id": BADGE_ID,
        "name": "Robotics Mentor",
        "description": "Mentored a robotics club for a season.",
        "image": f"{HOST}/badges/robotics.png",
        "criteria": {"narrative": "Run twelve club sessions."},
        "issuer": ISSUER_ID,
    }


def assertion(**extra):
    return {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": ASSERTION_ID,
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": SALT,
            "identity": salted(EMAIL),
        },
        "badge": BADGE_ID,
        "issuedOn": "2026-03-01T09:00:00Z",
        "verification": {"type": "hosted"},
        **extra,
    }


@pytest.fixture
def site(tmp_path):
    site = Site(tmp_path)
    site.put(ISSUER_ID, issuer_profile())
    site.put(BADGE_ID, badge_class())
    site.put(ASSERTION_ID, assertion())
    return site


@pytest.fixture
def baked_png():
    return bake_png(make_png(), json.dumps(assertion()))


# --- OB 2.0 hosted -----------------------------------------------------------


def test_our_baked_png_verifies(site, baked_png):
    verdict = site.verify(baked_png)

    assert verdict.status == "valid", verdict.reason
    assert verdict.extracts
    assert verdict.embedded.container == "png-iTXt"
    assert verdict.openbadges_version == "2.0"
    assert verdict.verification == "hosted"
    assert verdict.assertion_id == ASSERTION_ID
    assert verdict.badge_class_id == BADGE_ID
    assert verdict.badge_name == "Robotics Mentor"
    assert (verdict.issuer_id, verdict.issuer_name) == (ISSUER_ID, "Region of Learning")
    assert verdict.issued_on == "2026-03-01T09:00:00Z"
    assert verdict.recipient_matches is True


def test_our_baked_svg_verifies(site):
    svg = bake_svg(
        '<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>',
        assertion_json=json.dumps(assertion()),
        verify_url=ASSERTION_ID,
    )

    verdict = site.verify(svg.encode())

    assert verdict.status == "valid", verdict.reason
    assert verdict.embedded.container == "svg-cdata"


def test_an_svg_with_only_the_verify_url_verifies(site):
    svg = bake_svg(
        '<svg xmlns="http://www.w3.org/2000/svg"/>',
        assertion_json=None,
        verify_url=ASSERTION_ID,
    )

    verdict = site.verify(svg)

    assert verdict.status == "valid", verdict.reason
    assert verdict.embedded.payload == "url"


def test_a_hosted_assertion_url_verifies(site):
    verdict = site.verify(ASSERTION_ID)

    assert verdict.status == "valid", verdict.reason
    assert verdict.embedded.container == "url"


@pytest.mark.parametrize(
    "email",
    [EMAIL, "Learner@Example.ORG", f"  {EMAIL} "],
    ids=["exact", "case", "space"],
)
def test_the_salted_hash_matches_whatever_the_letter_case(site, baked_png, email):
    assert site.verify(baked_png, recipient_email=email).status == "valid"


def test_an_upper_case_md5_identity_matches(site):
    identity = salted(EMAIL, algorithm="md5").upper().replace("MD5$", "md5$")
    recipient = {"type": "email", "hashed": True, "salt": SALT, "identity": identity}
    site.put(ASSERTION_ID, assertion(recipient=recipient))

    verdict = site.verify(ASSERTION_ID)

    assert verdict.status == "valid", verdict.reason


def test_a_plain_recipient_matches(site):
    recipient = {"type": "email", "hashed": False, "identity": EMAIL}
    site.put(ASSERTION_ID, assertion(recipient=recipient))

    assert site.verify(ASSERTION_ID, recipient_email="LEARNER@example.org").status == (
        "valid"
    )


def test_someone_elses_badge_is_the_wrong_recipient(site, baked_png):
    verdict = site.verify(baked_png, recipient_email="impostor@example.org")

    assert verdict.status == "wrong-recipient"
    assert verdict.recipient_matches is False
    assert "impostor@example.org" in verdict.reason


def test_without_an_identity_the_recipient_is_not_judged(site, baked_png):
    verdict = site.verify(baked_png, recipient_email=None)

    assert verdict.status == "valid"
    assert verdict.recipient_matches is None
    assert any("recipient was not checked" in w for w in verdict.warnings)


def test_the_hosted_copy_decides_over_the_baked_copy(site, baked_png):
    recipient = {"type": "email", "hashed": True, "identity": salted("other@x.org", "")}
    site.put(ASSERTION_ID, assertion(recipient=recipient))

    assert site.verify(baked_png).status == "wrong-recipient"


def test_410_gone_means_revoked(site, baked_png):
    site.put(ASSERTION_ID, {"id": ASSERTION_ID, "revocationReason": "Duplicate"}, 410)

    verdict = site.verify(baked_png)

    assert verdict.status == "revoked"
    assert verdict.revocation_reason == "Duplicate"
    assert verdict.badge_name == "Robotics Mentor"
    assert verdict.recipient_matches is True


def test_410_without_a_body_means_revoked(site, baked_png):
    site.answer(ASSERTION_ID, 410)

    assert site.verify(baked_png).status == "revoked"


def test_a_revoked_body_means_revoked(site, baked_png):
    notice = {
        "@context": "https://w3id.org/openbadges/v2",
        "id": ASSERTION_ID,
        "type": "Assertion",
        "revoked": True,
        "revocationReason": "Awarded in error",
    }
    site.put(ASSERTION_ID, notice)

    verdict = site.verify(baked_png)

    assert verdict.status == "revoked"
    assert verdict.revocation_reason == "Awarded in error"
    assert "Awarded in error" in verdict.reason


def test_an_expired_badge_is_expired_at_as_of_not_today(site):
    site.put(ASSERTION_ID, assertion(expires="2026-06-30T00:00:00Z"))

    assert site.verify(ASSERTION_ID).status == "expired"
    earlier = site.verify(ASSERTION_ID, as_of=datetime(2026, 6, 1, tzinfo=UTC))
    assert earlier.status == "valid"
    assert earlier.expires == "2026-06-30T00:00:00Z"


def test_an_unreadable_expiry_is_malformed(site):
    site.put(ASSERTION_ID, assertion(expires="next summer"))

    assert site.verify(ASSERTION_ID).status == "malformed"


def test_an_assertion_on_another_host_is_an_origin_mismatch(site):
    elsewhere = "https://mirror.example.net/assertions/1"
    site.put(elsewhere, assertion(id=elsewhere))

    verdict = site.verify(elsewhere)

    assert verdict.status == "origin-mismatch"
    assert "mirror.example.net" in verdict.reason


def test_the_issuer_can_allow_other_origins(site):
    elsewhere = "https://mirror.example.net/assertions/1"
    site.put(elsewhere, assertion(id=elsewhere))
    policy = {"type": "hosted", "allowedOrigins": ["mirror.example.net"]}
    site.put(ISSUER_ID, issuer_profile(verification=policy))

    assert site.verify(elsewhere).status == "valid"


def test_starts_with_limits_the_allowed_paths(site):
    policy = {"type": "hosted", "startsWith": f"{HOST}/published/"}
    site.put(ISSUER_ID, issuer_profile(verification=policy))

    assert site.verify(ASSERTION_ID).status == "origin-mismatch"


def test_a_hosted_copy_that_cannot_be_reached_is_unreachable(site, baked_png):
    site.forget(ASSERTION_ID)

    assert site.verify(baked_png).status == "unreachable"
    site.answer(ASSERTION_ID, 500)
    assert site.verify(baked_png).status == "unreachable"


def test_a_hosted_copy_claiming_another_id_is_unverifiable(site, baked_png):
    site.put(ASSERTION_ID, assertion(id=f"{HOST}/assertions/2"))

    assert site.verify(baked_png).status == "unverifiable"


def test_a_badge_class_that_names_another_id_is_malformed(site, baked_png):
    site.put(BADGE_ID, {**badge_class(), "id": f"{HOST}/badges/other"})

    assert site.verify(baked_png).status == "malformed"


def test_a_missing_required_property_is_malformed(site):
    incomplete = assertion()
    del incomplete["issuedOn"]
    site.put(ASSERTION_ID, incomplete)

    verdict = site.verify(ASSERTION_ID)

    assert verdict.status == "malformed"
    assert "issuedOn" in verdict.reason


# --- OB 2.0 signed -----------------------------------------------------------


@pytest.fixture(scope="module")
def signing_key():
    return generate_signing_key(kid=KEY_ID)


def public_pem(private_pem):
    key = load_pem_private_key(private_pem, password=None).public_key()
    return key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()


@pytest.fixture
def signed_site(site, signing_key):
    private_pem, _ = signing_key
    site.put(ISSUER_ID, issuer_profile(publicKey=KEY_ID))
    site.put(
        KEY_ID,
        {
            "@context": "https://w3id.org/openbadges/v2",
            "type": "CryptographicKey",
            "id": KEY_ID,
            "owner": ISSUER_ID,
            "publicKeyPem": public_pem(private_pem),
        },
    )
    site.forget(ASSERTION_ID)  # a signed badge is never fetched from its id
    return site


def signed_assertion(signing_key, **extra):
    claims = assertion(verification={"type": "SignedBadge", "creator": KEY_ID}, **extra)
    return sign_jwt(claims, signing_key[0], KEY_ID)


def test_our_signed_assertion_verifies(signed_site, signing_key):
    verdict = signed_site.verify(signed_assertion(signing_key).encode())

    assert verdict.status == "valid", verdict.reason
    assert verdict.verification == "signed"
    assert verdict.embedded.payload == "jws"
    assert verdict.signing_key_id == KEY_ID
    assert verdict.jws_alg == "RS256"


def test_a_signed_assertion_baked_in_a_png_verifies(signed_site, signing_key):
    png = bake_png(make_png(), signed_assertion(signing_key))

    assert signed_site.verify(png).status == "valid"


def test_a_tampered_jws_is_a_bad_signature(signed_site, signing_key):
    head, _, signature = signed_assertion(signing_key).split(".")
    forged = assertion(
        recipient={"type": "email", "hashed": False, "identity": "thief@example.org"},
        verification={"type": "signed", "creator": KEY_ID},
    )
    body = base64.urlsafe_b64encode(json.dumps(forged).encode()).rstrip(b"=").decode()

    verdict = signed_site.verify(
        f"{head}.{body}.{signature}", recipient_email="thief@example.org"
    )

    assert verdict.status == "bad-signature"
    assert verdict.recipient_matches is True  # of the forged payload only


def test_another_keys_signature_is_bad(signed_site):
    stranger = generate_signing_key()
    claims = assertion(verification={"type": "signed", "creator": KEY_ID})

    assert signed_site.verify(sign_jwt(claims, stranger[0], KEY_ID)).status == (
        "bad-signature"
    )


def test_a_key_not_linked_to_the_issuer_is_unverifiable(signed_site, signing_key):
    signed_site.put(ISSUER_ID, issuer_profile())  # no publicKey listed

    assert signed_site.verify(signed_assertion(signing_key)).status == "unverifiable"


def test_a_key_that_cannot_be_fetched_is_unverifiable(signed_site, signing_key):
    signed_site.forget(KEY_ID)

    assert signed_site.verify(signed_assertion(signing_key)).status == "unverifiable"


def test_a_signed_assertion_on_the_revocation_list_is_revoked(signed_site, signing_key):
    listing = f"{HOST}/revocations"
    signed_site.put(ISSUER_ID, issuer_profile(publicKey=KEY_ID, revocationList=listing))
    entry = {"id": ASSERTION_ID, "revocationReason": "Left the programme"}
    signed_site.put(listing, {"type": "RevocationList", "revokedAssertions": [entry]})

    verdict = signed_site.verify(signed_assertion(signing_key))

    assert verdict.status == "revoked"
    assert verdict.revocation_reason == "Left the programme"


def test_an_unreachable_revocation_list_is_unreachable(signed_site, signing_key):
    listing = f"{HOST}/revocations"
    signed_site.put(ISSUER_ID, issuer_profile(publicKey=KEY_ID, revocationList=listing))

    assert signed_site.verify(signed_assertion(signing_key)).status == "unreachable"


# --- OB 3.0 VC-JWT -----------------------------------------------------------

SUBJECT_ID = "did:example:learner-7"
CREDENTIAL_ID = f"{HOST}/credentials/7"


def credential(**extra):
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": CREDENTIAL_ID,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": ISSUER_ID, "type": ["Profile"], "name": "Region of Learning"},
        "validFrom": "2026-03-01T00:00:00Z",
        "name": "Robotics Mentor",
        "credentialSubject": {
            "id": SUBJECT_ID,
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": SALT,
                    "identityHash": salted(EMAIL),
                }
            ],
            "achievement": {
                "id": BADGE_ID,
                "type": ["Achievement"],
                "name": "Robotics Mentor",
                "description": "Mentored a robotics club.",
                "criteria": {"narrative": "Run twelve club sessions."},
            },
        },
        **extra,
    }


def vc_jwt(signing_key, document=None, **claims):
    document = document or credential()
    payload = {
        **document,
        "iss": ISSUER_ID,
        "jti": document["id"],
        "sub": SUBJECT_ID,
        "nbf": int(datetime(2026, 3, 1, tzinfo=UTC).timestamp()),
        **claims,
    }
    payload = {name: value for name, value in payload.items() if value is not None}
    return sign_jwt(payload, signing_key[0], KEY_ID)


@pytest.fixture
def vc_site(tmp_path, signing_key):
    site = Site(tmp_path)
    site.put(KEY_ID, signing_key[1])
    return site


def test_our_vc_jwt_verifies(vc_site, signing_key):
    verdict = vc_site.verify(vc_jwt(signing_key), recipient_id=SUBJECT_ID)

    assert verdict.status == "valid", verdict.reason
    assert verdict.openbadges_version == "3.0"
    assert verdict.verification == "vc-jwt"
    assert verdict.credential_id == CREDENTIAL_ID
    assert verdict.achievement_id == BADGE_ID
    assert verdict.issuer_id == ISSUER_ID
    assert verdict.valid_from == "2026-03-01T00:00:00Z"
    assert verdict.recipient_matches is True


def test_a_vc_jwt_matches_by_hashed_email_too(vc_site, signing_key):
    verdict = vc_site.verify(vc_jwt(signing_key), recipient_email="LEARNER@example.org")

    assert verdict.status == "valid", verdict.reason


def test_a_vc_jwt_baked_in_png_and_svg_verifies(vc_site, signing_key):
    token = vc_jwt(signing_key)
    png = bake_png(make_png(), token, keyword="openbadgecredential")
    svg = bake_svg_credential('<svg xmlns="http://www.w3.org/2000/svg"/>', token)

    assert vc_site.verify(png).status == "valid"
    svg_verdict = vc_site.verify(svg)
    assert svg_verdict.status == "valid"
    assert svg_verdict.embedded.container == "svg-verify-attribute"


def test_a_tampered_vc_jwt_is_a_bad_signature(vc_site, signing_key):
    head, _, signature = vc_jwt(signing_key).split(".")
    forged = {**credential(), "iss": ISSUER_ID, "sub": "did:example:thief"}
    forged["credentialSubject"] = {
        **forged["credentialSubject"],
        "id": "did:example:thief",
    }
    body = base64.urlsafe_b64encode(json.dumps(forged).encode()).rstrip(b"=").decode()

    verdict = vc_site.verify(
        f"{head}.{body}.{signature}", recipient_id="did:example:thief"
    )

    assert verdict.status == "bad-signature"


def test_a_vc_jwt_past_valid_until_is_expired(vc_site, signing_key):
    token = vc_jwt(signing_key, credential(validUntil="2026-06-30T00:00:00Z"))

    assert vc_site.verify(token).status == "expired"


def test_a_vc_jwt_past_its_exp_claim_is_expired(vc_site, signing_key):
    exp = int(datetime(2026, 6, 30, tzinfo=UTC).timestamp())

    assert vc_site.verify(vc_jwt(signing_key, exp=exp)).status == "expired"


def test_a_vc_jwt_without_sub_is_malformed_with_a_warning(vc_site, signing_key):
    verdict = vc_site.verify(vc_jwt(signing_key, sub=None), recipient_id=SUBJECT_ID)

    assert verdict.status == "malformed"
    assert "JWT has no 'sub' claim" in verdict.warnings


def test_a_vc_jwt_whose_iss_is_not_the_issuer_is_malformed(vc_site, signing_key):
    token = vc_jwt(signing_key, iss="https://badges.example.org/someone-else")

    assert vc_site.verify(token).status == "malformed"


def test_a_vc_jwt_for_someone_else_is_the_wrong_recipient(vc_site, signing_key):
    verdict = vc_site.verify(
        vc_jwt(signing_key), recipient_email=None, recipient_id="did:example:other"
    )

    assert verdict.status == "wrong-recipient"


def test_a_vc_jwt_whose_key_is_missing_is_unverifiable(vc_site, signing_key):
    vc_site.forget(KEY_ID)

    assert vc_site.verify(vc_jwt(signing_key)).status == "unverifiable"


def test_a_vc_jwt_keyed_on_another_host_is_unverifiable(vc_site, signing_key):
    foreign_kid = "https://keys.example.net/1"
    vc_site.put(foreign_kid, signing_key[1])
    token = sign_jwt(
        {**credential(), "iss": ISSUER_ID, "sub": SUBJECT_ID},
        signing_key[0],
        foreign_kid,
    )

    verdict = vc_site.verify(token)

    assert verdict.status == "unverifiable"
    assert "host" in verdict.reason


def test_a_vc_jwt_signed_with_a_key_in_its_own_header_is_unverifiable(vc_site):
    """Anyone can sign with a key they made and name any issuer they like."""
    import jwt as pyjwt

    forger_private, forger_public = generate_signing_key(kid="forger")
    payload = {**credential(), "iss": ISSUER_ID, "jti": CREDENTIAL_ID}
    payload["sub"] = SUBJECT_ID
    public_jwk = {
        name: value
        for name, value in forger_public.items()
        if name in ("kty", "n", "e")
    }
    token = pyjwt.encode(
        payload,
        forger_private,
        algorithm="RS256",
        headers={"alg": "RS256", "typ": "JWT", "jwk": public_jwk},
    )

    verdict = vc_site.verify(token, recipient_id=SUBJECT_ID)

    assert verdict.status == "unverifiable"
    assert "carries itself" in verdict.reason
    assert verdict.issuer_id == ISSUER_ID  # what it claims, for the record


def test_a_vc_jwt_on_the_1edtech_revocation_list_is_revoked(vc_site, signing_key):
    listing = f"{HOST}/credentials/revocations"
    status = {"id": listing, "type": "1EdTechRevocationList"}
    token = vc_jwt(signing_key, credential(credentialStatus=status))
    entry = {"id": CREDENTIAL_ID, "revoked": True, "revocationReason": "Withdrawn"}
    vc_site.put(listing, {"id": listing, "revokedCredentials": [entry]})

    verdict = vc_site.verify(token)

    assert verdict.status == "revoked"
    assert verdict.revocation_reason == "Withdrawn"


def bitstring_list(revoked_index):
    bits = bytearray(16384)
    bits[revoked_index // 8] |= 0x80 >> (revoked_index % 8)
    encoded = base64.urlsafe_b64encode(gzip.compress(bytes(bits))).rstrip(b"=")
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": ISSUER_ID,
        "credentialSubject": {
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": "u" + encoded.decode(),
        },
    }


@pytest.mark.parametrize(("index", "status"), [(94, "revoked"), (95, "valid")])
def test_a_bitstring_status_list_is_read(vc_site, signing_key, index, status):
    listing = f"{HOST}/status/1"
    entry = {
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": listing,
    }
    vc_site.put(listing, bitstring_list(revoked_index=94))
    token = vc_jwt(signing_key, credential(credentialStatus=entry))

    assert vc_site.verify(token).status == status


def test_an_unreachable_status_list_is_not_read_as_revoked(vc_site, signing_key):
    status = {"id": f"{HOST}/credentials/revocations", "type": "1EdTechRevocationList"}
    token = vc_jwt(signing_key, credential(credentialStatus=status))

    assert vc_site.verify(token).status == "unreachable"


def test_a_vc_jwt_with_alg_none_is_refused(vc_site):
    def part(document):
        return base64.urlsafe_b64encode(json.dumps(document).encode()).rstrip(b"=")

    header = part({"alg": "none", "kid": KEY_ID}).decode()
    body = part({**credential(), "iss": ISSUER_ID, "sub": SUBJECT_ID}).decode()

    assert vc_site.verify(f"{header}.{body}.").status == "bad-signature"


# --- OB 3.0 Data Integrity (eddsa-rdfc-2022) --------------------------------

# A small JSON-LD context written for these tests: with @vocab every term
# maps to an IRI, which is all canonicalisation needs.
TEST_CONTEXT = {
    "@context": {
        "@vocab": "https://vocab.example.org/#",
        "id": "@id",
        "type": "@type",
        "proof": {
            "@id": "https://w3id.org/security#proof",
            "@type": "@id",
            "@container": "@graph",
        },
        "verificationMethod": {
            "@id": "https://w3id.org/security#verificationMethod",
            "@type": "@id",
        },
        "created": {
            "@id": "http://purl.org/dc/terms/created",
            "@type": "http://www.w3.org/2001/XMLSchema#dateTime",
        },
    }
}
OB3_CONTEXT = {
    "@context": {"@vocab": "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"}
}


def multikey(private_key):
    raw = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return "z" + base58.b58encode(b"\xed\x01" + raw).decode()


def canonical_hash(document, loader):
    options = {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": loader,
    }
    return hashlib.sha256(jsonld.normalize(document, options).encode()).digest()


def sign_data_integrity(document, private_key, method_id):
    contexts = {
        "https://www.w3.org/ns/credentials/v2": TEST_CONTEXT,
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": OB3_CONTEXT,
    }

    def loader(url, options=None):
        return {"contextUrl": None, "documentUrl": url, "document": contexts[url]}

    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2026-03-01T00:00:00Z",
        "verificationMethod": method_id,
        "proofPurpose": "assertionMethod",
    }
    to_sign = canonical_hash({**proof, "@context": document["@context"]}, loader)
    to_sign += canonical_hash(document, loader)
    signature = private_key.sign(to_sign)
    proof["proofValue"] = "z" + base58.b58encode(signature).decode()
    return {**document, "proof": [proof]}


@pytest.fixture(scope="module")
def ed_key():
    return Ed25519PrivateKey.generate()


@pytest.fixture
def di_site(tmp_path, ed_key):
    site = Site(tmp_path)
    site.put("https://www.w3.org/ns/credentials/v2", TEST_CONTEXT)
    site.put("https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json", OB3_CONTEXT)
    method_id = f"{ISSUER_ID}#{multikey(ed_key)}"
    site.put(
        ISSUER_ID,
        {
            "id": ISSUER_ID,
            "verificationMethod": [
                {
                    "id": method_id,
                    "type": "Multikey",
                    "controller": ISSUER_ID,
                    "publicKeyMultibase": multikey(ed_key),
                }
            ],
            "assertionMethod": [method_id],
        },
    )
    site.method_id = method_id
    return site


def test_our_data_integrity_credential_verifies(di_site, ed_key):
    signed = sign_data_integrity(credential(), ed_key, di_site.method_id)

    verdict = di_site.verify(json.dumps(signed).encode(), recipient_id=SUBJECT_ID)

    assert verdict.status == "valid", verdict.reason
    assert verdict.verification == "data-integrity eddsa-rdfc-2022"
    assert verdict.verification_method == di_site.method_id


def test_a_changed_data_integrity_credential_is_a_bad_signature(di_site, ed_key):
    signed = sign_data_integrity(credential(), ed_key, di_site.method_id)
    changed = copy.deepcopy(signed)
    changed["credentialSubject"]["achievement"]["name"] = "Chief Robotics Officer"

    assert di_site.verify(json.dumps(changed)).status == "bad-signature"


def test_a_data_integrity_key_the_issuer_does_not_list_is_unverifiable(di_site, ed_key):
    signed = sign_data_integrity(credential(), ed_key, di_site.method_id)
    di_site.put(ISSUER_ID, {"id": ISSUER_ID, "verificationMethod": []})

    assert di_site.verify(json.dumps(signed)).status == "unverifiable"


def test_a_data_integrity_credential_with_a_did_key_issuer_verifies(di_site, ed_key):
    did = f"did:key:{multikey(ed_key)}"
    document = credential(issuer={"id": did, "type": ["Profile"], "name": "Self"})
    signed = sign_data_integrity(document, ed_key, f"{did}#{multikey(ed_key)}")

    verdict = di_site.verify(json.dumps(signed), recipient_id=SUBJECT_ID)

    assert verdict.status == "valid", verdict.reason


def test_an_expired_data_integrity_credential_is_expired(di_site, ed_key):
    document = credential(validUntil="2026-04-01T00:00:00Z")
    signed = sign_data_integrity(document, ed_key, di_site.method_id)

    assert di_site.verify(json.dumps(signed)).status == "expired"


def test_a_credential_without_a_proof_is_unverifiable(di_site):
    assert di_site.verify(json.dumps(credential())).status == "unverifiable"


def test_an_unloadable_context_makes_the_proof_unverifiable(di_site, ed_key):
    signed = sign_data_integrity(credential(), ed_key, di_site.method_id)
    di_site.forget("https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json")

    assert di_site.verify(json.dumps(signed)).status == "unverifiable"


# --- legacy versions -----------------------------------------------------------


def ob05_assertion():
    return {
        "recipient": salted(EMAIL, "s05"),
        "salt": "s05",
        "issued_on": "2012-12-28",
        "badge": {
            "name": "Early Adopter",
            "version": "0.5.0",
            "issuer": {"origin": HOST, "name": "Region of Learning"},
        },
    }


def test_an_ob05_file_is_unverifiable_but_its_recipient_is_checked(site):
    verdict = site.verify(json.dumps(ob05_assertion()))

    assert verdict.status == "unverifiable"
    assert verdict.openbadges_version == "0.5"
    assert verdict.recipient_matches is True


def test_an_ob05_assertion_hosted_on_its_origin_verifies(site):
    site.put(f"{HOST}/old/1.json", ob05_assertion())

    verdict = site.verify(f"{HOST}/old/1.json")

    assert verdict.status == "valid", verdict.reason


def test_an_ob1_legacy_text_url_png_verifies(site):
    url = f"{HOST}/v1/assertion"
    site.put(
        url,
        {
            "uid": "abc",
            "recipient": {"type": "email", "hashed": False, "identity": EMAIL},
            "badge": f"{HOST}/v1/badge",
            "issuedOn": 1359217910,
            "verify": {"type": "hosted", "url": url},
        },
    )
    site.put(
        f"{HOST}/v1/badge",
        {
            "name": "Old",
            "description": "d",
            "image": "i",
            "criteria": "c",
            "issuer": f"{HOST}/v1/issuer",
        },
    )
    site.put(f"{HOST}/v1/issuer", {"name": "Region of Learning", "url": HOST})
    png = make_png([("tEXt", "openbadges", url)])

    verdict = site.verify(png)

    assert verdict.status == "valid", verdict.reason
    assert (verdict.openbadges_version, verdict.uid) == ("1.0", "abc")
    assert verdict.issued_on == 1359217910


# --- broken and hostile input ----------------------------------------------------

BOMB_SVG = (
    b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    b'<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>'
)


@pytest.mark.parametrize(
    "presented",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"\xff\xd8\xff\xe0JFIF", id="jpeg"),
        pytest.param(bytes(range(256)) * 4, id="random-bytes"),
        pytest.param(make_png()[:40], id="truncated-png"),
        pytest.param(BOMB_SVG, id="xml-bomb"),
        pytest.param(b"<html><body>hi</body></html>", id="html"),
        pytest.param(b'{"hello": "world"}', id="random-json"),
        pytest.param(b"[1, 2, 3]", id="json-list"),
        pytest.param(
            b'{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", id="deep-json"
        ),
        pytest.param(b'{"pad": "' + b"x" * 2_000_000 + b'"}', id="huge-json"),
        pytest.param(b"{not json", id="broken-json"),
        pytest.param(b"aaa.bbb.ccc", id="junk-jws"),
        pytest.param(make_png(), id="unbaked-png"),
        pytest.param("not a url, not a badge", id="text"),
    ],
)
def test_broken_or_hostile_input_is_malformed_not_an_exception(site, presented):
    verdict = site.verify(presented)

    assert verdict.status == "malformed"
    assert verdict.reason


def test_a_png_with_a_compression_bomb_is_malformed(site):
    bomb = zlib.compress(b" " * 50_000_000, 9)
    chunk = png_chunk(b"iTXt", b"openbadges\0\1\0\0\0" + bomb)

    verdict = site.verify(insert_before_iend(make_png(), chunk))

    assert verdict.status == "malformed"
    assert verdict.extracts is False
