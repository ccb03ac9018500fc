"""What an award is shared as: baked images, the signed credential, a PDF,
and the LinkedIn "add to profile" link."""

import json
from urllib.parse import urlencode

from django.conf import settings
from django.utils.text import slugify

from badges import documents, images
from badges.keys import sign_credential
from core.pdf import render_pdf
from employers.models import current_employer
from openbadges.baking import bake_png, bake_svg

LINKEDIN_ADD_URL = "https://www.linkedin.com/profile/add"


def assertion_json(award):
    return json.dumps(documents.assertion(award), separators=(",", ":"))


def baked_png(award):
    """Return the badge image with the Open Badges 2.0 assertion baked in."""
    return bake_png(images.png_rendition(award.badge), assertion_json(award))


def baked_svg(award):
    """Return the SVG badge with its assertion baked in, or None for a PNG badge."""
    svg = images.svg_source(award.badge)
    if svg is None:
        return None
    return bake_svg(
        svg,
        assertion_json=assertion_json(award),
        verify_url=documents.assertion_id(award),
    )


def credential_jwt(award):
    """Return the award as an Open Badges 3.0 credential, signed as a VC-JWT."""
    return sign_credential(documents.credential_claims(award), current_employer())


def baked_credential_png(award):
    """Return the badge image with the signed 3.0 credential baked in."""
    return bake_png(
        images.png_rendition(award.badge),
        credential_jwt(award),
        keyword="openbadgecredential",
    )


def linkedin_url(award):
    """Return LinkedIn's "add to profile" link, filled in with the award."""
    employer = current_employer()
    params = {
        "startTask": "CERTIFICATION_NAME",
        "name": award.badge.name,
        "organizationName": employer.name,
        "issueYear": award.issued_at.year,
        "issueMonth": award.issued_at.month,
        "certUrl": documents.assertion_id(award),
        "certId": str(award.entity_id),
    }
    if award.expires_at:
        params["expirationYear"] = award.expires_at.year
        params["expirationMonth"] = award.expires_at.month
    return f"{LINKEDIN_ADD_URL}?{urlencode(params)}"


def certificate_pdf(award):
    return render_pdf(
        "badges/certificate.html",
        {
            "programme_name": settings.PROGRAMME_NAME,
            "award": award,
            "badge": award.badge,
            "employer": current_employer(),
            "verify_url": documents.assertion_id(award),
        },
    )


def filename(award, extension):
    return f"{slugify(award.badge.name)[:60] or 'badge'}.{extension}"
