"""Staff claim badges with evidence; managers decide; claimants are told."""

from http import HTTPStatus

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from badges.models import Award, Claim

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def badge(employer, make_badge):
    return make_badge(employer)


@pytest.fixture
def staff(employer, add_member):
    return add_member(employer, full_name="Sam Staff", email="sam@acme.example")


@pytest.fixture
def manager(employer, add_member):
    return add_member(employer, role="manager", full_name="Mo Manager")


def claim(client, badge, **data):
    return client.post(f"/badges/{badge.entity_id}/claim/", data)


def test_staff_claim_with_evidence_and_a_manager_approves_it(
    employer, badge, staff, manager, site_client, django_capture_on_commit_callbacks
):
    staff_client = site_client(employer, staff)
    response = claim(
        staff_client,
        badge,
        narrative="Ran the move to the new office.",
        evidence_url="https://example.org/move",
        evidence_file=SimpleUploadedFile("notes.pdf", PDF),
    )
    assert response["Location"] == "/claims/mine/"
    with tenant_context(employer):
        pending = Claim.objects.get()
        assert pending.evidence_file.name.startswith(
            f"tenants/{employer.schema_name}/evidence/"
        )

    manager_client = site_client(employer, manager)
    queue = manager_client.get("/claims/").content.decode()
    assert "Sam Staff" in queue
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(
            f"/claims/{pending.pk}/", {"decision": "approve", "comment": "Well done"}
        )

    with tenant_context(employer):
        decided = Claim.objects.get()
        award = Award.objects.get()
        assert decided.status == Claim.Status.APPROVED
        assert decided.decided_by == manager
        assert [e.kind for e in decided.events.all()] == ["claimed", "approved"]
        assert award.claim == decided
        assert award.recipient_email == "sam@acme.example"
        assert award.evidence_url == "https://example.org/move"
    (email,) = mail.outbox
    assert email.to == ["sam@acme.example"]
    assert "approving your claim" in email.body
    assert badge.name in staff_client.get("/claims/mine/").content.decode()


def test_a_declined_claim_needs_a_reason_and_tells_the_claimant(
    employer, badge, staff, manager, site_client, django_capture_on_commit_callbacks
):
    claim(site_client(employer, staff), badge, narrative="I adapted.")
    with tenant_context(employer):
        pending = Claim.objects.get()
    manager_client = site_client(employer, manager)

    refused = manager_client.post(f"/claims/{pending.pk}/", {"decision": "decline"})
    assert "Say why you are declining" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        manager_client.post(
            f"/claims/{pending.pk}/",
            {"decision": "decline", "comment": "Add what the result was."},
        )

    with tenant_context(employer):
        assert Claim.objects.get().status == Claim.Status.DECLINED
        assert not Award.objects.exists()
    (email,) = mail.outbox
    assert email.to == ["sam@acme.example"]
    assert "Add what the result was." in email.body
    assert "http://acme.localhost:8000/claims/mine/" in email.body


def test_nobody_decides_their_own_claim(employer, badge, manager, site_client):
    client = site_client(employer, manager)
    claim(client, badge, narrative="I led the change.")
    with tenant_context(employer):
        own = Claim.objects.get()

    page = client.get(f"/claims/{own.pk}/")
    response = client.post(f"/claims/{own.pk}/", {"decision": "approve"})

    assert "Your decision" not in page.content.decode()
    assert response.status_code == HTTPStatus.FORBIDDEN
    with tenant_context(employer):
        assert Claim.objects.get().is_pending


def test_staff_cannot_decide_claims(employer, badge, staff, add_member, site_client):
    claim(site_client(employer, staff), badge, narrative="Did it.")
    with tenant_context(employer):
        pending = Claim.objects.get()
    colleague = site_client(employer, add_member(employer))

    assert colleague.get("/claims/").status_code == HTTPStatus.FORBIDDEN
    assert colleague.get(f"/claims/{pending.pk}/").status_code == HTTPStatus.NOT_FOUND
    assert (
        colleague.post(f"/claims/{pending.pk}/", {"decision": "approve"}).status_code
        == HTTPStatus.NOT_FOUND
    )


def test_evidence_is_required_when_the_badge_says_so(
    employer, badge, staff, site_client
):
    response = claim(site_client(employer, staff), badge, evidence_url="")

    assert "This badge needs evidence" in response.content.decode()
    with tenant_context(employer):
        assert not Claim.objects.exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("x.exe", b"MZ\x90\x00"), "Upload a PDF, PNG or JPEG file."),
        (
            SimpleUploadedFile("x.pdf", b"<html>not a pdf"),
            "Upload a PDF, PNG or JPEG file.",
        ),
        (
            SimpleUploadedFile("x.pdf", PDF + b"0" * (5 * 1024 * 1024)),
            "Evidence files must be 5 MB or smaller.",
        ),
    ],
)
def test_bad_evidence_files_are_refused_and_the_narrative_kept(
    employer, badge, staff, site_client, upload, message
):
    response = claim(
        site_client(employer, staff), badge, narrative="My story", evidence_file=upload
    )

    assert message in response.context["form"].errors["evidence_file"][0]
    assert "My story" in response.content.decode()


def test_evidence_files_are_served_to_the_claimant_and_managers_only(
    employer, other_employer, badge, staff, manager, add_member, site_client
):
    claim(
        site_client(employer, staff),
        badge,
        narrative="See file",
        evidence_file=SimpleUploadedFile("n.pdf", PDF),
    )
    with tenant_context(employer):
        pending = Claim.objects.get()
    path = f"/claims/{pending.pk}/evidence/"

    assert site_client(employer, staff).get(path).status_code == HTTPStatus.OK
    downloaded = site_client(employer, manager).get(path)
    assert b"".join(downloaded.streaming_content) == PDF
    assert site_client(employer, add_member(employer)).get(path).status_code == 404
    assert site_client(employer).get(path).status_code == HTTPStatus.FOUND
    outsider = site_client(other_employer, other_employer.owner)
    assert outsider.get(path).status_code == HTTPStatus.NOT_FOUND


def test_award_only_badges_cannot_be_claimed(employer, make_badge, staff, site_client):
    award_only = make_badge(
        employer, name="Customer Service Award", staff_can_claim=False
    )

    response = claim(site_client(employer, staff), award_only, narrative="Please")

    assert response.status_code == HTTPStatus.NOT_FOUND
