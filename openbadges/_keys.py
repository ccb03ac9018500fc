"""Find an OB 3.0 issuer's public key: JWKs, controller documents and DIDs."""

import logging
from urllib.parse import unquote, urldefrag

import base58
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from openbadges._common import (
    Context,
    Outcome,
    as_dict,
    as_list,
    host_of,
    is_web_url,
    load_json_object,
)
from openbadges.fetch import FetchError

logger = logging.getLogger(__name__)

# Multicodec prefix of an Ed25519 public key in a Multikey / did:key value.
ED25519_PUBLIC_PREFIX = b"\xed\x01"


class KeyUnavailable(Exception):
    """The issuer's key cannot be found or is not linked to the issuer."""


def did_web_document_url(did: str) -> str:
    """Return the https URL of a did:web DID's document."""
    parts = did.split("#", 1)[0].split(":")[2:]
    if not parts or not parts[0]:
        raise KeyUnavailable(f"{did} is not a did:web identifier.")
    host = unquote(parts[0])
    path = "/".join(unquote(part) for part in parts[1:])
    if not path:
        return f"https://{host}/.well-known/did.json"
    return f"https://{host}/{path}/did.json"


def ed25519_key(multibase: str) -> Ed25519PublicKey:
    """Return the Ed25519 key of a base58btc Multikey value (z6Mk...)."""
    if not isinstance(multibase, str) or not multibase.startswith("z"):
        raise KeyUnavailable("The key is not a base58btc multibase value.")
    try:
        raw = base58.b58decode(multibase[1:])
    except ValueError as error:
        raise KeyUnavailable("The key is not valid base58.") from error
    if not raw.startswith(ED25519_PUBLIC_PREFIX) or len(raw) != 34:
        raise KeyUnavailable("The key is not an Ed25519 public key.")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def verification_method(ctx: Context, method_id: str) -> tuple[dict, dict | None]:
    """Return a verification method and the controller document holding it."""
    if method_id.startswith("did:key:"):
        did, _, fragment = method_id.partition("#")
        multibase = did.removeprefix("did:key:")
        if fragment and fragment != multibase:
            raise KeyUnavailable(f"{method_id} does not name the did:key's own key.")
        method = {"id": method_id, "controller": did, "publicKeyMultibase": multibase}
        return method, None
    if method_id.startswith("did:web:"):
        document = _fetch_key_document(ctx, did_web_document_url(method_id))
    elif is_web_url(method_id):
        document = _fetch_key_document(ctx, urldefrag(method_id).url)
    else:
        raise KeyUnavailable(f"Keys named like {method_id!r} cannot be looked up.")
    if document.get("id") == method_id and _has_key(document):
        return document, None
    method = find_method(document, method_id)
    if method is None:
        raise KeyUnavailable(f"The document for {method_id} does not list that key.")
    return method, document


def _fetch_key_document(ctx: Context, url: str) -> dict:
    try:
        response = ctx.fetch(url)
    except FetchError as error:
        raise KeyUnavailable(f"the key document at {url} does not answer") from error
    if response.status != 200:
        raise KeyUnavailable(f"the key document at {url} answered {response.status}")
    try:
        return load_json_object(response.body, f"the key document at {url}")
    except Outcome as failure:
        raise KeyUnavailable(failure.reason) from failure


def _has_key(document: dict) -> bool:
    return "publicKeyJwk" in document or "publicKeyMultibase" in document


def find_method(document: dict, method_id: str) -> dict | None:
    """Return the verification method with method_id from a DID/controller doc."""
    base = document.get("id", "")
    for method in as_list(document.get("verificationMethod")) + as_list(
        document.get("assertionMethod")
    ):
        if not isinstance(method, dict):
            continue
        own_id = method.get("id")
        if not isinstance(own_id, str):
            continue
        if own_id.startswith("#"):
            own_id = base + own_id
        if own_id == method_id:
            return {**method, "id": own_id}
    return None


def listed_for_assertions(document: dict | None, method_id: str) -> bool:
    """Return whether a controller document authorises the key for assertions."""
    if document is None or "assertionMethod" not in document:
        return True
    base = document.get("id", "")
    for entry in as_list(document.get("assertionMethod")):
        entry_id = entry.get("id") if isinstance(entry, dict) else entry
        if isinstance(entry_id, str) and entry_id.startswith("#"):
            entry_id = base + entry_id
        if entry_id == method_id:
            return True
    return False


def controller_of(method: dict, document: dict | None) -> str | None:
    """Return who controls a verification method."""
    controller = method.get("controller") or as_dict(document).get("id")
    return controller if isinstance(controller, str) else None


def carries_own_key(header: dict) -> bool:
    """Tell whether a token is checked with the key in its own header.

    Such a key proves only that whoever made the token holds it: nothing ties
    it to the issuer the token names.
    """
    return isinstance(header.get("jwk"), dict) and not header.get("kid")


def jwt_key(ctx: Context, header: dict, issuer_id: str | None):
    """Return the key a VC-JWT names: the issuer's by its kid, else its jwk."""
    if carries_own_key(header):
        ctx.warn(
            "The token carries its own public key (jwk header); that key is not "
            "published by the issuer."
        )
        return header["jwk"]
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise KeyUnavailable("The token names no key (no kid or jwk header).")
    kid = _absolute_kid(kid, issuer_id)
    _check_kid_belongs_to_issuer(kid, issuer_id)
    if kid.startswith("did:") or "#" in kid:
        method, _ = verification_method(ctx, kid)
        return _method_key(method)
    document = _fetch_key_document(ctx, kid)
    return _key_from_document(document, kid)


def _absolute_kid(kid: str, issuer_id: str | None) -> str:
    if kid.startswith("#") and issuer_id:
        return issuer_id + kid
    return kid


def _check_kid_belongs_to_issuer(kid: str, issuer_id: str | None) -> None:
    """Refuse a key published somewhere the issuer does not control."""
    if not issuer_id:
        raise KeyUnavailable("The credential names no issuer.")
    if kid.startswith("did:"):
        if kid.split("#", 1)[0] != issuer_id.split("#", 1)[0]:
            raise KeyUnavailable(f"The key {kid} is not the issuer {issuer_id}'s.")
        return
    if host_of(kid) != host_of(issuer_id):
        raise KeyUnavailable(
            f"The key {kid} is not published on the issuer's host "
            f"({host_of(issuer_id) or issuer_id})."
        )


def _key_from_document(document: dict, kid: str):
    """Return the JWK in a fetched key document: a JWK, a JWK Set or a method."""
    if "kty" in document:
        return document
    for key in as_list(document.get("keys")):
        if isinstance(key, dict) and key.get("kid") in (kid, None):
            return key
    method = find_method(document, kid)
    if method is not None:
        return _method_key(method)
    raise KeyUnavailable(f"No key was found at {kid}.")


def _method_key(method: dict):
    if isinstance(method.get("publicKeyJwk"), dict):
        return method["publicKeyJwk"]
    if "publicKeyMultibase" in method:
        return ed25519_key(method["publicKeyMultibase"])
    raise KeyUnavailable(f"The key {method.get('id')} has no usable key material.")
