"""An employer's owner keeps the pledge up to date, or withdraws it."""

from http import HTTPStatus

import pytest

from pledges.models import Pledge, PledgeEvent


@pytest.fixture
def owner_client(employer, site_client):
    return site_client(employer, employer.owner)


@pytest.fixture
def member(employer, make_user):
    user = make_user(email="staff@acme.example")
    employer.add_user(user)
    return user


def test_owner_changes_commitments_and_the_change_is_in_the_history(
    owner_client, employer
):
    response = owner_client.post(
        "/pledge/edit/",
        {
            "recognise_in_recruitment": "on",
            "recognise_in_development": "on",
            "public_statement": "Badges welcome here.",
        },
    )

    assert response.status_code == HTTPStatus.FOUND
    pledge = employer.pledges.get()
    assert pledge.recognise_in_development
    assert not pledge.create_inhouse_badges
    assert pledge.public_statement == "Badges welcome here."
    event = pledge.events.get(kind=PledgeEvent.Kind.UPDATED)
    assert event.actor == employer.owner
    assert event.changes == {
        "recognise_in_development": True,
        "create_inhouse_badges": False,
        "public_statement": "Badges welcome here.",
    }


def test_a_change_that_removes_every_commitment_is_refused_and_kept(
    owner_client, employer
):
    response = owner_client.post(
        "/pledge/edit/", {"public_statement": "Still typing this statement"}
    )

    assert response.status_code == HTTPStatus.OK
    assert "Choose at least one commitment" in response.content.decode()
    assert "Still typing this statement" in response.content.decode()
    pledge = employer.pledges.get()
    assert pledge.public_statement == "We value every skill."
    assert pledge.recognise_in_recruitment


def test_a_member_who_is_not_the_owner_cannot_change_or_withdraw(
    employer, member, site_client
):
    client = site_client(employer, member)

    assert client.get("/").status_code == HTTPStatus.OK
    assert client.post("/pledge/edit/", {}).status_code == HTTPStatus.FORBIDDEN
    assert (
        client.post("/pledge/withdraw/", {"confirm": "on"}).status_code
        == HTTPStatus.FORBIDDEN
    )
    assert employer.pledges.get().is_active


def test_withdrawing_needs_confirmation(owner_client, employer):
    response = owner_client.post("/pledge/withdraw/", {"reason": "Changing plans"})

    assert response.context["form"].errors["confirm"] == ["Tick the box to confirm."]
    assert "Changing plans" in response.content.decode()
    assert employer.pledges.get().is_active


def test_withdrawing_takes_the_pledge_off_the_wall_and_keeps_it(
    owner_client, employer, public_client
):
    owner_client.post("/pledge/withdraw/", {"reason": "Merging", "confirm": "on"})

    pledge = employer.pledges.get()
    assert pledge.status == Pledge.Status.WITHDRAWN
    assert pledge.withdrawal_reason == "Merging"
    assert pledge.withdrawn_by == employer.owner
    assert [event.kind for event in pledge.events.all()] == ["signed", "withdrawn"]
    assert "Acme Repairs" not in public_client.get("/wall/").content.decode()
    dashboard = owner_client.get("/").content.decode()
    assert "has withdrawn its pledge" in dashboard
    assert "Sign the pledge again" in dashboard


def test_the_certificate_downloads_as_a_pdf(owner_client):
    response = owner_client.get("/pledge/certificate.pdf")

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="pledge-certificate-acme.pdf"'
    )
    assert response.content.startswith(b"%PDF-")


def test_visitors_see_the_employers_public_pledge_not_its_dashboard(
    employer, site_client
):
    response = site_client(employer).get("/")

    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "signed the Cambridge Region of Learning employer pledge" in content
    assert "Download the certificate" not in content
    assert site_client(employer).get("/pledge/edit/").status_code == HTTPStatus.FOUND


def test_an_owner_signs_again_after_withdrawing(
    owner_client, employer, public_client, django_capture_on_commit_callbacks
):
    from django.core import mail

    owner_client.post("/pledge/withdraw/", {"confirm": "on"})
    form = owner_client.get("/pledge/renew/").context["form"]
    assert form.initial["recognise_in_recruitment"] is True

    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(
            "/pledge/renew/", {"mark_job_adverts": "on", "public_statement": "Back"}
        )

    statuses = list(
        employer.pledges.order_by("signed_at").values_list("status", flat=True)
    )
    assert statuses == ["withdrawn", "active"]
    assert employer.pledges.active().get().mark_job_adverts
    assert "Back" in public_client.get("/wall/").content.decode()
    assert len(mail.outbox) == 1


def test_signing_for_many_organisations_in_a_day_is_stopped(make_user, make_employer):
    from django.test import Client

    from pledges.views import SIGNINGS_PER_DAY

    owner = make_user()
    for _ in range(SIGNINGS_PER_DAY):
        make_employer(owner=owner)
    client = Client(HTTP_HOST="localhost")
    client.force_login(owner)

    response = client.post(
        "/sign/",
        {
            "name": "One Too Many",
            "sector": "other",
            "size_band": "1-9",
            "district": "fenland",
            "contact_name": "A",
            "contact_email": "a@example.org",
            "recognise_in_recruitment": "on",
        },
    )

    assert "please contact the programme team" in response.content.decode()
    assert not owner.tenants.filter(name="One Too Many").exists()
