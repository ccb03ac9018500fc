"""Open Badges 1.0/1.1 and 0.5 assertions, still found in older backpacks."""

import logging

from openbadges._common import (
    Context,
    Outcome,
    as_list,
    check_window,
    email_candidates,
    host_of,
    identity_matches,
    is_web_url,
    judge_recipient,
    required_time,
    shown_date,
    text_value,
)
from openbadges._ob2 import fetch_hosted, recipient_matches, require_fields
from openbadges.jose import SignatureError, verify_jws

logger = logging.getLogger(__name__)

ASSERTION_REQUIRED = ("uid", "recipient", "badge", "verify", "issuedOn")
BADGE_CLASS_REQUIRED = ("name", "description", "image", "criteria", "issuer")
ISSUER_REQUIRED = ("name", "url")


def version_1(assertion: dict) -> str:
    """Return 1.1 for an assertion with the v1 JSON-LD context, else 1.0."""
    contexts = [c for c in as_list(assertion.get("@context")) if isinstance(c, str)]
    return "1.1" if any("openbadges/v1" in c for c in contexts) else "1.0"


def verify_1x(ctx: Context, baked: dict) -> Outcome:
    """Verify a 1.x hosted assertion by the issuer's copy at verify.url."""
    ctx.found.openbadges_version = version_1(baked)
    verify = baked.get("verify") if isinstance(baked.get("verify"), dict) else {}
    kind = str(verify.get("type", "")).lower()
    ctx.found.verification = kind or None
    if kind == "signed":
        raise Outcome(
            "unverifiable",
            "The 1.x assertion says it is signed, but this copy carries no "
            "signature (a signed badge is shared as its JWS text).",
        )
    url = verify.get("url")
    if kind != "hosted" or not is_web_url(url):
        raise Outcome("malformed", "The 1.x assertion has no hosted verify.url.")
    _record(ctx, baked, url)
    hosted = fetch_hosted(ctx, url, baked)
    require_fields(hosted, ASSERTION_REQUIRED, "assertion")
    hosted_verify = (
        hosted.get("verify") if isinstance(hosted.get("verify"), dict) else {}
    )
    if hosted_verify.get("url") != url:
        raise Outcome(
            "unverifiable",
            f"The document at {url} gives a different verify.url, so it does not "
            "vouch for this badge.",
        )
    _record(ctx, hosted, url)
    issuer_url, issuer = _load_badge_class_and_issuer(ctx, hosted)
    _check_origin(ctx, url, issuer_url, issuer)
    return _judge_standing(ctx, hosted, f"hosted on {host_of(url)}")


def verify_1x_signed(
    ctx: Context, token: str, header: dict, assertion: dict
) -> Outcome:
    """Verify a 1.x signed assertion against the key at its verify.url."""
    ctx.found.openbadges_version = version_1(assertion)
    ctx.found.verification = "signed"
    ctx.found.jws_alg = header.get("alg")
    require_fields(assertion, ASSERTION_REQUIRED, "assertion")
    key_url = (
        assertion["verify"].get("url")
        if isinstance(assertion["verify"], dict)
        else None
    )
    if not is_web_url(key_url):
        raise Outcome("malformed", "The signed 1.x assertion has no key URL.")
    _record(ctx, assertion, None)
    ctx.found.signing_key_id = key_url
    issuer_url, issuer = _load_badge_class_and_issuer(ctx, assertion)
    # 1.x: the public key must be hosted on the issuer's origin.
    _check_origin(ctx, key_url, issuer_url, issuer)
    try:
        key = ctx.fetch_ok(key_url, "the issuer's public key")
    except Outcome as failure:
        raise Outcome("unverifiable", failure.reason) from failure
    try:
        verify_jws(token, key.body)
    except SignatureError as error:
        raise Outcome(
            "bad-signature",
            "The signature does not match the issuer's public key: the badge was "
            "changed after it was signed, or someone else signed it.",
        ) from error
    return _judge_standing(ctx, assertion, "signed with the issuer's key")


def _record(ctx: Context, assertion: dict, url: str | None) -> None:
    found = ctx.found
    found.assertion_id = url
    found.uid = assertion.get("uid")
    found.issued_on = assertion.get("issuedOn")
    found.expires = assertion.get("expires")
    badge = assertion.get("badge")
    found.badge_class_id = badge if isinstance(badge, str) else found.badge_class_id
    found.recipient_matches = recipient_matches(ctx, assertion.get("recipient"))


def _load_badge_class_and_issuer(ctx: Context, assertion: dict) -> tuple[str, dict]:
    """Fetch the 1.x BadgeClass and its issuer; 1.x names both by URL only."""
    badge_url = assertion.get("badge")
    if not is_web_url(badge_url):
        raise Outcome("malformed", "The 1.x assertion does not link its badge by URL.")
    badge_class = ctx.fetch_document(badge_url, "the badge class")
    require_fields(badge_class, BADGE_CLASS_REQUIRED, "badge class")
    ctx.found.badge_class_id = badge_url
    ctx.found.badge_name = text_value(badge_class["name"])
    issuer_url = badge_class["issuer"]
    if not is_web_url(issuer_url):
        raise Outcome("malformed", "The 1.x badge class does not link its issuer.")
    issuer = ctx.fetch_document(issuer_url, "the issuer")
    require_fields(issuer, ISSUER_REQUIRED, "issuer")
    ctx.found.issuer_id = issuer_url
    ctx.found.issuer_name = text_value(issuer["name"])
    return issuer_url, issuer


def _check_origin(ctx: Context, url: str, issuer_url: str, issuer: dict) -> None:
    """End with origin-mismatch unless url is on the issuer's host."""
    allowed = {host_of(issuer_url), host_of(issuer.get("url"))} - {""}
    if host_of(url) not in allowed:
        raise Outcome(
            "origin-mismatch",
            f"The badge is hosted on {host_of(url)}, but its issuer "
            f"{ctx.found.issuer_name} is on {', '.join(sorted(allowed))}: anyone "
            "could have put it there, so it is not verified as theirs.",
        )


def _judge_standing(ctx: Context, assertion: dict, how: str) -> Outcome:
    expires = required_time(assertion.get("expires"), "expiry date")
    check_window(ctx, not_before=None, not_after=expires)
    judge_recipient(ctx, "a recipient that is not an e-mail address")
    until = f"valid until {shown_date(expires)}" if expires else "has no expiry date"
    return Outcome(
        "valid",
        f"Verified: an Open Badges {ctx.found.openbadges_version} badge issued by "
        f"{ctx.found.issuer_name} and {how}; not revoked, {until}, and awarded "
        "to the identity given.",
    )


# --- 0.5 ---------------------------------------------------------------------


def verify_05(ctx: Context, assertion: dict, fetched_from: str | None) -> Outcome:
    """Verify a 0.5 assertion: it counts only where its issuer's origin hosts it."""
    found = ctx.found
    found.openbadges_version = "0.5"
    found.verification = "hosted (implicit)"
    badge = assertion["badge"]
    issuer = badge.get("issuer") if isinstance(badge.get("issuer"), dict) else {}
    found.badge_name = text_value(badge.get("name"))
    found.issuer_name = text_value(issuer.get("name"))
    found.issuer_origin = issuer.get("origin")
    found.issued_on = assertion.get("issued_on")
    found.expires = assertion.get("expires")
    if ctx.email:
        found.recipient_matches = identity_matches(
            assertion.get("recipient"),
            hashed=None,
            salt=assertion.get("salt"),
            candidates=email_candidates(ctx.email),
        )
    origin = issuer.get("origin")
    if fetched_from is None:
        raise Outcome(
            "unverifiable",
            "This is an Open Badges 0.5 assertion given as a file. A 0.5 badge is "
            f"verified by being hosted on its issuer's site ({origin}), which a "
            "file cannot show; ask for the badge's hosted URL instead.",
        )
    if not is_web_url(origin) or host_of(fetched_from) != host_of(origin):
        raise Outcome(
            "origin-mismatch",
            f"The 0.5 assertion is hosted on {host_of(fetched_from)}, not on its "
            f"issuer's origin {origin}, so it is not verified as theirs.",
        )
    return _judge_standing(ctx, assertion, f"hosted on {host_of(fetched_from)}")
