"""Open Badges 3.0 credentials: VC-JWT and eddsa-rdfc-2022 Data Integrity.

The Data Integrity check follows the eddsa-rdfc-2022 cryptosuite: RDF
Dataset Canonicalization (RDFC-1.0, what pyld calls URDNA2015) of the proof
options and of the credential without its proof, SHA-256 of each, and an
Ed25519 signature over the two hashes. JSON-LD contexts are loaded through
the verification's fetcher, never from pyld's own HTTP client.
"""

import base64
import hashlib
import logging
import zlib

import base58
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pyld import jsonld
from pyld.context_resolver import ContextResolver

from openbadges import _keys
from openbadges._common import (
    Context,
    Outcome,
    as_dict,
    as_list,
    check_window,
    email_candidates,
    identity_matches,
    judge_recipient,
    load_json,
    node_id,
    parse_time,
    required_time,
    text_value,
)
from openbadges.fetch import FetchError
from openbadges.jose import SignatureError, read_claims, verify_jws

logger = logging.getLogger(__name__)

VC2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
VC1_CONTEXT = "https://www.w3.org/2018/credentials/v1"
OB3_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential"})
SUPPORTED_CRYPTOSUITE = "eddsa-rdfc-2022"
# A status list of the largest size the Bitstring Status List spec allows
# for privacy (131,072 entries) is 16 KiB; a MiB leaves room for larger lists.
MAX_STATUS_LIST_BYTES = 1_000_000


def looks_like_credential(document: dict) -> bool:
    """Return whether a JSON document presents itself as a VC / OB 3.0 credential."""
    contexts = [c for c in as_list(document.get("@context")) if isinstance(c, str)]
    types = {t for t in as_list(document.get("type")) if isinstance(t, str)}
    return bool(OB3_TYPES & types) or any(
        c in (VC2_CONTEXT, VC1_CONTEXT) or "purl.imsglobal.org/spec/ob/v3p0" in c
        for c in contexts
    )


def verify_credential(ctx: Context, credential: dict) -> Outcome:
    """Verify an OB 3.0 credential secured by an embedded proof."""
    describe(ctx, credential)
    check_shape(credential)
    proofs = [
        proof for proof in as_list(credential.get("proof")) if isinstance(proof, dict)
    ]
    if not proofs:
        ctx.found.verification = "none"
        raise Outcome(
            "unverifiable",
            "The credential carries no proof, so nothing shows who issued it.",
        )
    proof = proofs[0]
    suite = proof.get("cryptosuite") or proof.get("type")
    ctx.found.verification = f"data-integrity {suite}"
    if proof.get("type") != "DataIntegrityProof" or suite != SUPPORTED_CRYPTOSUITE:
        raise Outcome(
            "unverifiable",
            f"The credential is secured with {suite}, which this verifier does not "
            f"check (it checks {SUPPORTED_CRYPTOSUITE} proofs and VC-JWT).",
        )
    check_data_integrity(ctx, credential, proof)
    return judge(ctx, credential, {}, "its Data Integrity proof verifies")


def verify_credential_jwt(
    ctx: Context, token: str, header: dict, claims: dict
) -> Outcome:
    """Verify an OB 3.0 credential secured as a VC-JWT."""
    # VC-JWT for VC 1.1 wraps the credential in a vc claim; OB 3.0 puts the
    # credential itself in the payload.
    credential = claims["vc"] if isinstance(claims.get("vc"), dict) else claims
    ctx.found.verification = "vc-jwt"
    ctx.found.jws_alg = header.get("alg")
    describe(ctx, credential)
    check_shape(credential)
    try:
        key = _keys.jwt_key(ctx, header, node_id(credential.get("issuer")))
    except _keys.KeyUnavailable as error:
        raise Outcome(
            "unverifiable", f"The issuer's key could not be established: {error}"
        ) from error
    ctx.found.signing_key_id = header.get("kid")
    try:
        verify_jws(token, key)
    except SignatureError as error:
        raise Outcome(
            "bad-signature",
            "The credential's signature does not verify with the issuer's key: it "
            "was changed after it was signed, or someone else signed it.",
        ) from error
    check_jwt_claims(ctx, claims, credential)
    if _keys.carries_own_key(header):
        raise Outcome(
            "unverifiable",
            "The credential's signature verifies only with a key the credential "
            "carries itself (its jwk header). Nothing ties that key to the issuer "
            "it names, so anyone could have signed it.",
        )
    return judge(ctx, credential, claims, "its JWT signature verifies")


def describe(ctx: Context, credential: dict) -> None:
    """Note the credential's ids, names, dates and recipient check."""
    found = ctx.found
    found.openbadges_version = "3.0"
    found.credential_id = credential.get("id")
    issuer = credential.get("issuer")
    found.issuer_id = node_id(issuer)
    if isinstance(issuer, dict):
        found.issuer_name = text_value(issuer.get("name"))
    subject = _subject(credential)
    achievement = subject.get("achievement")
    if isinstance(achievement, dict):
        found.achievement_id = achievement.get("id")
        found.badge_name = text_value(achievement.get("name"))
    found.valid_from = credential.get("validFrom", credential.get("issuanceDate"))
    found.valid_until = credential.get("validUntil", credential.get("expirationDate"))
    found.recipient_matches = subject_matches(ctx, subject)


def _subject(credential: dict) -> dict:
    subject = credential.get("credentialSubject")
    if isinstance(subject, list):
        subject = subject[0] if subject else None
    return subject if isinstance(subject, dict) else {}


def check_shape(credential: dict) -> None:
    """End with malformed if the credential breaks a MUST of VC / OB 3.0."""
    contexts = as_list(credential.get("@context"))
    if not contexts or contexts[0] not in (VC2_CONTEXT, VC1_CONTEXT):
        raise Outcome(
            "malformed",
            "The credential's first @context is not the W3C credentials context.",
        )
    types = {t for t in as_list(credential.get("type")) if isinstance(t, str)}
    if "VerifiableCredential" not in types or not OB3_TYPES & types:
        raise Outcome("malformed", "The credential is not an OpenBadgeCredential.")
    if not node_id(credential.get("issuer")):
        raise Outcome("malformed", "The credential does not name its issuer.")
    if not isinstance(credential.get("credentialSubject"), dict | list):
        raise Outcome("malformed", "The credential has no credentialSubject.")
    start = "validFrom" if contexts[0] == VC2_CONTEXT else "issuanceDate"
    if not credential.get(start):
        raise Outcome("malformed", f"The credential has no {start}.")


def subject_matches(ctx: Context, subject: dict) -> bool | None:
    """Return whether the subject's id or identifiers match the identity given."""
    results = []
    if ctx.recipient_id and isinstance(subject.get("id"), str):
        results.append(subject["id"] == ctx.recipient_id)
    for identifier in as_list(subject.get("identifier")):
        if not isinstance(identifier, dict):
            continue
        candidates = _candidates_for(ctx, identifier.get("identityType"))
        if candidates:
            results.append(
                identity_matches(
                    identifier.get("identityHash"),
                    hashed=identifier.get("hashed"),
                    salt=identifier.get("salt"),
                    candidates=candidates,
                )
            )
    return any(results) if results else None


def _candidates_for(ctx: Context, identity_type) -> list[str]:
    if identity_type == "emailAddress":
        return email_candidates(ctx.email) if ctx.email else []
    return [ctx.recipient_id] if ctx.recipient_id else []


def check_jwt_claims(ctx: Context, claims: dict, credential: dict) -> None:
    """End with malformed if the JWT claims contradict the credential (OB 3.0)."""
    problems = []
    issuer_id = node_id(credential.get("issuer"))
    if claims.get("iss") != issuer_id:
        problems.append("its iss claim is not the credential's issuer id")
    if "jti" in claims and claims["jti"] != credential.get("id"):
        problems.append("its jti claim is not the credential's id")
    subject_id = _subject(credential).get("id")
    if "sub" not in claims and subject_id is not None:
        ctx.warn("JWT has no 'sub' claim")
        problems.append("it has no sub claim naming credentialSubject.id")
    elif "sub" in claims and claims["sub"] != subject_id:
        problems.append("its sub claim is not credentialSubject.id")
    if "aud" in claims:
        ctx.warn(
            "JWT carries an 'aud' claim (not defined by OB 3.0; must not by itself "
            "fail verification)"
        )
    if problems:
        raise Outcome(
            "malformed",
            "The credential's signature verifies, but its JWT breaks Open Badges "
            f"3.0: {'; '.join(problems)}.",
        )


def judge(ctx: Context, credential: dict, claims: dict, how: str) -> Outcome:
    """Check status, validity window and recipient, and return valid."""
    check_status(ctx, credential)
    starts = [
        required_time(credential.get("validFrom"), "validFrom"),
        required_time(credential.get("issuanceDate"), "issuanceDate"),
        parse_time(claims.get("nbf")),
    ]
    ends = [
        required_time(credential.get("validUntil"), "validUntil"),
        required_time(credential.get("expirationDate"), "expirationDate"),
        parse_time(claims.get("exp")),
    ]
    not_before = max((t for t in starts if t), default=None)
    not_after = min((t for t in ends if t), default=None)
    check_window(ctx, not_before=not_before, not_after=not_after)
    judge_recipient(ctx, "an identifier that does not fit what was given")
    return Outcome(
        "valid",
        f"Verified: an Open Badges 3.0 credential from "
        f"{ctx.found.issuer_name or ctx.found.issuer_id}; {how} with the issuer's "
        "key, it is within its validity period, not known to be revoked, and "
        "awarded to the identity given.",
    )


# --- Data Integrity (eddsa-rdfc-2022) -----------------------------------------


def check_data_integrity(ctx: Context, credential: dict, proof: dict) -> None:
    """End unless the proof verifies with a key the issuer controls."""
    method_id = proof.get("verificationMethod")
    if not isinstance(method_id, str):
        raise Outcome("malformed", "The proof names no verificationMethod.")
    ctx.found.verification_method = method_id
    if proof.get("proofPurpose") != "assertionMethod":
        raise Outcome("malformed", "The proof's purpose is not assertionMethod.")
    key = _issuer_ed25519_key(ctx, method_id, node_id(credential.get("issuer")))
    signature = _multibase_signature(proof.get("proofValue"))
    created = parse_time(proof.get("created"))
    if created is not None and created > ctx.as_of:
        ctx.warn("The proof says it was created after the verification time.")
    try:
        key.verify(signature, _hash_data(ctx, credential, proof))
    except InvalidSignature as error:
        raise Outcome(
            "bad-signature",
            "The credential's proof does not verify with the issuer's key: it was "
            "changed after it was signed, or someone else signed it.",
        ) from error


def _issuer_ed25519_key(ctx: Context, method_id: str, issuer_id) -> Ed25519PublicKey:
    try:
        method, document = _keys.verification_method(ctx, method_id)
        controller = _keys.controller_of(method, document)
        if controller != issuer_id:
            raise _keys.KeyUnavailable(
                f"the key {method_id} belongs to {controller}, not the issuer"
            )
        if not _keys.listed_for_assertions(document, method_id):
            raise _keys.KeyUnavailable(
                f"the issuer does not list {method_id} for issuing credentials"
            )
        key = _keys.ed25519_key(method.get("publicKeyMultibase"))
    except _keys.KeyUnavailable as error:
        raise Outcome(
            "unverifiable",
            f"The issuer's key could not be established ({error}), so the proof "
            "cannot be checked.",
        ) from error
    return key


def _multibase_signature(proof_value) -> bytes:
    if not isinstance(proof_value, str) or not proof_value.startswith("z"):
        raise Outcome("malformed", "The proof value is not base58btc multibase.")
    try:
        return base58.b58decode(proof_value[1:])
    except ValueError as error:
        raise Outcome("malformed", "The proof value is not valid base58.") from error


def _hash_data(ctx: Context, credential: dict, proof: dict) -> bytes:
    """Return SHA-256(canonical proof options) + SHA-256(canonical document)."""
    options = {name: value for name, value in proof.items() if name != "proofValue"}
    options["@context"] = credential.get("@context")
    unsecured = {name: value for name, value in credential.items() if name != "proof"}
    return _sha256_canonical(ctx, options) + _sha256_canonical(ctx, unsecured)


def _sha256_canonical(ctx: Context, document: dict) -> bytes:
    failures: list[str] = []
    loader = _document_loader(ctx, failures)
    options = {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": loader,
        # A cache of our own, so contexts never carry over between
        # verifications (pyld's default cache is shared by the process).
        "contextResolver": ContextResolver({}, loader),
    }
    try:
        canonical = jsonld.normalize(document, options)
    except (jsonld.JsonLdError, RecursionError) as error:
        if failures:
            raise Outcome(
                "unverifiable",
                f"The JSON-LD context {failures[0]} could not be loaded, so the "
                "proof cannot be checked.",
            ) from error
        raise Outcome("malformed", "The credential is not valid JSON-LD.") from error
    return hashlib.sha256(canonical.encode("utf-8")).digest()


def _document_loader(ctx: Context, failures: list[str]):
    def load(url, options=None):
        try:
            response = ctx.fetch(url)
            if response.status != 200:
                raise FetchError(f"HTTP {response.status}")
            document = load_json(response.body, f"the JSON-LD context {url}")
        except (FetchError, Outcome) as error:
            failures.append(url)
            raise jsonld.JsonLdError(
                f"Could not load {url}",
                "jsonld.LoadDocumentError",
                code="loading document failed",
            ) from error
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": document,
        }

    return load


# --- credentialStatus ----------------------------------------------------------


def check_status(ctx: Context, credential: dict) -> None:
    """End with revoked if the credential's status entry says so."""
    for status in as_list(credential.get("credentialStatus")):
        if not isinstance(status, dict):
            continue
        kind = status.get("type")
        if kind == "1EdTechRevocationList":
            _check_revocation_list(ctx, status, credential.get("id"))
        elif kind in ("BitstringStatusListEntry", "StatusList2021Entry"):
            _check_bitstring(ctx, status)
        else:
            ctx.warn(
                f"Revocation was not checked: status type {kind} is not supported."
            )


def _check_revocation_list(ctx: Context, status: dict, credential_id) -> None:
    url = status.get("id")
    listing = _status_document(ctx, url, "the issuer's revocation list")
    entries = as_list(listing.get("revokedCredentials")) + as_list(
        as_dict(listing.get("credentialSubject")).get("revokedCredentials")
    )
    for entry in entries:
        entry_id = entry if isinstance(entry, str) else node_id(entry)
        still_revoked = not isinstance(entry, dict) or entry.get("revoked", True)
        if entry_id == credential_id and still_revoked:
            reason = (
                text_value(entry.get("revocationReason"))
                if isinstance(entry, dict)
                else None
            )
            _revoked(ctx, reason)


def _check_bitstring(ctx: Context, status: dict) -> None:
    url = status.get("statusListCredential")
    listing = _status_document(ctx, url, "the issuer's status list")
    subject = _subject(listing)
    try:
        index = int(status.get("statusListIndex"))
        bits = _decode_bitstring(subject.get("encodedList"))
        flagged = bits[index // 8] >> (7 - index % 8) & 1
    except (TypeError, ValueError, IndexError) as error:
        raise Outcome(
            "malformed", f"The status list at {url} cannot be read at this index."
        ) from error
    if flagged:
        purpose = status.get("statusPurpose", "revocation")
        _revoked(ctx, None if purpose == "revocation" else f"status: {purpose}")


def _decode_bitstring(encoded) -> bytes:
    if not isinstance(encoded, str):
        raise ValueError("no encodedList")
    text = encoded[1:] if encoded.startswith("u") else encoded
    compressed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    inflater = zlib.decompressobj(wbits=47)  # gzip or zlib header
    bits = inflater.decompress(compressed, MAX_STATUS_LIST_BYTES)
    if inflater.unconsumed_tail:
        raise ValueError("status list too large")
    return bits


def _status_document(ctx: Context, url, what: str) -> dict:
    if not isinstance(url, str):
        raise Outcome("malformed", "The credential's status entry has no URL.")
    response = ctx.fetch_ok(url, what)
    body = response.body.strip()
    # A status list may itself be a VC-JWT; its own proof is not checked here.
    if body[:1] != b"{":
        ctx.warn(f"The signature of {what} was not checked.")
        try:
            return read_claims(body.decode("ascii", "replace"))
        except SignatureError as error:
            raise Outcome(
                "malformed", f"{what.capitalize()} cannot be read."
            ) from error
    document = load_json(body, what)
    if not isinstance(document, dict):
        raise Outcome("malformed", f"{what.capitalize()} is not a JSON object.")
    return document


def _revoked(ctx: Context, reason: str | None) -> None:
    ctx.found.revocation_reason = reason
    said = f" The reason given: {reason}." if reason else ""
    raise Outcome("revoked", f"The issuer has revoked this credential.{said}")
