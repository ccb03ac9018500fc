"""Every form of badge the portal issues verifies as an Open Badge.

The verifier (``openbadges.verify``) fetches what the badge links to through
the Django test client, so it reads exactly what the employer's site serves.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from badges import artefacts, services
from badges.models import Award
from openbadges.verify import verify
from tests.fetchers import SiteFetcher


@pytest.fixture
def award(employer, make_badge):
    badge = make_badge(employer, valid_for_days=365)
    with tenant_context(employer):
        return services.award_badge(
            badge=badge,
            recipient_name="Sam Staff",
            recipient_email="sam@acme.example",
            awarded_by=employer.owner,
            evidence_narrative="Led the office move.",
        )


def issued_forms(employer, award):
    with tenant_context(employer):
        award = Award.objects.select_related("badge").get(pk=award.pk)
        return {
            "hosted url": artefacts.documents.assertion_id(award),
            "baked png": artefacts.baked_png(award),
            "baked svg": artefacts.baked_svg(award).encode(),
            "ob3 jwt": artefacts.credential_jwt(award).encode(),
            "ob3 baked png": artefacts.baked_credential_png(award),
        }


FORMS = ["hosted url", "baked png", "baked svg", "ob3 jwt", "ob3 baked png"]


@pytest.mark.parametrize("form", FORMS)
def test_every_issued_form_verifies_for_its_holder(employer, award, form):
    presented = issued_forms(employer, award)[form]

    verdict = verify(
        presented,
        recipient_email="Sam@Acme.example",
        fetch=SiteFetcher(),
        as_of=timezone.now(),
    )

    assert verdict.status == "valid", verdict.reason
    assert verdict.recipient_matches is True
    assert verdict.badge_name == "Embracing Change Award"
    assert verdict.issuer_name == "Acme Repairs"
    expected_version = "3.0" if form.startswith("ob3") else "2.0"
    assert verdict.openbadges_version == expected_version


@pytest.mark.parametrize("form", FORMS)
def test_every_issued_form_refuses_someone_else(employer, award, form):
    verdict = verify(
        issued_forms(employer, award)[form],
        recipient_email="someone.else@example.org",
        fetch=SiteFetcher(),
        as_of=timezone.now(),
    )

    assert verdict.status == "wrong-recipient"


@pytest.mark.parametrize("form", FORMS)
def test_a_revoked_award_verifies_as_revoked(employer, award, form):
    presented = issued_forms(employer, award)[form]
    with tenant_context(employer):
        services.revoke_award(award, revoked_by=employer.owner, reason="Error")

    verdict = verify(
        presented,
        recipient_email="sam@acme.example",
        fetch=SiteFetcher(),
        as_of=timezone.now(),
    )

    assert verdict.status == "revoked"


@pytest.mark.parametrize("form", FORMS)
def test_an_award_past_its_expiry_verifies_as_expired(employer, award, form):
    later = datetime.now(UTC) + timedelta(days=400)

    verdict = verify(
        issued_forms(employer, award)[form],
        recipient_email="sam@acme.example",
        fetch=SiteFetcher(),
        as_of=later,
    )

    assert verdict.status == "expired"


def test_a_tampered_credential_fails_its_signature(employer, award):
    token = issued_forms(employer, award)["ob3 jwt"].decode()
    header, payload, signature = token.split(".")
    forged = ".".join([header, payload, signature[:-4] + "AAAA"])

    verdict = verify(
        forged.encode(),
        recipient_email="sam@acme.example",
        fetch=SiteFetcher(),
        as_of=timezone.now(),
    )

    assert verdict.status == "bad-signature"
