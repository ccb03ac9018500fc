"""Every badge, claim, award and file page, tried by every kind of visitor.

Managers (and the owner) manage; staff claim and see their own; visitors see
only what Open Badges makes public; nobody from another employer's site sees
anything at all.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from badges import services

OK, FOUND, FORBIDDEN, NOT_FOUND = 200, 302, 403, 404


@pytest.fixture
def world(employer, other_employer, make_badge, add_member):
    """One employer with a badge, a claim with a file, an award and an invite."""
    badge = make_badge(employer)
    claimant = add_member(employer, email="claimant@acme.example")
    with tenant_context(employer):
        claim = services.submit_claim(
            badge=badge,
            claimant=claimant,
            narrative="Did it",
            evidence_file=SimpleUploadedFile("e.pdf", b"%PDF-1.4\n%%EOF"),
        )
        award = services.award_badge(
            badge=badge,
            recipient_name="Holder",
            recipient_email="holder@acme.example",
            awarded_by=employer.owner,
        )
    return {
        "badge": badge.entity_id,
        "claim": claim.pk,
        "award": award.entity_id,
        "claimant": claimant,
        "colleague": add_member(employer),
        "manager": add_member(employer, role="manager"),
        "outsider": other_employer.owner,
    }


MANAGER_PAGES = [
    "/badges/new/",
    "/badges/{badge}/edit/",
    "/badges/{badge}/award/",
    "/badges/{badge}/award/csv/",
    "/claims/",
    "/awards/",
    "/awards/{award}/revoke/",
    "/people/",
]
MEMBER_PAGES = [
    "/badges/",
    "/badges/{badge}/",
    "/badges/{badge}/claim/",
    "/claims/mine/",
]
CLAIM_PAGES = ["/claims/{claim}/", "/claims/{claim}/evidence/"]
PUBLIC_PAGES = [
    "/ob/issuer",
    "/ob/revocations",
    "/ob/badges/{badge}",
    "/ob/badges/{badge}/image",
    "/awards/{award}",
    "/awards/{award}/badge.png",
    "/awards/{award}/credential.jwt",
    "/awards/{award}/certificate.pdf",
]


def statuses(site_client, employer, world, who, paths):
    """Return {path: status} for one visitor asking for each path."""
    user = world[who] if who != "visitor" else None
    client = site_client(employer, user)
    return {path: client.get(path.format(**world)).status_code for path in paths}


def every(paths, status):
    return dict.fromkeys(paths, status)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (
            "manager",
            {
                **every(MANAGER_PAGES + MEMBER_PAGES + CLAIM_PAGES, OK),
                **every(PUBLIC_PAGES, OK),
            },
        ),
        (
            "claimant",
            {
                **every(MANAGER_PAGES, FORBIDDEN),
                **every(MEMBER_PAGES + CLAIM_PAGES + PUBLIC_PAGES, OK),
            },
        ),
        (
            "colleague",
            {
                **every(MANAGER_PAGES, FORBIDDEN),
                **every(MEMBER_PAGES, OK),
                **every(CLAIM_PAGES, NOT_FOUND),
                **every(PUBLIC_PAGES, OK),
            },
        ),
        (
            "visitor",
            {
                **every(MANAGER_PAGES + MEMBER_PAGES + CLAIM_PAGES, FOUND),
                **every(PUBLIC_PAGES, OK),
            },
        ),
    ],
)
def test_each_role_reaches_what_it_should_and_nothing_else(
    employer, site_client, world, who, expected
):
    found = statuses(site_client, employer, world, who, list(expected))

    assert found == expected


def test_no_id_of_one_employer_is_found_on_another_employers_site(
    other_employer, site_client, world
):
    # The other employer's owner, signed in on their own site, asks there for
    # this employer's badge, claim and award ids.
    paths = [
        path
        for path in MANAGER_PAGES + MEMBER_PAGES + CLAIM_PAGES + PUBLIC_PAGES
        if "{" in path
    ]

    found = statuses(site_client, other_employer, world, "outsider", paths)

    assert found == every(paths, NOT_FOUND)


def test_the_other_employers_public_documents_are_its_own(
    other_employer, site_client, world
):
    issuer = site_client(other_employer).get("/ob/issuer").json()
    revoked = site_client(other_employer).get("/ob/revocations").json()

    assert issuer["name"] == "Bolt Logistics"
    assert revoked["revokedAssertions"] == []
