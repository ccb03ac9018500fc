"""Badge images: checking uploads, a default design, and PNG renditions."""

import functools
import io
import logging
from xml.sax.saxutils import escape

import cairosvg
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection
from PIL import Image, UnidentifiedImageError

from openbadges.baking import BakingError, sanitise_svg

logger = logging.getLogger(__name__)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_SIDE = 2000
RENDER_SIDE = 400
PALETTE = ["#00677f", "#7a3e9d", "#b3541e", "#2e7d32", "#1d4e89", "#8a1c4a"]


def clean_badge_image(upload):
    """Return a safe ContentFile for an uploaded PNG or SVG, or raise."""
    if upload.size > settings.BADGE_IMAGE_MAX_BYTES:
        raise ValidationError(
            "The image is %(size)d KB; badge images must be 1 MB or smaller.",
            params={"size": upload.size // 1024},
        )
    data = upload.read()

    if data.startswith(PNG_SIGNATURE):
        check_png(data)
        return ContentFile(data, name="badge.png")
    if b"<svg" in data[:4096]:
        try:
            clean = sanitise_svg(data)
        except BakingError as error:
            raise ValidationError(f"This SVG cannot be used: {error}") from None
        return ContentFile(clean, name="badge.svg")
    raise ValidationError("Upload a PNG or SVG image.")


def check_png(data):
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            width, height = image.size
            kind = image.format
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise ValidationError("This file is not a readable PNG image.") from None
    if kind != "PNG":
        raise ValidationError("Upload a PNG or SVG image.")
    if width > MAX_SIDE or height > MAX_SIDE:
        raise ValidationError(
            "The image is %(w)d×%(h)d pixels; use at most 2000 on each side.",
            params={"w": width, "h": height},
        )


def default_design(name):
    """Return an SVG badge with the badge's initials, for badges with no image."""
    words = [word for word in name.split() if word[:1].isalnum()]
    initials = "".join(word[0] for word in words[:3]).upper()
    colour = PALETTE[sum(map(ord, name)) % len(PALETTE)]
    svg = f"""<svg xmlns="http://www.w3.org/2000/svg" width="{RENDER_SIDE}" \
height="{RENDER_SIDE}" viewBox="0 0 400 400">
  <circle cx="200" cy="200" r="190" fill="{colour}"/>
  <circle cx="200" cy="200" r="160" fill="none" stroke="#ffffff" stroke-width="8"/>
  <text x="200" y="235" font-family="DejaVu Sans, sans-serif" font-size="110"
    font-weight="bold" fill="#ffffff" text-anchor="middle">{escape(initials)}</text>
</svg>
"""
    return ContentFile(svg.encode(), name="badge.svg")


def png_rendition(badge):
    """Return the badge's image as PNG bytes, rendering an SVG if need be.

    Every award of a badge bakes the same picture, so the rendition is kept
    per worker process. The key holds the schema and the stored file's name,
    which is new whenever the image is replaced.
    """
    return _rendition(connection.schema_name, badge.image.name, badge.image.storage)


@functools.lru_cache(maxsize=128)
def _rendition(schema_name, name, storage):
    with storage.open(name, "rb") as image:
        data = image.read()
    if data.startswith(PNG_SIGNATURE):
        return data
    return cairosvg.svg2png(
        bytestring=data, output_width=RENDER_SIDE, output_height=RENDER_SIDE
    )


def svg_source(badge):
    """Return the badge's SVG text, or None for a PNG badge."""
    if not badge.image_is_svg:
        return None
    with badge.image.open("rb") as image:
        return image.read().decode()
