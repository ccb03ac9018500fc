"""Baking and unbaking PNG and SVG badges, on images the tests make."""

import io
import json
import time
import zlib

import pytest
from defusedxml.ElementTree import fromstring
from PIL import Image

from openbadges.baking import (
    OB2_NAMESPACE,
    OB3_NAMESPACE,
    BakingError,
    bake_png,
    bake_svg,
    bake_svg_credential,
    sanitise_svg,
    unbake_png,
    unbake_svg,
)
from tests.openbadges.helpers import (
    SIMPLE_SVG,
    chunk_list,
    insert_before_iend,
    make_png,
    png_chunk,
    text_keyword,
)

ASSERTION = json.dumps(
    {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": "https://badges.example.org/assertions/1",
        "evidence": "Große Leistung ✓",
    }
)
JWS = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"


def badge_chunks(png, keyword="openbadges"):
    return [
        (kind, data)
        for kind, data in chunk_list(png)
        if kind in (b"iTXt", b"tEXt", b"zTXt") and text_keyword(data) == keyword
    ]


# --- bake_png ----------------------------------------------------------------


def test_bake_png_adds_one_uncompressed_itxt_chunk_before_iend():
    baked = bake_png(make_png(), ASSERTION)

    chunks = chunk_list(baked)
    assert chunks[-1][0] == b"IEND"
    assert chunks[-2] == (b"iTXt", b"openbadges\0\0\0\0\0" + ASSERTION.encode())
    assert len(badge_chunks(baked)) == 1


def test_baked_png_still_shows_the_same_picture():
    original = make_png(size=(5, 3), colour=(1, 2, 3))

    baked = bake_png(original, ASSERTION)

    with Image.open(io.BytesIO(baked)) as picture:
        assert picture.size == (5, 3)
        assert picture.getpixel((4, 2)) == (1, 2, 3)


def test_bake_png_keeps_every_other_chunk_byte_for_byte():
    original = make_png([("tEXt", "Software", "Pillow"), ("tEXt", "Comment", "hi")])

    baked = bake_png(original, ASSERTION)

    others = [chunk for chunk in chunk_list(baked) if chunk[0] != b"iTXt"]
    assert others == chunk_list(original)


def test_rebaking_leaves_exactly_one_chunk_with_the_new_payload():
    baked = bake_png(make_png(), ASSERTION)

    rebaked = bake_png(baked, '{"id": "second"}')

    assert len(badge_chunks(rebaked)) == 1
    assert unbake_png(rebaked).value == '{"id": "second"}'


def test_bake_png_replaces_legacy_text_and_compressed_chunks_with_the_keyword():
    original = make_png(
        [
            ("tEXt", "openbadges", "https://old.example.org/a"),
            ("zTXt", "openbadges", '{"old": true}'),
            ("iTXt-compressed", "openbadges", '{"older": true}'),
            ("tEXt", "Software", "Pillow"),
        ]
    )

    baked = bake_png(original, ASSERTION)

    assert badge_chunks(baked) == [
        (b"iTXt", b"openbadges\0\0\0\0\0" + ASSERTION.encode())
    ]
    assert any(text_keyword(data) == "Software" for _, data in chunk_list(baked))


def test_bake_png_for_ob3_uses_its_own_keyword_and_leaves_the_ob2_chunk():
    ob2 = bake_png(make_png(), ASSERTION)

    both = bake_png(ob2, JWS, keyword="openbadgecredential")

    assert len(badge_chunks(both, "openbadgecredential")) == 1
    assert len(badge_chunks(both, "openbadges")) == 1


@pytest.mark.parametrize(
    "image",
    [
        b"",
        b"GIF89a not a png",
        b"\xff\xd8\xff\xe0 a jpeg header",
        b"\x89PNG\r\n\x1a\n",
    ],
)
def test_bake_png_refuses_what_is_not_a_png(image):
    with pytest.raises(BakingError):
        bake_png(image, ASSERTION)


def test_bake_png_refuses_a_chunk_with_a_bad_crc():
    png = bytearray(make_png())
    png[30] ^= 0xFF  # inside IHDR's data

    with pytest.raises(BakingError, match="CRC"):
        bake_png(bytes(png), ASSERTION)


def test_bake_png_refuses_a_truncated_png():
    with pytest.raises(BakingError, match="truncated"):
        bake_png(make_png()[:-20], ASSERTION)


def test_bake_png_refuses_a_bad_keyword():
    with pytest.raises(BakingError):
        bake_png(make_png(), ASSERTION, keyword="")


# --- unbake_png --------------------------------------------------------------


def test_unbake_png_reads_what_bake_png_wrote():
    embedded = unbake_png(bake_png(make_png(), ASSERTION))

    assert embedded.container == "png-iTXt"
    assert embedded.keyword == "openbadges"
    assert embedded.compressed is False
    assert embedded.language_tag == ""
    assert embedded.payload == "json"
    assert embedded.value == ASSERTION


def test_unbake_png_reads_a_compressed_itxt_chunk():
    png = make_png([("iTXt-compressed", "openbadges", ASSERTION)])

    embedded = unbake_png(png)

    assert embedded.compressed is True
    assert embedded.value == ASSERTION


def test_unbake_png_reads_language_tag_and_translated_keyword():
    data = b"openbadges\0\0\0en-GB\0Open Badges\0" + ASSERTION.encode()
    png = insert_before_iend(make_png(), png_chunk(b"iTXt", data))

    embedded = unbake_png(png)

    assert embedded.language_tag == "en-GB"
    assert embedded.value == ASSERTION


def test_unbake_png_reads_a_legacy_text_chunk_holding_a_url():
    png = make_png([("tEXt", "openbadges", "https://example.org/assertion")])

    embedded = unbake_png(png)

    assert embedded.container == "png-tEXt"
    assert embedded.payload == "url"
    assert embedded.value == "https://example.org/assertion"


def test_unbake_png_reads_a_ztxt_chunk():
    embedded = unbake_png(make_png([("zTXt", "openbadges", '{"a": 1}')]))

    assert embedded.container == "png-zTXt"
    assert embedded.compressed is True
    assert embedded.value == '{"a": 1}'


def test_unbake_png_reads_an_ob3_jws():
    embedded = unbake_png(bake_png(make_png(), JWS, keyword="openbadgecredential"))

    assert embedded.keyword == "openbadgecredential"
    assert embedded.payload == "jws"


def test_unbake_png_prefers_the_itxt_chunk_over_a_legacy_one():
    png = make_png(
        [("tEXt", "openbadges", "https://example.org/a"), ("iTXt", "openbadges", "{}")]
    )

    assert unbake_png(png).container == "png-iTXt"


def test_unbake_png_returns_none_for_plain_artwork():
    assert unbake_png(make_png([("tEXt", "Software", "Pillow")])) is None


def test_unbake_png_refuses_a_declared_length_past_the_end_quickly():
    huge = b"\x7f\xff\xff\xf0iTXt" + b"openbadges\0"
    png = make_png()
    hostile = png[: png.rindex(b"IEND") - 4] + huge

    started = time.monotonic()
    with pytest.raises(BakingError, match="truncated"):
        unbake_png(hostile)
    assert time.monotonic() - started < 1


def test_unbake_png_refuses_a_decompression_bomb():
    bomb = zlib.compress(b"{" + b" " * 20_000_000 + b"}", 9)
    data = b"openbadges\0\1\0\0\0" + bomb
    png = insert_before_iend(make_png(), png_chunk(b"iTXt", data))

    with pytest.raises(BakingError, match="inflates past"):
        unbake_png(png)


def test_unbake_png_refuses_corrupt_compressed_text():
    data = b"openbadges\0\1\0\0\0" + b"not zlib at all"
    png = insert_before_iend(make_png(), png_chunk(b"iTXt", data))

    with pytest.raises(BakingError):
        unbake_png(png)


def test_unbake_png_refuses_a_bad_crc_in_the_badge_chunk():
    baked = bytearray(bake_png(make_png(), ASSERTION))
    baked[baked.index(b"openbadges") + 20] ^= 0x01

    with pytest.raises(BakingError, match="CRC"):
        unbake_png(bytes(baked))


# --- bake_svg and unbake_svg ------------------------------------------------


def test_bake_svg_puts_the_assertion_right_after_the_svg_start_tag():
    baked = bake_svg(SIMPLE_SVG, assertion_json=ASSERTION, verify_url="https://x/1")

    root = fromstring(baked.encode())
    first = root[0]
    assert first.tag == f"{{{OB2_NAMESPACE}}}assertion"
    assert first.get("verify") == "https://x/1"
    assert json.loads(first.text) == json.loads(ASSERTION)
    assert 'xmlns:openbadges="http://openbadges.org"' in baked
    assert "<![CDATA[" in baked
    assert (
        baked.index("<openbadges:assertion")
        == baked.index(">", baked.index("<svg")) + 1
    )


def test_bake_svg_keeps_the_rest_of_the_document():
    baked = bake_svg(SIMPLE_SVG, assertion_json=None, verify_url="https://x/1")

    assert baked.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert '<circle cx="50" cy="50" r="40" fill="#c81e3c"/>' in baked


def test_rebaking_an_svg_leaves_one_assertion():
    once = bake_svg(SIMPLE_SVG, assertion_json=ASSERTION, verify_url="https://x/1")

    twice = bake_svg(once, assertion_json='{"id": "2"}', verify_url="https://x/2")

    assert twice.count("<openbadges:assertion") == 1
    assert twice.count("xmlns:openbadges") == 1
    assert unbake_svg(twice).value == '{"id": "2"}'


def test_bake_svg_with_only_a_url():
    baked = bake_svg(SIMPLE_SVG, assertion_json=None, verify_url="https://x/a?b=1&c=2")

    embedded = unbake_svg(baked)

    assert embedded.container == "svg-verify-attribute"
    assert embedded.payload == "url"
    assert embedded.value == "https://x/a?b=1&c=2"


def test_bake_svg_keeps_cdata_intact_when_the_json_holds_its_terminator():
    tricky = json.dumps({"id": "https://x/1", "note": "a]]>b"})

    baked = bake_svg(SIMPLE_SVG, assertion_json=tricky, verify_url="https://x/1")

    assert json.loads(unbake_svg(baked).value) == json.loads(tricky)


def test_bake_svg_refuses_json_that_does_not_parse():
    with pytest.raises(BakingError):
        bake_svg(SIMPLE_SVG, assertion_json="{nope", verify_url="https://x/1")


def test_bake_svg_opens_up_an_empty_svg():
    empty = '<svg xmlns="http://www.w3.org/2000/svg"/>'

    baked = bake_svg(empty, assertion_json=ASSERTION, verify_url="https://x/1")

    assert unbake_svg(baked).value == ASSERTION


def test_bake_svg_keeps_a_doctype_and_an_existing_declaration():
    svg = (
        '<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
        '<svg xmlns="http://www.w3.org/2000/svg" '
        'xmlns:openbadges="http://openbadges.org"><g/></svg>'
    )

    baked = bake_svg(svg, assertion_json=ASSERTION, verify_url="https://x/1")

    assert "<!DOCTYPE svg" in baked
    assert baked.count("xmlns:openbadges") == 1
    assert unbake_svg(baked).value == ASSERTION


def test_bake_svg_credential_puts_a_jws_in_the_verify_attribute():
    baked = bake_svg_credential(SIMPLE_SVG, JWS)

    embedded = unbake_svg(baked)
    assert f'xmlns:openbadges="{OB3_NAMESPACE}"' in baked
    assert embedded.element == "openbadges:credential"
    assert embedded.namespace == OB3_NAMESPACE
    assert embedded.container == "svg-verify-attribute"
    assert embedded.payload == "jws"
    assert embedded.value == JWS


def test_bake_svg_credential_puts_json_in_cdata():
    credential = '{"type": ["VerifiableCredential", "OpenBadgeCredential"]}'

    embedded = unbake_svg(bake_svg_credential(SIMPLE_SVG, credential))

    assert embedded.container == "svg-cdata"
    assert embedded.payload == "json"
    assert embedded.value == credential


def test_an_ob3_credential_can_be_baked_beside_an_ob2_assertion():
    ob2 = bake_svg(SIMPLE_SVG, assertion_json=ASSERTION, verify_url="https://x/1")

    both = bake_svg_credential(ob2, JWS)

    root = fromstring(both.encode())
    tags = [child.tag for child in root]
    assert f"{{{OB3_NAMESPACE}}}credential" in tags
    assert f"{{{OB2_NAMESPACE}}}assertion" in tags


def test_unbake_svg_reports_plain_text_json():
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" '
        'xmlns:openbadges="http://openbadges.org">'
        '<openbadges:assertion verify="https://x/1">{"a": 1}</openbadges:assertion>'
        "</svg>"
    )

    embedded = unbake_svg(svg)

    assert embedded.container == "svg-text"
    assert embedded.value == '{"a": 1}'
    assert embedded.verify_attribute == "https://x/1"


def test_unbake_svg_returns_none_for_plain_artwork():
    assert unbake_svg(SIMPLE_SVG) is None


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "lol">'
    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    '<svg xmlns="http://www.w3.org/2000/svg"><text>&c;</text></svg>'
)
EXTERNAL_ENTITY = (
    '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    '<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>'
)


@pytest.mark.parametrize(
    "svg",
    [BILLION_LAUGHS, EXTERNAL_ENTITY, "<svg", "<html><body/></html>", "not xml"],
    ids=["xml-bomb", "external-entity", "truncated", "not-svg", "not-xml"],
)
def test_hostile_or_broken_svgs_are_refused(svg):
    with pytest.raises(BakingError):
        unbake_svg(svg)
    with pytest.raises(BakingError):
        bake_svg(svg, assertion_json=None, verify_url="https://x/1")


# --- sanitise_svg ------------------------------------------------------------

HOSTILE_SVG = b"""<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     xmlns:openbadges="http://openbadges.org" onload="alert(1)" viewBox="0 0 10 10">
  <openbadges:assertion verify="https://evil.example/a"/>
  <script>alert(1)</script>
  <style>@import url(https://evil.example/a.css); .a { fill: red }</style>
  <style>.b { background: url(https://evil.example/track.png) }</style>
  <style>.c { fill: url(#grad) }</style>
  <defs>
    <linearGradient id="grad"><stop offset="0" stop-color="#fff"/></linearGradient>
  </defs>
  <foreignObject><body xmlns="http://www.w3.org/1999/xhtml">
    <iframe src="https://evil.example"/></body></foreignObject>
  <a xlink:href="javascript:alert(1)"><circle id="linked" r="1"/></a>
  <rect id="kept" width="5" height="5" fill="url(#grad)" onclick="alert(1)"
        style="fill: url(https://evil.example/x)"/>
  <rect id="external-fill" fill="url(https://evil.example/x#g)"/>
  <image id="remote" href="https://evil.example/pixel.png"/>
  <image id="nested-svg" xlink:href="data:image/svg+xml;base64,PHN2Zz4="/>
  <image id="inline-png" href="data:image/png;base64,iVBORw0KGgo="/>
  <use id="local-use" href="#kept"/>
  <use id="remote-use" xlink:href="https://evil.example/sprite.svg#icon"/>
  <set attributeName="href" to="javascript:alert(1)"/>
  <animate attributeName="xlink:href" values="javascript:alert(1)"/>
  <text>Hello <tspan>world</tspan><script>x</script> again</text>
</svg>
"""


@pytest.fixture
def sanitised():
    return sanitise_svg(HOSTILE_SVG)


def element_by_id(root, element_id):
    return next(e for e in root.iter() if e.get("id") == element_id)


def test_sanitise_svg_drops_scripts_foreign_content_and_badge_data(sanitised):
    text = sanitised.decode()
    for banned in (
        "script",
        "foreignObject",
        "iframe",
        "openbadges",
        "<set",
        "<animate",
    ):
        assert banned not in text
    assert "alert" not in text


def test_sanitise_svg_drops_event_handlers(sanitised):
    root = fromstring(sanitised)
    assert all(not name.startswith("on") for e in root.iter() for name in e.attrib)


def test_sanitise_svg_drops_remote_references_and_keeps_local_ones(sanitised):
    root = fromstring(sanitised)
    xlink_href = "{http://www.w3.org/1999/xlink}href"

    assert element_by_id(root, "kept").get("fill") == "url(#grad)"
    assert element_by_id(root, "kept").get("style") is None
    assert element_by_id(root, "external-fill").get("fill") is None
    assert element_by_id(root, "remote").get("href") is None
    assert element_by_id(root, "nested-svg").get(xlink_href) is None
    assert element_by_id(root, "inline-png").get("href").startswith("data:image/png")
    assert element_by_id(root, "local-use").get("href") == "#kept"
    assert element_by_id(root, "remote-use").get(xlink_href) is None
    assert "evil.example" not in sanitised.decode()


def test_sanitise_svg_keeps_only_safe_style_sheets(sanitised):
    styles = [
        e.text or "" for e in fromstring(sanitised).iter() if e.tag.endswith("style")
    ]
    assert styles == ["", "", ".c { fill: url(#grad) }"]


def test_sanitise_svg_keeps_the_drawing(sanitised):
    root = fromstring(sanitised)
    text = next(e for e in root.iter() if e.tag.endswith("}text"))

    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("viewBox") == "0 0 10 10"
    assert element_by_id(root, "linked").tag.endswith("circle")
    assert "".join(text.itertext()) == "Hello world again"


def test_sanitised_svg_can_be_baked():
    clean = sanitise_svg(SIMPLE_SVG.encode())

    baked = bake_svg(clean, assertion_json=ASSERTION, verify_url="https://x/1")

    assert unbake_svg(baked).value == ASSERTION


@pytest.mark.parametrize(
    "svg", [BILLION_LAUGHS, EXTERNAL_ENTITY, "<html/>", "\x89PNG"], ids=str
)
def test_sanitise_svg_refuses_what_is_not_a_safe_svg(svg):
    with pytest.raises(BakingError):
        sanitise_svg(svg.encode("latin-1"))
