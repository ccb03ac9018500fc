"""What every verification path shares: findings, outcomes, fetching, parsing.

Internal to ``openbadges``; ``verify`` is the public entry point.
"""

import hashlib
import hmac
import json
import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urldefrag, urlsplit

from openbadges.baking import Embedded
from openbadges.fetch import Fetcher, FetchError, Response

logger = logging.getLogger(__name__)

# Badge documents are a few kilobytes; a megabyte is generous and stops a
# hostile document from costing the parser much.
MAX_JSON_BYTES = 1_000_000
# One badge needs at most a handful of documents (assertion, class, issuer,
# key, revocation list, contexts); more means a loop or an attack.
MAX_FETCHES = 25


class Outcome(Exception):  # noqa: N818 - raised to end a check with its verdict
    """The verdict a check reached: a status word and a reason to show."""

    def __init__(self, status: str, reason: str):
        super().__init__(f"{status}: {reason}")
        self.status = status
        self.reason = reason


@dataclass
class Findings:
    """What the verifier learnt about the badge along the way."""

    warnings: list[str] = field(default_factory=list)
    extracts: bool = False
    embedded: Embedded | None = None
    openbadges_version: str | None = None
    verification: str | None = None
    assertion_id: str | None = None
    credential_id: str | None = None
    badge_class_id: str | None = None
    achievement_id: str | None = None
    badge_name: str | None = None
    issuer_id: str | None = None
    issuer_name: str | None = None
    issued_on: str | int | None = None
    expires: str | int | None = None
    valid_from: str | None = None
    valid_until: str | None = None
    recipient_matches: bool | None = None
    revocation_reason: str | None = None
    uid: str | None = None
    issuer_origin: str | None = None
    signing_key_id: str | None = None
    verification_method: str | None = None
    jws_alg: str | None = None


class Session:
    """A Fetcher for one verification: remembers answers and caps the count."""

    def __init__(self, fetch: Fetcher):
        self._fetch = fetch
        self._answers: dict[str, Response | FetchError] = {}

    def __call__(self, url: str) -> Response:
        url = urldefrag(url).url
        if url not in self._answers:
            self._answers[url] = self._fetch_new(url)
        answer = self._answers[url]
        if isinstance(answer, FetchError):
            raise answer
        return answer

    def _fetch_new(self, url: str) -> Response | FetchError:
        if len(self._answers) >= MAX_FETCHES:
            return FetchError(f"More than {MAX_FETCHES} documents needed; stopped.")
        logger.info("Fetching %s", url)
        try:
            return self._fetch(url)
        except FetchError as error:
            logger.info("Could not fetch %s: %s", url, error)
            return error


@dataclass
class Context:
    """One verification: how to fetch, when it is, whom to check against."""

    fetch: Session
    as_of: datetime
    email: str | None
    recipient_id: str | None
    found: Findings

    def warn(self, text: str) -> None:
        """Record a problem that does not decide the verdict."""
        if text not in self.found.warnings:
            self.found.warnings.append(text)

    def fetch_document(self, url: str, what: str) -> dict:
        """Fetch url as a JSON object, or end with unreachable / malformed."""
        response = self.fetch_ok(url, what)
        return load_json_object(response.body, f"{what} at {url}")

    def fetch_ok(self, url: str, what: str) -> Response:
        """Fetch url expecting 200, or end with unreachable."""
        try:
            response = self.fetch(url)
        except FetchError as error:
            raise Outcome(
                "unreachable", f"Could not reach {what} at {url} ({error})."
            ) from error
        if response.status != 200:
            raise Outcome(
                "unreachable",
                f"{what.capitalize()} at {url} answered HTTP {response.status}.",
            )
        return response


def load_json(data: bytes | str, what: str) -> Any:
    """Parse JSON within the size cap, or end with malformed."""
    if len(data) > MAX_JSON_BYTES:
        raise Outcome("malformed", f"{what.capitalize()} is too large to be a badge.")
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise Outcome(
                "malformed", f"{what.capitalize()} is not UTF-8 text."
            ) from error
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as error:
        logger.info("%s does not parse as JSON: %s", what, error)
        raise Outcome(
            "malformed", f"{what.capitalize()} is not valid JSON, so it cannot be read."
        ) from error


def load_json_object(data: bytes | str, what: str) -> dict:
    """Parse a JSON object within the size cap, or end with malformed."""
    document = load_json(data, what)
    if not isinstance(document, dict):
        raise Outcome("malformed", f"{what.capitalize()} is not a JSON object.")
    return document


def as_list(value: Any) -> list:
    """Return value as a list: [] for None, [value] for a single value."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def node_id(value: Any) -> str | None:
    """Return the id of a JSON-LD reference: a string or an object's id."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return value["id"]
    return None


def text_value(value: Any) -> str | None:
    """Return a plain string, or the first string of a JSON-LD language map."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return next((v for v in value.values() if isinstance(v, str)), None)
    return None


def as_dict(value: Any) -> dict:
    """Return value if it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def host_of(url: Any) -> str:
    """Return a URL's host name in lower case, or '' when it has none."""
    if not isinstance(url, str):
        return ""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def is_web_url(value: Any) -> bool:
    """Return whether value is an absolute http(s) URL."""
    return isinstance(value, str) and value.lower().startswith(("http://", "https://"))


# --- times -------------------------------------------------------------------

DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_time(value: Any) -> datetime | None:
    """Return a timestamp as an aware datetime: ISO 8601, a date, or Unix time."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return _from_timestamp(value)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.isdigit():
        return _from_timestamp(int(text))
    if DATE_ONLY.fullmatch(text):
        text += "T00:00:00+00:00"
    try:
        moment = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _from_timestamp(seconds: float) -> datetime | None:
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def required_time(value: Any, what: str) -> datetime | None:
    """Parse an optional timestamp, ending with malformed if it is unreadable."""
    if value is None:
        return None
    moment = parse_time(value)
    if moment is None:
        raise Outcome("malformed", f"The badge's {what} {value!r} is not a date.")
    return moment


def shown_date(moment: datetime) -> str:
    """Return a date for a sentence: 30 June 2023."""
    return f"{moment.day} {moment:%B %Y}"


def check_window(
    ctx: Context, *, not_before: datetime | None, not_after: datetime | None
) -> None:
    """End with expired after not_after, or unverifiable before not_before."""
    if not_after is not None and not_after < ctx.as_of:
        raise Outcome("expired", f"The badge expired on {shown_date(not_after)}.")
    if not_before is not None and not_before > ctx.as_of:
        raise Outcome(
            "unverifiable",
            f"The badge only becomes valid on {shown_date(not_before)}.",
        )


# --- recipients --------------------------------------------------------------

HASHED_IDENTITY = re.compile(r"(sha256|md5)\$([0-9a-fA-F]+)")


def email_candidates(email: str) -> list[str]:
    """Return the spellings of an address to try: as given, then lower case."""
    return list(dict.fromkeys([email, email.strip(), email.strip().lower()]))


def identity_matches(
    identity: Any, *, hashed: Any, salt: Any, candidates: list[str]
) -> bool:
    """Return whether a badge identity is one of the candidate values.

    A hashed identity is ``sha256$`` or ``md5$`` then the hex digest of the
    value followed by the salt; hex is compared ignoring case.
    """
    if not isinstance(identity, str):
        return False
    match = HASHED_IDENTITY.fullmatch(identity.strip())
    if hashed is False or (hashed is None and match is None):
        plain = identity.strip().lower()
        return any(plain == candidate.strip().lower() for candidate in candidates)
    if match is None:
        return False
    algorithm, digest = match.group(1), match.group(2).lower()
    salt_text = salt if isinstance(salt, str) else ""
    return any(
        hmac.compare_digest(_digest(algorithm, candidate + salt_text), digest)
        for candidate in candidates
    )


def _digest(algorithm: str, text: str) -> str:
    # md5 is what the badge uses, not a choice of ours.
    return hashlib.new(algorithm, text.encode(), usedforsecurity=False).hexdigest()


def judge_recipient(ctx: Context, awarded_to: str) -> None:
    """End unless the recorded recipient check found the identity given."""
    if ctx.email is None and ctx.recipient_id is None:
        ctx.warn("No recipient identity was given, so the recipient was not checked.")
        return
    claimed = ctx.email or ctx.recipient_id
    if ctx.found.recipient_matches is None:
        raise Outcome(
            "unverifiable",
            f"The badge names its recipient only by {awarded_to}, so it cannot "
            f"be confirmed that it was awarded to {claimed}.",
        )
    if not ctx.found.recipient_matches:
        raise Outcome(
            "wrong-recipient",
            f"The badge is genuine but was awarded to someone else, not {claimed}.",
        )
