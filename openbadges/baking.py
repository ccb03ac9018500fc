"""Bake Open Badges data into PNG and SVG images, and read it back out.

Follows the Open Badges baking specification for 2.0 (``openbadges`` iTXt
keyword, ``<openbadges:assertion>`` in the http://openbadges.org namespace)
and 3.0 (``openbadgecredential`` keyword, ``<openbadges:credential>`` in the
https://purl.imsglobal.org/ob/v3p0 namespace), and reads the legacy forms
older bakers wrote (tEXt and zTXt chunks, a bare URL).

PNG chunks are handled here byte by byte rather than through Pillow: baking
must keep every other chunk and the image data exactly as they were, and
Pillow can only write a PNG by re-encoding it. Pillow still checks that an
image handed to ``bake_png`` is a PNG it can open.
"""

import io
import json
import logging
import re
import struct
import xml.parsers.expat
import zlib
from dataclasses import dataclass, field
from xml.etree import ElementTree
from xml.sax.saxutils import quoteattr

import defusedxml.ElementTree
from defusedxml import DefusedXmlException
from PIL import Image

logger = logging.getLogger(__name__)

OB2_KEYWORD = "openbadges"
OB3_KEYWORD = "openbadgecredential"
BADGE_KEYWORDS = (OB2_KEYWORD, OB3_KEYWORD)

OB2_NAMESPACE = "http://openbadges.org"
OB3_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
XLINK_NAMESPACE = "http://www.w3.org/1999/xlink"
XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace"

# The element each baking namespace uses.
BADGE_ELEMENTS = {OB2_NAMESPACE: "assertion", OB3_NAMESPACE: "credential"}

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TEXT_CHUNK_TYPES = (b"iTXt", b"tEXt", b"zTXt")

# Badge payloads are a few kilobytes; a megabyte leaves room for long
# evidence text while stopping a compressed chunk that inflates to gigabytes.
MAX_TEXT_BYTES = 1_000_000
MAX_SVG_BYTES = 5_000_000

COMPACT_JWS = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")


class BakingError(ValueError):
    """The image is not one we can bake or read badge data from."""


@dataclass(frozen=True, kw_only=True)
class Embedded:
    """Where badge data sits in a presented file, and what it is.

    ``container`` is one of png-iTXt, png-tEXt, png-zTXt, svg-cdata,
    svg-text, svg-verify-attribute (and file / url when ``verify`` makes one
    for a bare document). ``payload`` is json, jws or url.
    """

    container: str
    payload: str
    value: str
    keyword: str | None = None
    compressed: bool | None = None
    language_tag: str | None = None
    element: str | None = None
    namespace: str | None = None
    verify_attribute: str | None = None


def payload_kind(text: str) -> str:
    """Return json, jws or url for a baked text, judged by its shape."""
    stripped = text.strip()
    if COMPACT_JWS.fullmatch(stripped):
        return "jws"
    if stripped.lower().startswith(("http://", "https://")):
        return "url"
    # Anything else is taken as meant to be JSON, so a verifier reports it
    # as JSON that does not parse rather than as something unknown.
    return "json"


# --- PNG ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Chunk:
    type: bytes
    data: bytes
    raw: bytes


def _read_chunks(image: bytes) -> list[_Chunk]:
    """Split a PNG into chunks, checking lengths and CRCs up to IEND."""
    if not image.startswith(PNG_SIGNATURE):
        raise BakingError("The file is not a PNG image (its signature is wrong).")
    chunks = []
    position = len(PNG_SIGNATURE)
    while True:
        chunk = _read_chunk(image, position)
        if not chunks and chunk.type != b"IHDR":
            raise BakingError("The PNG does not start with an IHDR chunk.")
        chunks.append(chunk)
        position += len(chunk.raw)
        if chunk.type == b"IEND":
            break
    if position != len(image):
        logger.info("Ignoring %d bytes after the PNG's IEND", len(image) - position)
    return chunks


def _read_chunk(image: bytes, position: int) -> _Chunk:
    """Read the chunk at position, refusing truncated or corrupt chunks."""
    header = image[position : position + 8]
    if len(header) < 8:
        raise BakingError("The PNG is truncated: it ends before its IEND chunk.")
    length, chunk_type = struct.unpack(">I4s", header)
    if not chunk_type.isalpha():
        raise BakingError("The PNG is corrupt: a chunk has an invalid type.")
    end = position + 12 + length
    if end > len(image):
        raise BakingError(
            f"The PNG is truncated: its {chunk_type.decode('ascii')} chunk declares "
            f"{length} bytes but the file ends before that."
        )
    data = image[position + 8 : position + 8 + length]
    (crc,) = struct.unpack(">I", image[end - 4 : end])
    if zlib.crc32(chunk_type + data) != crc:
        raise BakingError(
            f"The PNG is corrupt: its {chunk_type.decode('ascii')} chunk fails "
            "its CRC check."
        )
    return _Chunk(chunk_type, data, image[position:end])


def _make_chunk(chunk_type: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(chunk_type + data)
    return struct.pack(">I", len(data)) + chunk_type + data + struct.pack(">I", crc)


def _chunk_keyword(chunk: _Chunk) -> str | None:
    """Return a text chunk's keyword, or None for other chunks."""
    if chunk.type not in TEXT_CHUNK_TYPES:
        return None
    keyword, separator, _ = chunk.data[:80].partition(b"\0")
    return keyword.decode("latin-1") if separator else None


def _inflate(data: bytes) -> bytes:
    """Decompress zlib data, refusing anything that inflates past the cap."""
    inflater = zlib.decompressobj()
    try:
        text = inflater.decompress(data, MAX_TEXT_BYTES + 1)
    except zlib.error as error:
        raise BakingError("The PNG's compressed badge text is corrupt.") from error
    if len(text) > MAX_TEXT_BYTES or inflater.unconsumed_tail:
        raise BakingError(
            f"The PNG's compressed badge text inflates past {MAX_TEXT_BYTES} bytes."
        )
    if not inflater.eof:
        raise BakingError("The PNG's compressed badge text is truncated.")
    return text


def _read_itxt(chunk: _Chunk, keyword: str) -> Embedded:
    # iTXt: keyword NUL, compression flag, method, language NUL,
    # translated keyword NUL, then UTF-8 text.
    rest = chunk.data[len(keyword) + 1 :]
    if len(rest) < 2:
        raise BakingError("The PNG's iTXt badge chunk is cut short.")
    compressed = rest[0] == 1
    language, _, rest = rest[2:].partition(b"\0")
    _translated, _, text = rest.partition(b"\0")
    if compressed:
        text = _inflate(text)
    value = _decode(text, "utf-8")
    return Embedded(
        container="png-iTXt",
        keyword=keyword,
        compressed=compressed,
        language_tag=language.decode("latin-1"),
        payload=payload_kind(value),
        value=value,
    )


def _read_text(chunk: _Chunk, keyword: str) -> Embedded:
    rest = chunk.data[len(keyword) + 1 :]
    compressed = chunk.type == b"zTXt"
    if compressed:
        # zTXt: one compression-method byte, then zlib data.
        rest = _inflate(rest[1:])
    value = _decode(rest, "latin-1")
    return Embedded(
        container=f"png-{chunk.type.decode('ascii')}",
        keyword=keyword,
        compressed=compressed,
        payload=payload_kind(value),
        value=value,
    )


def _decode(text: bytes, encoding: str) -> str:
    if len(text) > MAX_TEXT_BYTES:
        raise BakingError(
            f"The PNG's badge text is longer than {MAX_TEXT_BYTES} bytes."
        )
    try:
        return text.decode(encoding)
    except UnicodeDecodeError as error:
        raise BakingError(f"The PNG's badge text is not valid {encoding}.") from error


def unbake_png(image: bytes) -> Embedded | None:
    """Return the badge data baked into a PNG, or None if it carries none."""
    badge_chunks = [
        (chunk, keyword)
        for chunk in _read_chunks(image)
        if (keyword := _chunk_keyword(chunk)) in BADGE_KEYWORDS
    ]
    if not badge_chunks:
        return None
    if len(badge_chunks) > 1:
        logger.info("PNG has %d badge text chunks; reading one", len(badge_chunks))
    # iTXt is what the specification asks bakers to write; tEXt and zTXt
    # come from older bakers, so an iTXt chunk wins when both are present.
    badge_chunks.sort(key=lambda pair: pair[0].type != b"iTXt")
    chunk, keyword = badge_chunks[0]
    if chunk.type == b"iTXt":
        return _read_itxt(chunk, keyword)
    return _read_text(chunk, keyword)


def bake_png(image: bytes, payload: str, keyword: str = OB2_KEYWORD) -> bytes:
    """Return the PNG with payload as its one uncompressed iTXt badge chunk."""
    _check_keyword(keyword)
    chunks = _read_chunks(image)
    _check_png_opens(image)
    kept = [chunk.raw for chunk in chunks if _chunk_keyword(chunk) != keyword]
    itxt = keyword.encode("latin-1") + b"\0\0\0\0\0" + payload.encode("utf-8")
    # kept ends with IEND; the badge chunk goes just before it.
    kept.insert(len(kept) - 1, _make_chunk(b"iTXt", itxt))
    return PNG_SIGNATURE + b"".join(kept)


def _check_keyword(keyword: str) -> None:
    if not 1 <= len(keyword) <= 79 or not re.fullmatch(r"[\x20-\x7e]+", keyword):
        raise BakingError("A PNG text keyword is 1 to 79 printable characters.")


def _check_png_opens(image: bytes) -> None:
    try:
        with Image.open(io.BytesIO(image)) as picture:
            if picture.format != "PNG":
                raise BakingError("The file is not a PNG image.")
            picture.verify()
    except BakingError:
        raise
    except Exception as error:  # Pillow raises many types for broken images.
        raise BakingError(f"The PNG image cannot be opened: {error}") from error


# --- SVG ---------------------------------------------------------------------


def _svg_bytes(svg: str | bytes) -> bytes:
    data = svg.encode("utf-8") if isinstance(svg, str) else bytes(svg)
    if len(data) > MAX_SVG_BYTES:
        raise BakingError(f"The SVG is larger than {MAX_SVG_BYTES} bytes.")
    return data


def parse_svg(svg: str | bytes) -> ElementTree.Element:
    """Parse an SVG safely and return its root, refusing entities and DTD tricks."""
    data = _svg_bytes(svg)
    try:
        root = defusedxml.ElementTree.fromstring(
            data, forbid_dtd=False, forbid_entities=True, forbid_external=True
        )
    except DefusedXmlException as error:
        raise BakingError(
            "The SVG declares entities or external references, which are refused."
        ) from error
    except ElementTree.ParseError as error:
        raise BakingError(f"The SVG is not well-formed XML: {error}") from error
    if root.tag != f"{{{SVG_NAMESPACE}}}svg":
        raise BakingError("The file is XML but not an SVG image.")
    return root


@dataclass
class _BadgeElement:
    namespace: str
    name: str
    attributes: dict
    start: int
    depth: int
    end: int = -1
    text: str = ""
    cdata: bool = False


@dataclass
class _SvgLayout:
    """Byte offsets of the root start tag and of any badge elements."""

    root_start: int = -1
    root_tag_end: int = -1
    root_namespaces: dict = field(default_factory=dict)
    badges: list = field(default_factory=list)


def _layout(data: bytes) -> _SvgLayout:
    """Find where the root tag and the badge elements sit, in bytes.

    Call only on data parse_svg has accepted: this pass uses plain expat to
    learn byte offsets, which defusedxml's tree does not keep.
    """
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.namespace_prefixes = True
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    layout = _SvgLayout()
    depth = 0
    current: _BadgeElement | None = None

    def declare(prefix, uri):
        if depth == 0:
            layout.root_namespaces[prefix] = uri

    def start(name, attributes):
        nonlocal depth, current
        depth += 1
        index = parser.CurrentByteIndex
        if depth == 1:
            layout.root_start = index
            layout.root_tag_end = _tag_end(data, index)
        namespace, _, local = name.partition(" ")
        local, _, prefix = local.partition(" ")
        if current is None and BADGE_ELEMENTS.get(namespace) == local:
            element = f"{prefix}:{local}" if prefix else local
            current = _BadgeElement(namespace, element, attributes, index, depth)

    def end(name):
        nonlocal depth, current
        if current is not None and current.depth == depth:
            index = parser.CurrentByteIndex
            closing = data.startswith(b"</", index)
            current.end = _tag_end(data, index if closing else current.start)
            layout.badges.append(current)
            current = None
        depth -= 1

    def characters(text):
        if current is not None:
            current.text += text

    def cdata():
        if current is not None:
            current.cdata = True

    parser.StartNamespaceDeclHandler = declare
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    parser.StartCdataSectionHandler = cdata
    parser.Parse(data, True)
    return layout


def _tag_end(data: bytes, start: int) -> int:
    """Return the offset just past the tag that opens at start."""
    quote = None
    for index in range(start, len(data)):
        byte = data[index]
        if quote is not None:
            if byte == quote:
                quote = None
        elif byte in b"\"'":
            quote = byte
        elif byte == ord(">"):
            return index + 1
    raise BakingError("The SVG ends inside a tag.")


def unbake_svg(svg: str | bytes) -> Embedded | None:
    """Return the badge data baked into an SVG, or None if it carries none."""
    data = _svg_bytes(svg)
    parse_svg(data)
    layout = _layout(data)
    if not layout.badges:
        return None
    badge = layout.badges[0]
    text = badge.text.strip()
    verify = _verify_attribute(badge.attributes)
    described = {
        "element": badge.name,
        "namespace": badge.namespace,
        "verify_attribute": verify,
    }
    if text:
        container = "svg-cdata" if badge.cdata else "svg-text"
        return Embedded(
            container=container, payload=payload_kind(text), value=text, **described
        )
    if verify:
        return Embedded(
            container="svg-verify-attribute",
            payload=payload_kind(verify),
            value=verify.strip(),
            **described,
        )
    raise BakingError(f"The SVG's <{badge.name}> element is empty.")


def _verify_attribute(attributes: dict) -> str | None:
    """Return the verify attribute, unprefixed or in the badge namespace."""
    for name, value in attributes.items():
        # With namespace processing a prefixed name reads "uri local prefix".
        parts = name.split(" ")
        if parts[min(1, len(parts) - 1)] == "verify":
            return value
    return None


def bake_svg(svg: str | bytes, *, assertion_json: str | None, verify_url: str) -> str:
    """Return the SVG with one Open Badges 2.0 assertion element after <svg>."""
    body = "" if assertion_json is None else _cdata(assertion_json)
    return _bake_element(svg, OB2_NAMESPACE, {"verify": verify_url}, body)


def bake_svg_credential(svg: str | bytes, credential: str) -> str:
    """Return the SVG with one Open Badges 3.0 credential element after <svg>.

    A compact JWS (VC-JWT) goes in the verify attribute; a JSON credential
    with an embedded proof goes in the element's CDATA body.
    """
    credential = credential.strip()
    if COMPACT_JWS.fullmatch(credential):
        return _bake_element(svg, OB3_NAMESPACE, {"verify": credential}, "")
    return _bake_element(svg, OB3_NAMESPACE, {}, _cdata(credential))


def _cdata(json_text: str) -> str:
    try:
        json.loads(json_text)
    except ValueError as error:
        raise BakingError("The badge data to bake is not valid JSON.") from error
    # "]]>" can only occur inside a JSON string, where \u003e means the same.
    return "<![CDATA[" + json_text.replace("]]>", "]]\\u003e") + "]]>"


def _bake_element(svg: str | bytes, namespace: str, attributes: dict, body: str) -> str:
    """Put one badge element of namespace right after <svg>, replacing any."""
    data = _svg_bytes(svg)
    parse_svg(data)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BakingError("Only UTF-8 SVG images can be baked.") from error
    layout = _layout(data)
    bound = layout.root_namespaces.get("openbadges")
    declaration = f" xmlns:openbadges={quoteattr(namespace)}"
    attributes_text = "".join(
        f" {name}={quoteattr(value)}" for name, value in attributes.items()
    )
    if bound not in (None, namespace):
        # On <svg> the prefix already names the other version's namespace;
        # declaring it on the element itself keeps both readable.
        attributes_text = declaration + attributes_text
    name = f"openbadges:{BADGE_ELEMENTS[namespace]}"
    element = f"<{name}{attributes_text}>{body}</{name}>".encode()
    for badge in sorted(layout.badges, key=lambda b: b.start, reverse=True):
        if badge.namespace == namespace:
            data = data[: badge.start] + data[badge.end :]
    root_tag = data[layout.root_start : layout.root_tag_end]
    if bound is None:
        root_tag = _add_to_tag(root_tag, declaration.encode())
    if root_tag.endswith(b"/>"):
        # An empty <svg/>: open it up so the element sits inside.
        root_name = re.match(rb"<([^\s/>]+)", root_tag).group(1)
        root_tag = root_tag[:-2] + b">"
        element += b"</" + root_name + b">"
    baked = data[: layout.root_start] + root_tag + element
    return (baked + data[layout.root_tag_end :]).decode("utf-8")


def _add_to_tag(tag: bytes, text: bytes) -> bytes:
    close = len(tag) - 2 if tag.endswith(b"/>") else len(tag) - 1
    return tag[:close] + text + tag[close:]


# --- Sanitising uploaded SVG artwork -----------------------------------------

# Drawing elements only. Anything that runs code, loads content, animates
# attributes (<set>/<animate> can rewrite an href to javascript:) or embeds
# foreign markup is dropped along with everything inside it.
SAFE_ELEMENTS = frozenset(
    """
    svg g defs symbol use title desc switch
    path rect circle ellipse line polyline polygon
    text tspan textPath
    linearGradient radialGradient stop pattern clipPath mask marker image
    style filter feBlend feColorMatrix feComponentTransfer feComposite
    feConvolveMatrix feDiffuseLighting feDisplacementMap feDistantLight
    feDropShadow feFlood feFuncA feFuncB feFuncG feFuncR feGaussianBlur
    feMerge feMergeNode feMorphology feOffset fePointLight
    feSpecularLighting feSpotLight feTile feTurbulence
    """.split()
)

SAFE_ATTRIBUTES = frozenset(
    """
    id class style transform version viewBox preserveAspectRatio
    x y x1 y1 x2 y2 cx cy r rx ry fx fy fr dx dy d points width height
    pathLength rotate textLength lengthAdjust startOffset method spacing
    fill fill-opacity fill-rule stroke stroke-width stroke-opacity
    stroke-linecap stroke-linejoin stroke-miterlimit stroke-dasharray
    stroke-dashoffset opacity color display visibility overflow clip
    clip-path clip-rule mask filter paint-order vector-effect
    shape-rendering text-rendering image-rendering color-interpolation
    color-interpolation-filters color-rendering mix-blend-mode isolation
    enable-background
    font-family font-size font-size-adjust font-stretch font-style
    font-variant font-weight letter-spacing word-spacing text-anchor
    text-decoration dominant-baseline alignment-baseline baseline-shift
    writing-mode direction unicode-bidi
    gradientUnits gradientTransform spreadMethod offset stop-color
    stop-opacity patternUnits patternContentUnits patternTransform
    clipPathUnits maskUnits maskContentUnits markerUnits markerWidth
    markerHeight refX refY orient marker-start marker-mid marker-end
    filterUnits primitiveUnits in in2 result mode type values operator
    k1 k2 k3 k4 stdDeviation edgeMode flood-color flood-opacity
    lighting-color baseFrequency numOctaves seed stitchTiles scale
    xChannelSelector yChannelSelector radius tableValues slope intercept
    amplitude exponent kernelMatrix kernelUnitLength order divisor bias
    targetX targetY preserveAlpha surfaceScale specularConstant
    specularExponent diffuseConstant azimuth elevation pointsAtX
    pointsAtY pointsAtZ limitingConeAngle z
    href xlink:href xml:space
    """.split()
)

SAFE_DATA_URI = re.compile(r"data:image/(png|jpeg);", re.IGNORECASE)
CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
# CSS escapes and comments can spell url( or @import in ways a simple scan
# misses, and badge artwork has no need for them.
UNSAFE_CSS = re.compile(
    r"@import|expression\(|javascript:|-moz-binding|behavior|\\|/\*"
)
# A link's drawing is kept; the link itself is not.
RENAMED_ELEMENTS = {"a": "g"}


def sanitise_svg(svg: bytes) -> bytes:
    """Return the SVG reduced to safe drawing elements and attributes."""
    root = parse_svg(svg)
    clean = _clean_element(root)
    clean.set("xmlns", SVG_NAMESPACE)
    clean.set("xmlns:xlink", XLINK_NAMESPACE)
    return ElementTree.tostring(clean, encoding="utf-8", xml_declaration=True)


def _clean_element(element: ElementTree.Element) -> ElementTree.Element:
    """Copy an SVG element, keeping only safe attributes and children."""
    name = _svg_local_name(element.tag)
    name = RENAMED_ELEMENTS.get(name, name)
    clean = ElementTree.Element(name)
    for attribute, value in element.attrib.items():
        attribute_name = _attribute_name(attribute)
        if attribute_name in SAFE_ATTRIBUTES and _attribute_is_safe(
            attribute_name, value
        ):
            clean.set(attribute_name, value)
    if name == "style":
        clean.text = element.text if _css_is_safe(element.text or "") else ""
        return clean
    clean.text = element.text
    for child in element:
        child_name = _svg_local_name(child.tag)
        if child_name in SAFE_ELEMENTS or child_name in RENAMED_ELEMENTS:
            cleaned = _clean_element(child)
            cleaned.tail = child.tail
            clean.append(cleaned)
        else:
            _keep_tail(clean, child.tail)
    return clean


def _keep_tail(parent: ElementTree.Element, tail: str | None) -> None:
    """Keep the text that followed a dropped element, as in <text>a<x/>b</text>."""
    if not tail:
        return
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail


def _svg_local_name(tag) -> str | None:
    # Comments and processing instructions have a function as their tag.
    if not isinstance(tag, str) or not tag.startswith(f"{{{SVG_NAMESPACE}}}"):
        return None
    return tag.split("}", 1)[1]


def _attribute_name(attribute: str) -> str | None:
    if not attribute.startswith("{"):
        return attribute
    namespace, local = attribute[1:].split("}", 1)
    prefixes = {XLINK_NAMESPACE: "xlink", XML_NAMESPACE: "xml"}
    prefix = prefixes.get(namespace)
    return f"{prefix}:{local}" if prefix else None


def _attribute_is_safe(name: str, value: str) -> bool:
    if name in ("href", "xlink:href"):
        return _reference_is_safe(value)
    if name == "style":
        return _css_is_safe(value)
    lowered = value.lower()
    if "javascript:" in lowered:
        return False
    return "url(" not in lowered or _css_is_safe(value)


def _reference_is_safe(value: str) -> bool:
    value = value.strip()
    return value.startswith("#") or bool(SAFE_DATA_URI.match(value))


def _css_is_safe(css: str) -> bool:
    if UNSAFE_CSS.search(css.lower()):
        return False
    urls = (match.group(2).strip() for match in CSS_URL.finditer(css))
    return all(url.startswith("#") for url in urls)
