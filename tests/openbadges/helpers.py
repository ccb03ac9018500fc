"""Fixtures the Open Badges tests make for themselves, and the shared corpus."""

import io
import json
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image, PngImagePlugin

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "cases" / "openbadges"


def corpus_folder() -> Path:
    """Return the corpus folder, skipping the test when it is not there."""
    if not (CORPUS / "index.json").is_file():
        pytest.skip(f"Open Badges corpus not found at {CORPUS}")
    return CORPUS


def corpus_cases() -> list[str]:
    """Return the case folder names listed in the corpus index, if present."""
    index = CORPUS / "index.json"
    if not index.is_file():
        return []
    return [row["case"] for row in json.loads(index.read_text())]


def make_png(text_chunks=(), size=(8, 8), colour=(200, 30, 60)) -> bytes:
    """Return a small RGB PNG made with Pillow, with optional text chunks.

    Each text chunk is (kind, keyword, value) with kind tEXt, zTXt, iTXt or
    iTXt-compressed.
    """
    info = PngImagePlugin.PngInfo()
    for kind, keyword, value in text_chunks:
        if kind == "tEXt":
            info.add_text(keyword, value)
        elif kind == "zTXt":
            info.add_text(keyword, value, zip=True)
        else:
            info.add_itxt(keyword, value, zip=kind == "iTXt-compressed")
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


def png_chunk(chunk_type: bytes, data: bytes) -> bytes:
    """Return one PNG chunk with a correct length and CRC."""
    crc = zlib.crc32(chunk_type + data)
    return struct.pack(">I", len(data)) + chunk_type + data + struct.pack(">I", crc)


def insert_before_iend(png: bytes, chunk: bytes) -> bytes:
    """Return png with chunk added just before its IEND chunk."""
    iend = png.rindex(b"IEND") - 4
    return png[:iend] + chunk + png[iend:]


def chunk_list(png: bytes) -> list[tuple[bytes, bytes]]:
    """Return (type, data) for every chunk of a well-formed PNG."""
    chunks, position = [], 8
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        chunk_type = png[position + 4 : position + 8]
        chunks.append((chunk_type, png[position + 8 : position + 8 + length]))
        position += 12 + length
    return chunks


def text_keyword(data: bytes) -> str:
    return data.split(b"\0", 1)[0].decode("latin-1")


SIMPLE_SVG = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">\n'
    "  <title>Badge</title>\n"
    '  <circle cx="50" cy="50" r="40" fill="#c81e3c"/>\n'
    "</svg>\n"
)
