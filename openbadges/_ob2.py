"""Open Badges 2.0 assertions: hosted verification and signed (JWS) badges."""

import logging

from openbadges._common import (
    Context,
    Outcome,
    as_dict,
    as_list,
    check_window,
    email_candidates,
    host_of,
    identity_matches,
    is_web_url,
    judge_recipient,
    load_json,
    load_json_object,
    node_id,
    required_time,
    shown_date,
    text_value,
)
from openbadges.fetch import FetchError
from openbadges.jose import SignatureError, verify_jws

logger = logging.getLogger(__name__)

ASSERTION_REQUIRED = ("id", "type", "recipient", "badge", "verification", "issuedOn")
BADGE_CLASS_REQUIRED = (
    "id",
    "type",
    "name",
    "description",
    "image",
    "criteria",
    "issuer",
)
ISSUER_REQUIRED = ("id", "type", "name")
ISSUER_EXPECTED = ("url", "email")
VERIFICATION_TYPES = {
    "hosted": "hosted",
    "hostedbadge": "hosted",
    "signed": "signed",
    "signedbadge": "signed",
}


def verification_type(assertion: dict) -> str | None:
    """Return hosted or signed from an assertion's verification object."""
    verification = assertion.get("verification")
    if not isinstance(verification, dict):
        return None
    return VERIFICATION_TYPES.get(str(verification.get("type", "")).lower())


def verify_hosted(ctx: Context, baked: dict) -> Outcome:
    """Verify a 2.0 hosted assertion by its issuer's copy at its id."""
    ctx.found.openbadges_version = "2.0"
    ctx.found.verification = "hosted"
    if verification_type(baked) == "signed":
        raise Outcome(
            "unverifiable",
            "The assertion says it is a signed badge, but this copy carries no "
            "signature (a signed badge is shared as its JWS text).",
        )
    record_assertion(ctx, baked)
    assertion_id = baked.get("id")
    if not is_web_url(assertion_id):
        raise Outcome("malformed", "The assertion has no id URL to check it at.")
    # The hosted copy decides: the issuer may have changed or revoked it.
    hosted = fetch_hosted(ctx, assertion_id, baked)
    require_fields(hosted, ASSERTION_REQUIRED, "assertion")
    if hosted["id"] != assertion_id:
        raise Outcome(
            "unverifiable",
            f"The document at {assertion_id} says it is {hosted['id']!r}, so it "
            "does not vouch for this badge.",
        )
    record_assertion(ctx, hosted)
    _, issuer = load_badge_class_and_issuer(ctx, hosted)
    check_hosted_scope(ctx, assertion_id, issuer)
    return judge_standing(ctx, hosted, f"hosted on {host_of(assertion_id)}")


def verify_signed(ctx: Context, token: str, header: dict, assertion: dict) -> Outcome:
    """Verify a 2.0 signed assertion against its issuer's published key."""
    ctx.found.openbadges_version = "2.0"
    ctx.found.verification = "signed"
    ctx.found.jws_alg = header.get("alg")
    require_fields(assertion, ASSERTION_REQUIRED, "assertion")
    record_assertion(ctx, assertion)
    # A signed assertion is not fetched from its id: the signature decides.
    _, issuer = load_badge_class_and_issuer(ctx, assertion)
    key_id, public_pem = issuer_key(ctx, assertion, issuer)
    ctx.found.signing_key_id = key_id
    if header.get("alg") != "RS256":
        ctx.warn(
            f"Open Badges 2.0 signatures use RS256; this one uses {header.get('alg')}."
        )
    try:
        verify_jws(token, public_pem)
    except SignatureError as error:
        raise Outcome(
            "bad-signature",
            f"The signature does not match the key {ctx.found.issuer_name} published: "
            "the badge was changed after it was signed, or someone else signed it.",
        ) from error
    check_revocation_list(ctx, issuer, assertion["id"])
    return judge_standing(ctx, assertion, "signed with the issuer's key")


# --- the assertion and the documents it links ------------------------------


def record_assertion(ctx: Context, assertion: dict) -> None:
    """Note the assertion's id, dates and badge link as written."""
    found = ctx.found
    found.assertion_id = assertion.get("id", found.assertion_id)
    found.issued_on = assertion.get("issuedOn", found.issued_on)
    found.expires = assertion.get("expires")
    found.badge_class_id = node_id(assertion.get("badge")) or found.badge_class_id
    found.recipient_matches = recipient_matches(ctx, assertion.get("recipient"))


def require_fields(document: dict, names: tuple, what: str) -> None:
    """End with malformed if the document lacks a property the spec requires."""
    missing = [name for name in names if document.get(name) in (None, "", [])]
    if missing:
        raise Outcome(
            "malformed",
            f"The {what} lacks required properties: {', '.join(missing)}.",
        )
    if "recipient" in names and not isinstance(document["recipient"], dict):
        raise Outcome("malformed", f"The {what}'s recipient is not an object.")


def fetch_hosted(ctx: Context, url: str, baked: dict) -> dict:
    """Fetch the issuer's copy of an assertion, ending with revoked if it says so."""
    what = "the issuer's copy of the assertion"
    try:
        response = ctx.fetch(url)
    except FetchError as error:
        raise Outcome(
            "unreachable", f"Could not reach {what} at {url} ({error})."
        ) from error
    if response.status == 410:
        notice = _quiet_json(response.body)
        revoked(ctx, baked, notice, f"The issuer's copy at {url} answers 410 Gone")
    if response.status != 200:
        raise Outcome(
            "unreachable",
            f"The issuer's copy at {url} answered HTTP {response.status}.",
        )
    hosted = load_json_object(response.body, f"{what} at {url}")
    if hosted.get("revoked") is True:
        revoked(
            ctx, baked, hosted, "The issuer's copy of the assertion is marked revoked"
        )
    return hosted


def _quiet_json(body: bytes) -> dict:
    try:
        document = load_json(body, "the revocation notice")
    except Outcome:
        return {}
    return document if isinstance(document, dict) else {}


def revoked(ctx: Context, baked: dict, notice: dict, how: str) -> None:
    """End with revoked, still describing the badge from the baked copy."""
    reason = text_value(notice.get("revocationReason"))
    ctx.found.revocation_reason = reason
    # A revocation notice need only carry id and revoked: describe the badge
    # from the presented copy where the notice is silent.
    described = {**baked, **notice}
    record_assertion(ctx, described)
    try:
        load_badge_class_and_issuer(ctx, described)
    except Outcome as failure:
        ctx.warn(f"The badge could not be described fully: {failure.reason}")
    said = f" The reason given: {reason}." if reason else ""
    raise Outcome("revoked", f"{how}: the issuer has revoked this badge.{said}")


def load_badge_class_and_issuer(ctx: Context, assertion: dict) -> tuple[dict, dict]:
    """Fetch the assertion's BadgeClass and Issuer, checking how they link."""
    badge_class = load_linked(ctx, assertion.get("badge"), "badge class")
    require_fields(badge_class, BADGE_CLASS_REQUIRED, "badge class")
    ctx.found.badge_class_id = badge_class["id"]
    ctx.found.badge_name = text_value(badge_class["name"])
    issuer = load_linked(ctx, badge_class.get("issuer"), "issuer profile")
    require_fields(issuer, ISSUER_REQUIRED, "issuer profile")
    for name in ISSUER_EXPECTED:
        if not issuer.get(name):
            ctx.warn(f"The issuer profile has no {name}.")
    ctx.found.issuer_id = issuer["id"]
    ctx.found.issuer_name = text_value(issuer["name"])
    return badge_class, issuer


def load_linked(ctx: Context, reference, what: str) -> dict:
    """Return a linked document: embedded as an object, or fetched by its URL."""
    if isinstance(reference, dict):
        return reference
    if not is_web_url(reference):
        raise Outcome("malformed", f"The badge does not link its {what} by URL.")
    document = ctx.fetch_document(reference, f"the {what}")
    if document.get("id") != reference:
        raise Outcome(
            "malformed",
            f"The {what} at {reference} says its id is {document.get('id')!r}.",
        )
    return document


def check_hosted_scope(ctx: Context, assertion_id: str, issuer: dict) -> None:
    """End with origin-mismatch unless the issuer's hosting policy allows the URL.

    The policy is the issuer profile's ``verification`` (``allowedOrigins``,
    ``startsWith``); without one the assertion must be on the issuer id's host.
    """
    policy = issuer.get("verification")
    policy = policy if isinstance(policy, dict) else {}
    prefixes = [p for p in as_list(policy.get("startsWith")) if isinstance(p, str)]
    origins = [
        o.lower() for o in as_list(policy.get("allowedOrigins")) if isinstance(o, str)
    ]
    host = host_of(assertion_id)
    if prefixes and not any(assertion_id.startswith(p) for p in prefixes):
        raise Outcome(
            "origin-mismatch",
            f"The assertion at {assertion_id} is outside the addresses "
            f"{ctx.found.issuer_name} allows ({', '.join(prefixes)}), so it is "
            "not verified as theirs.",
        )
    allowed = origins or ([] if prefixes else [host_of(issuer["id"])])
    if allowed and host not in allowed:
        raise Outcome(
            "origin-mismatch",
            f"The assertion is hosted on {host}, but {ctx.found.issuer_name} "
            f"publishes its badges on {', '.join(allowed)}: anyone could have "
            "put it there, so it is not verified as theirs.",
        )


def recipient_matches(ctx: Context, recipient) -> bool | None:
    """Return whether a 1.x/2.0 recipient object names the identity given."""
    if not isinstance(recipient, dict):
        return None
    kind = str(recipient.get("type", "email")).lower()
    if kind == "email":
        candidates = email_candidates(ctx.email) if ctx.email else None
    else:
        candidates = [ctx.recipient_id] if ctx.recipient_id else None
    if candidates is None:
        return None
    return identity_matches(
        recipient.get("identity"),
        hashed=recipient.get("hashed"),
        salt=recipient.get("salt"),
        candidates=candidates,
    )


def judge_standing(ctx: Context, assertion: dict, how: str) -> Outcome:
    """Check expiry and recipient, and return the valid outcome."""
    expires = required_time(assertion.get("expires"), "expiry date")
    check_window(ctx, not_before=None, not_after=expires)
    kind = str(as_dict(assertion.get("recipient")).get("type", "email"))
    judge_recipient(ctx, f"a recipient of type {kind}")
    until = f"valid until {shown_date(expires)}" if expires else "has no expiry date"
    return Outcome(
        "valid",
        f"Verified: issued by {ctx.found.issuer_name or 'its issuer'} and {how}; "
        f"not revoked, {until}, and awarded to the identity given.",
    )


# --- signed badges: the key and the revocation list ------------------------


def issuer_key(ctx: Context, assertion: dict, issuer: dict) -> tuple[str, str]:
    """Return the signing key's id and PEM, if it is properly the issuer's."""
    published = issuer.get("publicKey")
    published_ids = [node_id(key) for key in as_list(published)]
    creator = node_id(as_dict(assertion.get("verification")).get("creator"))
    key_id = creator or next((k for k in published_ids if k), None)
    if not key_id:
        raise Outcome("unverifiable", "The badge names no key to check its signature.")
    key = _load_key(ctx, key_id, published)
    # OB 2.0: trust a key only if the issuer lists it and it names the issuer.
    if key.get("owner") != issuer.get("id") or key_id not in published_ids:
        raise Outcome(
            "unverifiable",
            f"The signing key {key_id} is not linked both ways to the issuer "
            f"{issuer.get('id')}, so the signature cannot show the issuer made it.",
        )
    pem = key.get("publicKeyPem")
    if not isinstance(pem, str):
        raise Outcome("unverifiable", f"The key {key_id} carries no PEM public key.")
    return key_id, pem


def _load_key(ctx: Context, key_id: str, published) -> dict:
    for key in as_list(published):
        if (
            isinstance(key, dict)
            and key.get("id") == key_id
            and key.get("publicKeyPem")
        ):
            return key
    try:
        return ctx.fetch_document(key_id, "the issuer's signing key")
    except Outcome as failure:
        if failure.status == "malformed":
            raise
        raise Outcome(
            "unverifiable", f"The issuer's key could not be fetched: {failure.reason}"
        ) from failure


def check_revocation_list(ctx: Context, issuer: dict, assertion_id: str) -> None:
    """End with revoked if the issuer's revocation list names the assertion."""
    url = node_id(issuer.get("revocationList"))
    if not url:
        return
    listing = ctx.fetch_document(url, "the issuer's revocation list")
    for entry in as_list(listing.get("revokedAssertions")):
        revoked_id = entry if isinstance(entry, str) else node_id(entry)
        if revoked_id == assertion_id:
            reason = (
                text_value(entry.get("revocationReason"))
                if isinstance(entry, dict)
                else None
            )
            ctx.found.revocation_reason = reason
            said = f" The reason given: {reason}." if reason else ""
            raise Outcome(
                "revoked",
                f"The issuer's revocation list names this badge: it has been "
                f"revoked.{said}",
            )
