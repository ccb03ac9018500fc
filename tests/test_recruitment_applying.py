"""Applicants present badges; each is verified; managers see who holds what."""

import csv
import io
import json
import uuid
from http import HTTPStatus

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import get_public_schema_name, schema_context, tenant_context

from recruitment.models import Application, PresentedBadge
from tests.test_recruitment_helpers import award_png, award_to, make_advert

APPLICANT = "ava@example.org"


pytestmark = pytest.mark.usefixtures("site_fetcher")


@pytest.fixture
def manager(employer, add_member):
    return add_member(employer, role="manager", full_name="Mo Manager")


@pytest.fixture
def badge(employer, make_badge):
    return make_badge(employer, name="Customer Service Award")


@pytest.fixture
def desirable(employer, make_badge):
    return make_badge(employer, name="Net Zero Champion")


@pytest.fixture
def advert(employer, badge, desirable):
    return make_advert(employer, accepts=[(badge, True), (desirable, False)])


def apply(client, advert, capture, **fields):
    data = {
        "name": "Ava Applicant",
        "email": APPLICANT,
        "message": "I would love to help residents.",
        **fields,
    }
    with capture(execute=True):
        return client.post(f"/jobs/{advert.entity_id}/apply/", data)


def failed_tasks():
    """Name the failed tasks recorded for the programme team (public schema)."""
    from core.models import TaskFailure

    with schema_context(get_public_schema_name()):
        return list(TaskFailure.objects.values_list("task_name", flat=True))


def only_application(employer):
    with tenant_context(employer):
        return Application.objects.prefetch_related("badges").get()


def test_an_applicant_presents_a_baked_badge_and_sees_it_verified(
    employer, advert, badge, site_client, django_capture_on_commit_callbacks
):
    png = award_png(employer, badge, APPLICANT)
    client = site_client(employer)

    response = apply(
        client,
        advert,
        django_capture_on_commit_callbacks,
        badge_files=[SimpleUploadedFile("my-badge.png", png, "image/png")],
    )

    application = only_application(employer)
    assert response["Location"] == f"/applications/{application.entity_id}/"
    (presented,) = application.badges.all()
    assert presented.file.name.startswith(
        f"tenants/{employer.schema_name}/applications/"
    )
    assert presented.status == PresentedBadge.Status.DONE
    assert (presented.result, presented.format) == ("valid", "png-iTXt json")
    assert presented.openbadges_version == "2.0"
    assert presented.badge_name == "Customer Service Award"
    assert presented.issuer_name == "Acme Repairs"
    assert presented.issuer_id == "http://acme.localhost:8000/ob/issuer"
    assert presented.recipient_matches is True
    assert presented.checked_at is not None

    status_page = client.get(response["Location"])
    page = status_page.content.decode()
    assert "Verified" in page
    assert "Customer Service Award — Acme Repairs" in page
    # Its address is its key: not kept by caches, not listed by search engines.
    assert "no-store" in status_page["Cache-Control"]
    assert status_page["X-Robots-Tag"] == "noindex, nofollow"

    (acknowledgement,) = mail.outbox
    assert acknowledgement.to == [APPLICANT]
    assert acknowledgement.subject == (
        "Your application for Customer Service Adviser at Acme Repairs"
    )
    assert f"/applications/{application.entity_id}/" in acknowledgement.body


def test_the_results_endpoint_reports_each_badge_as_it_completes(
    employer, advert, badge, site_client, django_capture_on_commit_callbacks
):
    from badges import documents

    client = site_client(employer)
    award = award_to(employer, badge, APPLICANT)
    with tenant_context(employer):
        hosted = documents.assertion_id(award)
    apply(client, advert, django_capture_on_commit_callbacks, badge_urls=hosted)
    application = only_application(employer)

    response = client.get(f"/applications/{application.entity_id}/results.json")

    data = response.json()
    assert data["done"] is True
    assert data["status"] == "Received"
    (result,) = data["badges"]
    assert (result["result"], result["result_label"]) == ("valid", "Verified")
    assert result["badge_name"] == "Customer Service Award"


def test_every_presented_form_is_recorded_with_its_kind(
    employer, advert, badge, site_client, django_capture_on_commit_callbacks
):
    from badges import artefacts

    award = award_to(employer, badge, APPLICANT)
    with tenant_context(employer):
        jwt = artefacts.credential_jwt(award)
        svg = artefacts.baked_svg(award).encode()

    apply(
        site_client(employer),
        advert,
        django_capture_on_commit_callbacks,
        badge_text=jwt,
        badge_files=[SimpleUploadedFile("badge.svg", svg, "image/svg+xml")],
    )

    application = only_application(employer)
    results = {
        (b.kind, b.result, b.openbadges_version) for b in application.badges.all()
    }
    assert results == {("file", "valid", "2.0"), ("jwt", "valid", "3.0")}


def test_an_application_without_badges_is_refused_keeping_what_was_typed(
    employer, advert, site_client, django_capture_on_commit_callbacks
):
    response = apply(
        site_client(employer),
        advert,
        django_capture_on_commit_callbacks,
        message="Keen to start soon.",
    )

    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Present at least one badge." in page
    assert "Keen to start soon." in page
    assert 'value="Ava Applicant"' in page
    with tenant_context(employer):
        assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"badge_urls": "ftp://badges.example.org/1"},
            "“ftp://badges.example.org/1” is not a full web address starting "
            "http:// or https://. Give one link a line.",
        ),
        (
            {"badge_urls": "javascript:alert(1)"},
            "“javascript:alert(1)” is not a full web address starting http:// or "
            "https://. Give one link a line.",
        ),
        (
            {"badge_files": [SimpleUploadedFile("virus.exe", b"MZ")]},
            "“virus.exe” is not a badge file: choose PNG, SVG, JSON or JWT files.",
        ),
        (
            {"badge_files": [SimpleUploadedFile("big.png", b"\x89PNG" * 300_000)]},
            "“big.png” is larger than 1 MB; a badge file is smaller.",
        ),
    ],
)
def test_badges_that_cannot_be_taken_are_explained(
    employer, advert, site_client, django_capture_on_commit_callbacks, fields, message
):
    response = apply(
        site_client(employer), advert, django_capture_on_commit_callbacks, **fields
    )

    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert message.replace("'", "&#x27;") in page
    # Files chosen cannot be kept by the page: it says so.
    choose_again = "choose your badge files again" in page
    assert choose_again == ("badge_files" in fields)
    with tenant_context(employer):
        assert not Application.objects.exists()


def xml_bomb():
    entities = ['<!ENTITY a0 "lol">'] + [
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)
    ]
    return (
        '<?xml version="1.0"?><!DOCTYPE svg [' + "".join(entities) + "]>"
        '<svg xmlns="http://www.w3.org/2000/svg"><text>&a9;</text></svg>'
    ).encode()


HOSTILE_FILES = {
    "truncated.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00",
    "bomb.svg": xml_bomb(),
    "random.json": json.dumps({"hello": [1, 2, {"x": None}]}).encode(),
    "huge.json": b"[" * 200_000 + b"]" * 200_000,
    "noise.jwt": b"eyJhbGciOi.not-a.token",
}


@pytest.mark.parametrize("name", HOSTILE_FILES)
def test_a_broken_or_hostile_file_is_reported_as_unreadable(
    employer, advert, site_client, django_capture_on_commit_callbacks, name
):
    client = site_client(employer)
    upload = SimpleUploadedFile(name, HOSTILE_FILES[name])

    response = apply(
        client, advert, django_capture_on_commit_callbacks, badge_files=[upload]
    )

    assert response.status_code == HTTPStatus.FOUND
    (presented,) = only_application(employer).badges.all()
    assert presented.result == "malformed"
    assert presented.is_verified is False
    page = client.get(response["Location"]).content.decode()
    assert "Could not read this badge" in page


def test_someone_elses_badge_is_checked_but_not_counted(
    employer, manager, advert, badge, site_client, django_capture_on_commit_callbacks
):
    png = award_png(employer, badge, "someone.else@example.org")

    apply(
        site_client(employer),
        advert,
        django_capture_on_commit_callbacks,
        badge_files=[SimpleUploadedFile("badge.png", png)],
    )

    (presented,) = only_application(employer).badges.all()
    assert presented.result == "wrong-recipient"
    page = site_client(employer, manager).get(
        f"/adverts/{advert.entity_id}/applications/"
    )
    assert "missing" in page.content.decode()


@pytest.fixture
def two_candidates(
    employer, advert, badge, desirable, site_client, django_capture_on_commit_callbacks
):
    """Ava holds the required and desirable badge; Ben only the desirable."""
    client = site_client(employer)
    apply(
        client,
        advert,
        django_capture_on_commit_callbacks,
        badge_files=[
            SimpleUploadedFile("a.png", award_png(employer, badge, APPLICANT)),
            SimpleUploadedFile("b.png", award_png(employer, desirable, APPLICANT)),
        ],
    )
    apply(
        client,
        advert,
        django_capture_on_commit_callbacks,
        name="Ben Bloggs",
        email="ben@example.org",
        badge_files=[
            SimpleUploadedFile(
                "c.png", award_png(employer, desirable, "ben@example.org")
            )
        ],
    )


def test_managers_see_each_candidate_matched_and_filter_to_required(
    employer, manager, advert, two_candidates, site_client
):
    client = site_client(employer, manager)
    url = f"/adverts/{advert.entity_id}/applications/"

    everyone = client.get(url).content.decode()
    qualified = client.get(url, {"meets_required": "on"}).content.decode()

    assert "Ava Applicant" in everyone and "Ben Bloggs" in everyone
    assert "Ava Applicant" in qualified
    assert "Ben Bloggs" not in qualified


def test_the_applications_export_as_csv(
    employer, manager, advert, two_candidates, site_client
):
    response = site_client(employer, manager).get(
        f"/adverts/{advert.entity_id}/applications.csv"
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    by_name = {row["name"]: row for row in rows}
    assert by_name["Ava Applicant"]["meets every required badge"] == "yes"
    assert by_name["Ava Applicant"]["required badges held"] == "Customer Service Award"
    assert by_name["Ava Applicant"]["desirable badges held"] == "1"
    assert by_name["Ben Bloggs"]["meets every required badge"] == "no"
    assert by_name["Ben Bloggs"]["required badges missing"] == "Customer Service Award"
    assert by_name["Ben Bloggs"]["verified badges"] == "Net Zero Champion"


def test_a_shortlisted_or_rejected_applicant_sees_the_status(
    employer, manager, advert, two_candidates, site_client
):
    with tenant_context(employer):
        ava = Application.objects.get(email=APPLICANT)
    client = site_client(employer, manager)

    response = client.post(
        f"/adverts/applications/{ava.entity_id}/",
        {"status": "shortlisted"},
        follow=True,
    )
    assert "Ava Applicant: Shortlisted." in response.content.decode()
    applicant_page = site_client(employer).get(f"/applications/{ava.entity_id}/")
    assert '<strong id="application-status">Shortlisted</strong>' in (
        applicant_page.content.decode()
    )

    client.post(f"/adverts/applications/{ava.entity_id}/", {"status": "rejected"})
    with tenant_context(employer):
        assert Application.objects.get(pk=ava.pk).status == "rejected"
    assert (
        "Not taken forward"
        in site_client(employer).get(f"/applications/{ava.entity_id}/").content.decode()
    )


def test_the_applicant_is_emailed_when_shortlisted_and_when_rejected(
    employer,
    manager,
    advert,
    two_candidates,
    site_client,
    django_capture_on_commit_callbacks,
):
    with tenant_context(employer):
        ava = Application.objects.get(email=APPLICANT)
    client = site_client(employer, manager)
    mail.outbox.clear()

    def decide(status):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/adverts/applications/{ava.entity_id}/", {"status": status})

    decide("shortlisted")
    decide("shortlisted")  # pressed twice: one email
    decide("rejected")

    shortlisted, rejected = mail.outbox
    assert shortlisted.to == rejected.to == [APPLICANT]
    assert shortlisted.subject == (
        "You are shortlisted for Customer Service Adviser at Acme Repairs"
    )
    assert "has shortlisted your application" in shortlisted.body
    assert "decided not to take your application forward" in rejected.body
    assert rejected.subject == (
        "Your application for Customer Service Adviser at Acme Repairs: "
        "not taken forward"
    )
    status_url = f"http://acme.localhost:8000/applications/{ava.entity_id}/"
    assert status_url in shortlisted.body
    assert status_url in rejected.body
    assert "http://localhost:8000/jobs/" in rejected.body


def test_a_status_email_overtaken_by_a_later_change_is_not_sent(
    employer, manager, advert, two_candidates, site_client
):
    from recruitment.tasks import send_application_status

    with tenant_context(employer):
        ava = Application.objects.get(email=APPLICANT)
    client = site_client(employer, manager)
    client.post(f"/adverts/applications/{ava.entity_id}/", {"status": "shortlisted"})
    with tenant_context(employer):
        shortlisted_at = Application.objects.get(pk=ava.pk).status_changed_at
    client.post(f"/adverts/applications/{ava.entity_id}/", {"status": "rejected"})
    mail.outbox.clear()

    # The shortlisting's email, delivered late, after the rejection.
    send_application_status.delay(
        employer.schema_name, ava.pk, "shortlisted", shortlisted_at.isoformat()
    )

    assert mail.outbox == []


def test_a_verification_can_be_run_again(
    employer,
    manager,
    advert,
    badge,
    site_client,
    site_fetcher,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    def down(url):
        from openbadges.fetch import FetchError

        raise FetchError("connection refused")

    monkeypatch.setattr("recruitment.verification.make_fetcher", lambda: down)
    apply(
        site_client(employer),
        advert,
        django_capture_on_commit_callbacks,
        badge_urls="http://acme.localhost:8000/awards/"
        + str(award_to(employer, badge, APPLICANT).entity_id),
    )
    application = only_application(employer)
    (presented,) = application.badges.all()
    assert presented.result == "unreachable"

    monkeypatch.setattr("recruitment.verification.make_fetcher", lambda: site_fetcher)
    with django_capture_on_commit_callbacks(execute=True):
        response = site_client(employer, manager).post(
            f"/adverts/applications/{application.entity_id}/badges/{presented.pk}/rerun/"
        )

    assert response.status_code == HTTPStatus.FOUND
    with tenant_context(employer):
        assert PresentedBadge.objects.get(pk=presented.pk).result == "valid"


def test_a_closed_advert_takes_no_applications(
    employer, manager, advert, site_client, django_capture_on_commit_callbacks
):
    site_client(employer, manager).post(
        f"/adverts/{advert.entity_id}/status/", {"action": "close"}
    )

    response = apply(
        site_client(employer),
        advert,
        django_capture_on_commit_callbacks,
        badge_urls="https://example.org/badge",
    )

    assert response.status_code == HTTPStatus.NOT_FOUND
    with tenant_context(employer):
        assert not Application.objects.exists()


def test_a_database_hiccup_during_verification_is_retried(
    employer, advert, badge, site_client, monkeypatch
):
    from celery.exceptions import Retry
    from django.db import OperationalError

    from recruitment import services
    from recruitment.tasks import verify_presented_badge

    with tenant_context(employer):
        presented = PresentedBadge.objects.create(
            application=services.submit_application(
                advert=advert, name="Ava", email=APPLICANT, message="", presented=[]
            ),
            kind=PresentedBadge.Kind.URL,
            url="https://example.org/badge",
        )
    calls = []
    record = services.record_verification

    def flaky(presented):
        calls.append(presented.pk)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return record(presented)

    monkeypatch.setattr("recruitment.services.record_verification", flaky)

    with pytest.raises(Retry):
        verify_presented_badge.apply(
            args=(employer.schema_name, presented.pk), throw=True
        )
    with tenant_context(employer):
        assert PresentedBadge.objects.get(pk=presented.pk).status == "pending"
    assert failed_tasks() == []

    verify_presented_badge.apply(args=(employer.schema_name, presented.pk))

    assert calls == [presented.pk, presented.pk]
    with tenant_context(employer):
        assert PresentedBadge.objects.get(pk=presented.pk).result == "unreachable"


def test_work_lost_on_the_way_is_queued_again(employer, advert, badge, site_client):
    """A verification left pending and an acknowledgement never sent."""
    from datetime import timedelta

    from django.utils import timezone

    from core.models import SentEmail
    from recruitment.tasks import queue_lost_work

    with tenant_context(employer):
        lost, recent, old = (
            Application.objects.create(
                advert=advert, name=name, email=f"{name}@example.org", message=""
            )
            for name in ("lost", "recent", "old")
        )
        Application.objects.filter(pk=lost.pk).update(
            created_at=timezone.now() - timedelta(hours=1)
        )
        Application.objects.filter(pk=old.pk).update(
            created_at=timezone.now() - timedelta(days=2)
        )
        pending = PresentedBadge.objects.create(
            application=lost,
            kind=PresentedBadge.Kind.URL,
            url="https://example.org/badge",
        )
        # Rejected an hour ago; the email never went.
        Application.objects.filter(pk=old.pk).update(
            status="rejected", status_changed_at=timezone.now() - timedelta(hours=1)
        )
    mail.outbox.clear()

    queue_lost_work()
    queue_lost_work()  # the next sweep: nothing more

    with tenant_context(employer):
        assert PresentedBadge.objects.get(pk=pending.pk).result == "unreachable"
    # "recent" may still be on its way, and "old" is too old to thank, but
    # its rejection is recent.
    by_recipient = {message.to[0]: message.body for message in mail.outbox}
    assert len(mail.outbox) == 2
    assert "Your application has arrived." in by_recipient["lost@example.org"]
    assert "decided not to take" in by_recipient["old@example.org"]

    # Had those failed for good, later sweeps would not queue them again.
    mail.outbox.clear()
    with tenant_context(employer):
        SentEmail.objects.all().delete()
    queue_lost_work()
    assert mail.outbox == []


def verified(version, issuer_id, badge_class_id):
    return PresentedBadge(
        status=PresentedBadge.Status.DONE,
        result="valid",
        recipient_matches=True,
        openbadges_version=version,
        issuer_id=issuer_id,
        badge_class_id=badge_class_id,
    )


def test_a_3_0_credential_counts_only_from_the_badges_own_issuer(employer, badge):
    from badges import documents
    from recruitment.models import AcceptedBadge
    from recruitment.services import holds

    with tenant_context(employer):
        own = AcceptedBadge(kind=AcceptedBadge.Kind.OWN, badge=badge, required=True)
        our_badge, our_issuer = documents.badge_class_id(badge), documents.issuer_id()

        # Anyone can sign a credential naming our badge's id.
        assert not holds([verified("3.0", "did:key:z6MkForger", our_badge)], own)
        assert not holds(
            [verified("3.0", "http://acme.localhost:8000/other", our_badge)], own
        )
        assert holds([verified("3.0", our_issuer, our_badge)], own)
        assert holds([verified("2.0", our_issuer, our_badge)], own)

    external = AcceptedBadge(
        kind=AcceptedBadge.Kind.EXTERNAL_BADGE,
        url="https://badges.college.example/badges/first-aid",
        required=True,
    )
    wanted = external.url
    assert not holds([verified("3.0", "https://mill.example/issuer", wanted)], external)
    assert not holds([verified("3.0", "did:key:z6MkForger", wanted)], external)
    assert holds(
        [verified("3.0", "https://badges.college.example/issuer", wanted)], external
    )
    assert holds([verified("3.0", "did:web:badges.college.example", wanted)], external)
    # A 2.0 BadgeClass was fetched from its own URL and checked with its issuer.
    assert holds([verified("2.0", "https://api.college.example/i", wanted)], external)


def test_a_check_that_fails_on_our_side_ends_with_a_verdict_not_checking(
    employer,
    manager,
    advert,
    badge,
    site_client,
    django_capture_on_commit_callbacks,
):
    from recruitment.tasks import verify_presented_badge

    png = award_png(employer, badge, APPLICANT)
    apply(
        site_client(employer),
        advert,
        django_capture_on_commit_callbacks,
        badge_files=[SimpleUploadedFile("a.png", png, "image/png")],
    )
    application = only_application(employer)
    presented = application.badges.get()
    assert presented.is_verified
    with tenant_context(employer):
        presented.file.storage.delete(presented.file.name)
        PresentedBadge.objects.filter(pk=presented.pk).update(status="pending")
        # While a check runs again, the badge it replaces does not count.
        assert not PresentedBadge.objects.get(pk=presented.pk).is_verified

    # As a worker runs it: the error is recorded, not raised to the caller.
    result = verify_presented_badge.apply(
        (employer.schema_name, presented.pk), throw=False
    )

    assert isinstance(result.result, FileNotFoundError)

    with tenant_context(employer):
        presented = PresentedBadge.objects.get(pk=presented.pk)
    assert (presented.status, presented.result) == ("done", "unverifiable")
    assert "run it again" in presented.reason
    assert failed_tasks() == [verify_presented_badge.name]
    manager_client = site_client(employer, manager)
    file_url = (
        f"/adverts/applications/{application.entity_id}/badges/{presented.pk}/file"
    )
    assert manager_client.get(file_url).status_code == HTTPStatus.NOT_FOUND


def test_too_many_applications_for_one_email_are_refused_keeping_the_form(
    employer, advert, site_client, settings, django_capture_on_commit_callbacks
):
    settings.ACCOUNT_RATE_LIMITS = {"apply_to_advert": "2/h/key"}
    email = f"flood-{uuid.uuid4().hex[:8]}@example.org"
    client = site_client(employer)

    def send():
        return apply(
            client,
            advert,
            django_capture_on_commit_callbacks,
            email=email,
            badge_urls="https://badges.example.org/assertions/1",
        )

    first, second, third = send(), send(), send()

    assert first.status_code == second.status_code == HTTPStatus.FOUND
    assert third.status_code == HTTPStatus.TOO_MANY_REQUESTS
    page = third.content.decode()
    assert "Too many applications" in page
    assert "I would love to help residents." in page
    with tenant_context(employer):
        assert Application.objects.filter(email=email).count() == 2


def test_the_csv_defuses_formulas_in_emails_and_follows_the_filter(
    employer, manager, advert, two_candidates, site_client
):
    with tenant_context(employer):
        Application.objects.create(
            advert=advert, name="Eve", email="=1+2@example.com", message=""
        )
    client = site_client(employer, manager)
    url = f"/adverts/{advert.entity_id}/applications.csv"

    def rows(**query):
        content = client.get(url, query).content.decode()
        return list(csv.DictReader(io.StringIO(content)))

    emails = sorted(row["email"] for row in rows())
    assert emails == ["'=1+2@example.com", APPLICANT, "ben@example.org"]
    assert [row["name"] for row in rows(meets_required="on")] == ["Ava Applicant"]


def test_a_catalogue_badge_follows_its_entry_when_the_programme_corrects_it(
    employer,
):
    from jobboard.models import RecognisedBadge
    from recruitment.models import AcceptedBadge
    from recruitment.services import accept_badge, holds

    entry = RecognisedBadge.objects.get(name="Youth Work Volunteer")
    real_url = "https://youth.cambridge.example/ob/badges/volunteer"
    presented = verified("2.0", "https://youth.cambridge.example/ob/issuer", real_url)
    advert = make_advert(employer, open_it=False)
    with tenant_context(employer):
        accepted = accept_badge(
            advert, kind=AcceptedBadge.Kind.CATALOGUE, required=True, entry=entry
        )
        assert not holds([presented], accepted)

        RecognisedBadge.objects.filter(pk=entry.pk).update(badge_class_url=real_url)

        accepted = AcceptedBadge.objects.select_related("entry").get(pk=accepted.pk)
        assert holds([presented], accepted)


def test_a_catalogue_badge_that_names_its_issuer_counts_only_from_it(employer):
    from jobboard.models import RecognisedBadge
    from recruitment.models import AcceptedBadge
    from recruitment.services import accept_badge, holds

    credly = RecognisedBadge.objects.get(name__startswith="AWS Certified")
    advert = make_advert(employer, open_it=False)
    with tenant_context(employer):
        accepted = accept_badge(
            advert, kind=AcceptedBadge.Kind.CATALOGUE, required=True, entry=credly
        )

    # Any issuer can have an id on Credly's host; only the entry's counts.
    somebody = "https://www.credly.com/api/v1/obi/v2/issuers/somebody-else"
    wanted = credly.badge_class_url
    assert not holds([verified("3.0", somebody, wanted)], accepted)
    assert holds([verified("2.0", credly.issuer_url, wanted)], accepted)
    # Host names have no case; paths do.
    shouting_host = credly.issuer_url.replace("https://www.", "HTTPS://WWW.")
    assert holds([verified("2.0", shouting_host, wanted)], accepted)
    assert not holds([verified("2.0", credly.issuer_url.upper(), wanted)], accepted)
    assert holds([verified("3.0", credly.issuer_url, wanted + "/")], accepted)
