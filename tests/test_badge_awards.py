"""Awards as Open Badges: hosted 2.0 documents, baked images, 3.0 VC-JWT,
verification page, LinkedIn, revocation, and the award email."""

import hashlib
import json
from datetime import timedelta
from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from django.core import mail
from django.utils import timezone
from django_tenants.utils import tenant_context

from badges import services
from badges.models import Award, IssuerKey
from badges.tasks import send_expiry_reminders
from openbadges.baking import unbake_png, unbake_svg

BASE = "http://acme.localhost:8000"


@pytest.fixture
def badge(employer, make_badge):
    return make_badge(employer, valid_for_days=365)


@pytest.fixture
def award(employer, badge):
    with tenant_context(employer):
        return services.award_badge(
            badge=badge,
            recipient_name="Sam Staff",
            recipient_email="Sam@Acme.example",
            awarded_by=employer.owner,
            evidence_narrative="Led the office move.",
            evidence_url="https://example.org/move",
        )


def get_json(client, path):
    response = client.get(path, HTTP_ACCEPT="application/ld+json")
    assert response["Content-Type"] == "application/ld+json"
    return response, response.json()


def test_the_hosted_assertion_follows_open_badges_2(
    employer, award, badge, site_client
):
    response, assertion = get_json(site_client(employer), f"/awards/{award.entity_id}")

    assert response.status_code == HTTPStatus.OK
    assert assertion["@context"] == "https://w3id.org/openbadges/v2"
    assert assertion["type"] == "Assertion"
    assert assertion["id"] == f"{BASE}/awards/{award.entity_id}"
    assert assertion["badge"] == f"{BASE}/ob/badges/{badge.entity_id}"
    recipient = assertion["recipient"]
    expected = hashlib.sha256(("sam@acme.example" + recipient["salt"]).encode())
    assert recipient == {
        "type": "email",
        "hashed": True,
        "salt": recipient["salt"],
        "identity": f"sha256${expected.hexdigest()}",
    }
    assert len(recipient["salt"]) == 16
    assert assertion["verification"] == {"type": "HostedBadge"}
    assert assertion["issuedOn"].endswith("Z")
    assert assertion["expires"][:10] == (
        award.issued_at + timedelta(days=365)
    ).strftime("%Y-%m-%d")
    assert assertion["evidence"] == [
        {
            "type": "Evidence",
            "id": "https://example.org/move",
            "narrative": "Led the office move.",
        }
    ]
    assert "Sam@Acme.example" not in response.content.decode()


def test_badge_class_and_issuer_link_up(employer, award, badge, site_client):
    client = site_client(employer)
    _, badge_class = get_json(client, f"/ob/badges/{badge.entity_id}")
    _, issuer = get_json(client, "/ob/issuer")

    assert badge_class["type"] == "BadgeClass"
    assert badge_class["criteria"] == {"narrative": badge.criteria}
    assert badge_class["issuer"] == f"{BASE}/ob/issuer"
    assert badge_class["image"] == f"{BASE}/ob/badges/{badge.entity_id}/image"
    assert issuer["id"] == f"{BASE}/ob/issuer"
    assert issuer["name"] == "Acme Repairs"
    assert issuer["revocationList"] == f"{BASE}/ob/revocations"


def test_people_get_a_verification_page_at_the_same_address(
    employer, award, site_client
):
    page = site_client(employer).get(
        f"/awards/{award.entity_id}", HTTP_ACCEPT="text/html,application/xhtml+xml"
    )

    content = page.content.decode()
    assert page["Content-Type"].startswith("text/html")
    assert "Accept" in page["Vary"]
    assert "Valid badge" in content
    assert "Sam Staff" in content and "Acme Repairs" in content
    assert "Add to LinkedIn" in content


def test_the_linkedin_link_is_filled_in(employer, award):
    from badges.artefacts import linkedin_url

    with tenant_context(employer):
        url = linkedin_url(award)

    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    assert parts.netloc == "www.linkedin.com"
    assert query["name"] == "Embracing Change Award"
    assert query["organizationName"] == "Acme Repairs"
    assert query["issueYear"] == str(award.issued_at.year)
    assert query["expirationYear"] == str(award.expires_at.year)
    assert query["certUrl"] == f"{BASE}/awards/{award.entity_id}"


def test_revoking_answers_410_lists_it_and_says_so(employer, award, site_client):
    client = site_client(employer, employer.owner)

    client.post(f"/awards/{award.entity_id}/revoke/", {"reason": "Awarded in error"})

    response = client.get(f"/awards/{award.entity_id}", HTTP_ACCEPT="application/json")
    assert response.status_code == HTTPStatus.GONE
    assert response.json()["revoked"] is True
    assert response.json()["revocationReason"] == "Awarded in error"
    _, revocations = get_json(client, "/ob/revocations")
    assert revocations["revokedAssertions"] == [
        {
            "id": f"{BASE}/awards/{award.entity_id}",
            "revocationReason": "Awarded in error",
        }
    ]
    page = client.get(f"/awards/{award.entity_id}", HTTP_ACCEPT="text/html")
    assert "Revoked on" in page.content.decode()
    assert "Awarded in error" in page.content.decode()


def test_revoking_needs_a_reason(employer, award, site_client):
    client = site_client(employer, employer.owner)

    response = client.post(f"/awards/{award.entity_id}/revoke/", {"reason": ""})

    assert response.status_code == HTTPStatus.OK
    with tenant_context(employer):
        assert not Award.objects.get().is_revoked


def test_the_baked_png_carries_the_assertion_once(employer, award, site_client):
    client = site_client(employer)

    baked = b"".join([client.get(f"/awards/{award.entity_id}/badge.png").content])

    embedded = unbake_png(baked)
    assert embedded.keyword == "openbadges"
    assert json.loads(embedded.value)["id"] == f"{BASE}/awards/{award.entity_id}"
    assert baked.count(b"iTXtopenbadges") == 1


def test_the_baked_svg_carries_the_assertion(employer, award, site_client):
    svg = site_client(employer).get(f"/awards/{award.entity_id}/badge.svg").content

    embedded = unbake_svg(svg)
    assert json.loads(embedded.value)["id"] == f"{BASE}/awards/{award.entity_id}"


def test_the_3_0_credential_is_signed_with_the_employers_published_key(
    employer, award, site_client
):
    client = site_client(employer)

    token = client.get(f"/awards/{award.entity_id}/credential.jwt").content.decode()

    header = jwt.get_unverified_header(token)
    assert header["alg"] == "RS256"
    key_path = urlsplit(header["kid"]).path
    jwk = client.get(key_path).json()
    assert "d" not in jwk and "p" not in jwk
    claims = jwt.decode(
        token,
        key=jwt.PyJWK(jwk).key,
        algorithms=["RS256"],
        options={"verify_aud": False},
    )
    assert claims["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert claims["iss"] == f"{BASE}/ob/issuer"
    assert claims["credentialSubject"]["identifier"][0]["identityHash"] == (
        award.identity_hash
    )
    assert claims["validUntil"].endswith("Z")
    _, issuer = get_json(client, "/ob/issuer")
    assert header["kid"] in issuer["publicKey"]


def test_the_private_key_is_stored_encrypted(employer, award):
    with tenant_context(employer):
        key = IssuerKey.objects.get()
    assert b"PRIVATE KEY" not in bytes(key.encrypted_private_key)


def test_another_employers_site_knows_nothing_of_an_award(
    employer, other_employer, award, badge, site_client
):
    client = site_client(other_employer)

    for path in [
        f"/awards/{award.entity_id}",
        f"/awards/{award.entity_id}/badge.png",
        f"/awards/{award.entity_id}/credential.jwt",
        f"/awards/{award.entity_id}/certificate.pdf",
        f"/ob/badges/{badge.entity_id}",
        f"/ob/badges/{badge.entity_id}/image",
    ]:
        assert client.get(path).status_code == HTTPStatus.NOT_FOUND, path


def test_the_award_email_carries_the_baked_png_and_the_certificate(
    employer, badge, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), tenant_context(employer):
        award = services.award_badge(
            badge=badge,
            recipient_name="Sam Staff",
            recipient_email="sam@acme.example",
            awarded_by=employer.owner,
        )

    (email,) = mail.outbox
    assert email.subject == (
        "Acme Repairs has awarded you the Embracing Change Award badge"
    )
    assert f"{BASE}/awards/{award.entity_id}" in email.body
    assert "https://www.linkedin.com/profile/add?" in email.body
    names = [name for name, _, _ in email.attachments]
    assert names == ["embracing-change-award.png", "embracing-change-award.pdf"]
    png = email.attachments[0][1]
    assert json.loads(unbake_png(png).value)["id"].endswith(str(award.entity_id))


def test_expiry_reminders_go_once_thirty_days_ahead(employer, badge):
    with tenant_context(employer):
        soon = services.award_badge(
            badge=badge,
            recipient_name="A",
            recipient_email="a@x.example",
            awarded_by=employer.owner,
        )
        later = services.award_badge(
            badge=badge,
            recipient_name="B",
            recipient_email="b@x.example",
            awarded_by=employer.owner,
        )
        Award.objects.filter(pk=soon.pk).update(
            expires_at=timezone.now() + timedelta(days=20)
        )
        Award.objects.filter(pk=later.pk).update(
            expires_at=timezone.now() + timedelta(days=40)
        )

    send_expiry_reminders.delay(employer.schema_name)
    send_expiry_reminders.delay(employer.schema_name)

    (email,) = mail.outbox
    assert email.to == ["a@x.example"]
    assert "expires on" in email.subject


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        ("*/*", "application/ld+json"),
        ("", "application/ld+json"),
        ("application/json", "application/ld+json"),
        ("text/html,application/xhtml+xml,*/*;q=0.8", "text/html; charset=utf-8"),
    ],
)
def test_the_award_address_answers_what_the_client_asks_for(
    employer, award, site_client, accept, content_type
):
    response = site_client(employer).get(
        f"/awards/{award.entity_id}", HTTP_ACCEPT=accept
    )

    assert response["Content-Type"] == content_type


def test_the_award_list_pages_through_every_award(employer, badge, site_client):
    from badges.views import LIST_PAGE_SIZE

    with tenant_context(employer):
        for number in range(LIST_PAGE_SIZE + 2):
            services.award_badge(
                badge=badge,
                recipient_name=f"Holder {number}",
                recipient_email=f"holder{number}@example.org",
                awarded_by=employer.owner,
            )
    client = site_client(employer, employer.owner)

    first = client.get("/awards/").content.decode()
    second = client.get("/awards/", {"page": 2}).content.decode()

    assert "Holder 0 " not in first and "Holder 0 " in second
    assert f"Holder {LIST_PAGE_SIZE + 1} " in first
    assert "Page 2 of 2" in second
