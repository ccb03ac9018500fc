"""Run the verifier and the baker over the shared Open Badges corpus.

Each case's case.json says what a correct verifier concludes; the offline
web it needs is served by MappedFetcher. The corpus lives outside the repo
(shared/cases/openbadges beside it); without it these tests skip.
"""

import json
import re
from datetime import datetime

import pytest

from openbadges.baking import bake_png, bake_svg, unbake_png, unbake_svg
from openbadges.fetch import MappedFetcher
from openbadges.verify import STATUSES, verify
from tests.openbadges.helpers import (
    CORPUS,
    chunk_list,
    corpus_cases,
    corpus_folder,
    text_keyword,
)

CASES = corpus_cases() or ["corpus-missing"]

# expect key -> Verdict attribute, for the facts compared where a case gives them.
REPORTED_FACTS = {
    "openbadges_version": "openbadges_version",
    "verification": "verification",
    "assertion_id": "assertion_id",
    "credential_id": "credential_id",
    "badge_class_id": "badge_class_id",
    "achievement_id": "achievement_id",
    "badge_name": "badge_name",
    "issuer_id": "issuer_id",
    "issuer_name": "issuer_name",
    "issued_on": "issued_on",
    "expires": "expires",
    "valid_from": "valid_from",
    "valid_until": "valid_until",
    "revocation_reason": "revocation_reason",
    "uid": "uid",
    "issuer_origin": "issuer_origin",
    "signing_key_id": "signing_key_id",
    "verification_method": "verification_method",
    "jws_alg": "jws_alg",
}
EMBEDDED_FACTS = (
    "keyword",
    "compressed",
    "language_tag",
    "payload",
    "element",
    "namespace",
    "verify_attribute",
    "value",
)


def load_case(name):
    folder = corpus_folder() / name
    return folder, json.loads((folder / "case.json").read_text(encoding="utf-8"))


def run_case(name):
    folder, case = load_case(name)
    given = case["input"]
    presented = (
        (folder / given["file"]).read_bytes() if "file" in given else given["url"]
    )
    verdict = verify(
        presented,
        recipient_email=given.get("recipient_email"),
        recipient_id=given.get("recipient_id"),
        fetch=MappedFetcher(case["urls"], folder),
        as_of=datetime.fromisoformat(case["expect"]["as_of"]),
    )
    return verdict, case["expect"]


@pytest.mark.parametrize("name", CASES)
def test_status(name):
    verdict, expect = run_case(name)

    acceptable = [expect["status"], *expect.get("status_also_acceptable", [])]
    assert verdict.status in acceptable, verdict.reason
    assert verdict.status in STATUSES
    assert verdict.reason.endswith(".")


@pytest.mark.parametrize("name", CASES)
def test_extraction(name):
    verdict, expect = run_case(name)

    assert verdict.extracts is expect["extracts"]
    embedded = expect["embedded"]
    if embedded["container"] == "none":
        assert verdict.embedded is None
        return
    assert verdict.embedded.container == embedded["container"]
    for fact in EMBEDDED_FACTS:
        if fact in embedded:
            assert getattr(verdict.embedded, fact) == embedded[fact], fact


@pytest.mark.parametrize("name", CASES)
def test_reported_facts(name):
    verdict, expect = run_case(name)

    reported = {
        fact: getattr(verdict, attribute)
        for fact, attribute in REPORTED_FACTS.items()
        if fact in expect
    }
    assert reported == {fact: expect[fact] for fact in reported}


@pytest.mark.parametrize("name", CASES)
def test_recipient(name):
    verdict, expect = run_case(name)

    if "recipient" not in expect:
        pytest.skip("the case does not describe a recipient check")
    assert verdict.recipient_matches is expect["recipient"]["matches"]


@pytest.mark.parametrize("name", CASES)
def test_warnings(name):
    verdict, expect = run_case(name)

    # Expected warnings are prose; what must be surfaced is the quoted term
    # each one names (a claim such as 'sub' or 'aud').
    for warning in expect.get("warnings", []):
        terms = re.findall(r"'([^']+)'", warning) or [warning]
        assert any(all(t in w for t in terms) for w in verdict.warnings), warning


def corpus_images(file_name):
    return [name for name in CASES if (CORPUS / name / file_name).is_file()]


PNG_CASES = corpus_images("badge.png") or ["corpus-missing"]
SVG_CASES = corpus_images("badge.svg") or ["corpus-missing"]


@pytest.mark.parametrize("name", PNG_CASES)
def test_unbake_then_rebake_png_leaves_one_chunk(name):
    png = (corpus_folder() / name / "badge.png").read_bytes()
    embedded = unbake_png(png)
    keyword = embedded.keyword if embedded else "openbadges"
    payload = embedded.value if embedded else '{"baked": "here"}'

    rebaked = bake_png(bake_png(png, payload, keyword), payload, keyword)

    with_keyword = [
        kind
        for kind, data in chunk_list(rebaked)
        if kind in (b"iTXt", b"tEXt", b"zTXt") and text_keyword(data) == keyword
    ]
    assert with_keyword == [b"iTXt"]
    assert unbake_png(rebaked).value == payload
    untouched = [c for c in chunk_list(png) if c[0] not in (b"iTXt", b"tEXt", b"zTXt")]
    assert [c for c in chunk_list(rebaked) if c in untouched] == untouched


@pytest.mark.parametrize("name", SVG_CASES)
def test_rebake_svg_leaves_one_assertion(name):
    svg = (corpus_folder() / name / "badge.svg").read_bytes()
    assertion = json.dumps({"id": "https://portal.example.org/a/1"})

    rebaked = bake_svg(svg, assertion_json=assertion, verify_url="https://x/1")
    rebaked = bake_svg(rebaked, assertion_json=assertion, verify_url="https://x/1")

    assert rebaked.count("<openbadges:assertion") == 1
    assert unbake_svg(rebaked).value == assertion
