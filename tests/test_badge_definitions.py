"""Managers define badges: images checked, SVGs sanitised, archiving."""

import io
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context
from PIL import Image

from badges.models import BadgeClass

FORM = {
    "name": "Net Zero Champion",
    "description": "Leads work that cuts carbon.",
    "criteria": "Describe a change you led that cut emissions.",
    "tags": "sustainability, leadership , sustainability",
    "valid_for_days": "730",
    "staff_can_claim": "on",
    "evidence_required": "on",
}


def png_bytes(size=(64, 64)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def manager_client(employer, add_member, site_client):
    return site_client(employer, add_member(employer, role="manager"))


def post_badge(client, **files):
    return client.post("/badges/new/", {**FORM, **files})


def test_a_manager_defines_a_badge_with_a_default_design(manager_client, employer):
    response = post_badge(manager_client)

    with tenant_context(employer):
        badge = BadgeClass.objects.get()
        assert response["Location"] == f"/badges/{badge.entity_id}/"
        assert badge.tags == ["sustainability", "leadership"]
        assert badge.valid_for_days == 730
        assert badge.image.name.startswith(f"tenants/{employer.schema_name}/")
        assert badge.image_is_svg
    image = manager_client.get(f"/ob/badges/{badge.entity_id}/image")
    assert image["Content-Type"] == "image/svg+xml"
    assert b">NZC</text>" in b"".join(image.streaming_content)


def test_a_png_upload_is_kept(manager_client, employer):
    post_badge(manager_client, image=SimpleUploadedFile("b.png", png_bytes()))

    with tenant_context(employer):
        badge = BadgeClass.objects.get()
        assert badge.image.name.endswith(".png")
        assert badge.image.read() == png_bytes()


def test_an_svg_upload_loses_scripts_and_external_references(manager_client, employer):
    hostile = (
        b'<svg xmlns="http://www.w3.org/2000/svg" '
        b'xmlns:xlink="http://www.w3.org/1999/xlink" onload="alert(1)">'
        b"<script>alert(2)</script>"
        b'<image xlink:href="https://evil.example/x.png" width="5" height="5"/>'
        b'<circle cx="5" cy="5" r="4" fill="red"/></svg>'
    )

    post_badge(manager_client, image=SimpleUploadedFile("b.svg", hostile))

    with tenant_context(employer):
        svg = BadgeClass.objects.get().image.read()
    assert b"circle" in svg
    assert b"script" not in svg
    assert b"onload" not in svg
    assert b"evil.example" not in svg


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("b.png", b"\x89PNG\r\n\x1a\nnot really"),
            "not a readable PNG",
        ),
        (
            SimpleUploadedFile("b.gif", b"GIF89a" + b"\0" * 20),
            "Upload a PNG or SVG image.",
        ),
        (
            SimpleUploadedFile("b.png", b"\x89PNG\r\n\x1a\n" + b"\0" * (1024 * 1024)),
            "badge images must be 1 MB or smaller",
        ),
        (SimpleUploadedFile("b.svg", b"<svg><unclosed"), "This SVG cannot be used"),
    ],
)
def test_bad_images_are_refused_and_the_form_kept(
    manager_client, employer, upload, message
):
    response = post_badge(manager_client, image=upload)

    assert response.status_code == HTTPStatus.OK
    assert message in response.context["form"].errors["image"][0]
    assert response.context["form"]["name"].value() == "Net Zero Champion"
    with tenant_context(employer):
        assert not BadgeClass.objects.exists()


def test_staff_cannot_define_badges(employer, add_member, site_client):
    client = site_client(employer, add_member(employer))

    assert client.get("/badges/new/").status_code == HTTPStatus.FORBIDDEN
    assert post_badge(client).status_code == HTTPStatus.FORBIDDEN


def test_archiving_stops_claims_and_awards_but_keeps_awarded_badges_valid(
    employer, make_badge, add_member, site_client
):
    from badges import services

    badge = make_badge(employer)
    holder = add_member(employer)
    with tenant_context(employer):
        award = services.award_badge(
            badge=badge,
            recipient_name="Sam",
            recipient_email=holder.email,
            awarded_by=employer.owner,
        )
    owner = site_client(employer, employer.owner)

    owner.post(f"/badges/{badge.entity_id}/archive/")

    staff = site_client(employer, holder)
    assert staff.get(f"/badges/{badge.entity_id}/claim/").status_code == 404
    assert owner.get(f"/badges/{badge.entity_id}/award/").status_code == 404
    assert (
        staff.get(f"/awards/{award.entity_id}", HTTP_ACCEPT="application/json")
        .json()["badge"]
        .endswith(str(badge.entity_id))
    )
    page = staff.get(f"/awards/{award.entity_id}", HTTP_ACCEPT="text/html")
    assert "Valid badge" in page.content.decode()
