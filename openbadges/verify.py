"""Decide whether a presented Open Badge is genuine, current and the applicant's.

``verify`` takes what an applicant presents (a baked PNG or SVG, a JSON
assertion or credential, a JWS / VC-JWT, or the URL of a hosted assertion)
and returns a ``Verdict`` whose ``status`` is one of ``STATUSES`` and whose
``reason`` is a sentence a recruiter can act on. It never raises for bad
input: broken or hostile files come back as ``malformed``.

The rules are those of Open Badges 2.0 and 3.0 (and the legacy 1.x and 0.5
forms): hosted assertions are checked against the issuer's own copy and
hosting scope, signed ones against a key the issuer publishes, and all
dates are judged at ``as_of``, never at the wall clock.
"""

import logging
from dataclasses import dataclass, fields
from datetime import UTC, datetime

from openbadges import _legacy, _ob2, _ob3
from openbadges._common import (
    Context,
    Findings,
    Outcome,
    Session,
    as_list,
    is_web_url,
    load_json_object,
)
from openbadges.baking import (
    PNG_SIGNATURE,
    BakingError,
    Embedded,
    payload_kind,
    unbake_png,
    unbake_svg,
)
from openbadges.fetch import Fetcher, FetchError
from openbadges.jose import SignatureError, read_claims, read_header

logger = logging.getLogger(__name__)

STATUSES = (
    "valid",
    "revoked",
    "expired",
    "wrong-recipient",
    "origin-mismatch",
    "bad-signature",
    "malformed",
    "unreachable",
    "unverifiable",
)
# Baked badge images are rarely over a megabyte; ten is ample.
MAX_PRESENTED_BYTES = 10_000_000


@dataclass(kw_only=True)
class Verdict(Findings):
    """The verifier's conclusion about a presented badge, and what it found.

    Ids, names and dates are reported as written in the documents (an OB 1.0
    ``issuedOn`` may be a Unix timestamp). ``recipient_matches`` is None when
    no identity was given or the badge names its recipient in a way that
    cannot be compared with it.
    """

    status: str
    reason: str


def verify(
    presented: bytes | str,
    *,
    recipient_email: str | None = None,
    recipient_id: str | None = None,
    fetch: Fetcher,
    as_of: datetime,
) -> Verdict:
    """Verify a presented badge file or hosted-assertion URL at as_of."""
    found = Findings()
    ctx = Context(
        fetch=Session(fetch),
        as_of=as_of if as_of.tzinfo else as_of.replace(tzinfo=UTC),
        email=(recipient_email or "").strip() or None,
        recipient_id=(recipient_id or "").strip() or None,
        found=found,
    )
    try:
        outcome = _verify(ctx, presented)
    except Outcome as stop:
        outcome = stop
    except Exception:  # An answer is owed whatever a hostile file does.
        logger.exception("The verifier failed on a presented badge")
        outcome = Outcome(
            "malformed", "The badge could not be read: it is damaged or not a badge."
        )
    logger.info("Badge verdict %s: %s", outcome.status, outcome.reason)
    values = {item.name: getattr(found, item.name) for item in fields(found)}
    return Verdict(status=outcome.status, reason=outcome.reason, **values)


def _verify(ctx: Context, presented: bytes | str) -> Outcome:
    embedded = extract(presented)
    ctx.found.embedded = embedded
    ctx.found.extracts = True
    if embedded.payload == "url":
        return _verify_url(ctx, embedded.value.strip())
    if embedded.payload == "jws":
        return _verify_token(ctx, embedded.value.strip())
    document = load_json_object(embedded.value, "the badge data")
    return _verify_document(ctx, document, fetched_from=None)


# --- what was presented ------------------------------------------------------


def extract(presented: bytes | str) -> Embedded:
    """Return the badge data in a presented file or URL, or end with malformed."""
    if isinstance(presented, str):
        if is_web_url(presented.strip()):
            return Embedded(container="url", payload="url", value=presented.strip())
        presented = presented.encode("utf-8")
    data = bytes(presented)
    if len(data) > MAX_PRESENTED_BYTES:
        raise Outcome("malformed", "The file is too large to be a badge.")
    if data.startswith(PNG_SIGNATURE):
        return _from_image(unbake_png, data, "PNG image")
    text = _as_text(data)
    if text.startswith("<"):
        return _from_image(unbake_svg, data, "SVG image")
    if text.startswith("{"):
        return Embedded(container="file", payload="json", value=text)
    if text and "\n" not in text and payload_kind(text) in ("jws", "url"):
        return Embedded(container="file", payload=payload_kind(text), value=text)
    raise Outcome(
        "malformed",
        "The file is not a badge: expected a baked PNG or SVG, a JSON assertion "
        "or credential, or a signed badge (JWS).",
    )


def _as_text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig").strip()
    except UnicodeDecodeError:
        return ""


def _from_image(unbake, data: bytes, what: str) -> Embedded:
    try:
        embedded = unbake(data)
    except BakingError as error:
        raise Outcome("malformed", f"The {what} cannot be read: {error}") from error
    if embedded is None:
        raise Outcome(
            "malformed",
            f"The {what} carries no badge data: it is probably the badge artwork "
            "rather than the baked badge. Ask for the badge file from the "
            "issuer or backpack.",
        )
    return embedded


# --- what the data is ----------------------------------------------------------


def detect_version(document: dict) -> str | None:
    """Return the Open Badges version a JSON document is written in, if any."""
    if _ob3.looks_like_credential(document):
        return "3.0"
    contexts = [c for c in as_list(document.get("@context")) if isinstance(c, str)]
    if any("openbadges/v2" in c or "openbadgespec.org/v2" in c for c in contexts):
        return "2.0"
    if any("openbadges/v1" in c for c in contexts):
        return "1.1"
    if "@context" in document:
        return None
    recipient, badge = document.get("recipient"), document.get("badge")
    if isinstance(recipient, dict) and isinstance(document.get("verify"), dict):
        return "1.0"
    if isinstance(recipient, str) and isinstance(badge, dict):
        return "0.5"
    return None


def _verify_document(ctx: Context, document: dict, fetched_from: str | None) -> Outcome:
    version = detect_version(document)
    if version == "3.0":
        return _ob3.verify_credential(ctx, document)
    if version == "2.0":
        return _ob2.verify_hosted(ctx, document)
    if version in ("1.0", "1.1"):
        return _legacy.verify_1x(ctx, document)
    if version == "0.5":
        return _legacy.verify_05(ctx, document, fetched_from)
    raise Outcome(
        "malformed", "The data is JSON but not an Open Badges assertion or credential."
    )


def _verify_token(ctx: Context, token: str) -> Outcome:
    try:
        header, claims = read_header(token), read_claims(token)
    except SignatureError as error:
        logger.info("Unreadable JWS: %s", error)
        raise Outcome(
            "malformed", "The signed badge is damaged: its JWS text cannot be read."
        ) from error
    if isinstance(claims.get("vc"), dict) or _ob3.looks_like_credential(claims):
        return _ob3.verify_credential_jwt(ctx, token, header, claims)
    version = detect_version(claims)
    if version == "2.0":
        return _ob2.verify_signed(ctx, token, header, claims)
    if version in ("1.0", "1.1"):
        return _legacy.verify_1x_signed(ctx, token, header, claims)
    raise Outcome(
        "malformed", "The signed data is not an Open Badges assertion or credential."
    )


def _verify_url(ctx: Context, url: str) -> Outcome:
    try:
        response = ctx.fetch(url)
    except FetchError as error:
        raise Outcome(
            "unreachable", f"The badge's address {url} does not answer ({error})."
        ) from error
    if response.status == 410:
        raise Outcome(
            "revoked", f"The badge's address {url} answers 410 Gone: it was revoked."
        )
    if response.status != 200:
        raise Outcome(
            "unreachable", f"The badge's address {url} answered HTTP {response.status}."
        )
    text = _as_text(response.body)
    if payload_kind(text) == "jws":
        return _verify_token(ctx, text)
    document = load_json_object(response.body, f"the document at {url}")
    return _verify_document(ctx, document, fetched_from=response.url)
