"""The programme team's admin on the public site."""

import csv
import io
from http import HTTPStatus

import pytest
from django.test import Client
from django_tenants.utils import tenant_context
from tenant_users.permissions.models import UserTenantPermissions

from conftest import PASSWORD
from employers.models import Employer
from employers.services import create_programme_admin
from pledges.models import Pledge


@pytest.fixture
def team_client(public_site):
    create_programme_admin("team@programme.example", PASSWORD, "Programme Team")
    client = Client(HTTP_HOST="localhost")
    client.login(email="team@programme.example", password=PASSWORD)
    return client


def test_programme_staff_see_employers_with_domain_owner_and_pledge(
    team_client, employer
):
    response = team_client.get("/admin/employers/employer/")

    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "acme.localhost" in content
    assert employer.owner.email in content
    assert "signed" in content
    assert "Cambridge Region of Learning" not in content.split("result_list")[-1]


def test_an_employer_owner_has_no_admin_rights_on_the_public_site(employer):
    client = Client(HTTP_HOST="localhost")
    client.login(email=employer.owner.email, password=PASSWORD)

    response = client.get("/admin/employers/employer/")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/admin/login/")


def test_suspending_an_employer_closes_its_site(team_client, employer, site_client):
    response = team_client.post(
        "/admin/employers/employer/",
        {"action": "suspend", "_selected_action": [employer.pk]},
        follow=True,
    )

    assert "Suspended 1 employer(s)." in response.content.decode()
    employer.refresh_from_db()
    assert employer.status == Employer.Status.SUSPENDED
    assert site_client(employer).get("/").status_code == HTTPStatus.FORBIDDEN

    team_client.post(
        "/admin/employers/employer/",
        {"action": "reinstate", "_selected_action": [employer.pk]},
    )
    assert site_client(employer).get("/").status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status__exact=withdrawn", ["Bolt Logistics"]),
        ("status__exact=active", ["Acme Repairs"]),
        ("recognise_in_development__exact=1", []),
        ("create_inhouse_badges__exact=1", ["Acme Repairs", "Bolt Logistics"]),
        ("employer__district=fenland", ["Bolt Logistics"]),
        ("signed_at__gte=2000-01-01", ["Acme Repairs", "Bolt Logistics"]),
    ],
)
def test_pledges_filter_by_status_commitment_district_and_date(
    team_client, make_employer, query, expected
):
    make_employer(name="Acme Repairs")
    bolt = make_employer(name="Bolt Logistics", district="fenland")
    Pledge.objects.filter(employer=bolt).update(status=Pledge.Status.WITHDRAWN)

    response = team_client.get(f"/admin/pledges/pledge/?{query}")

    listed = [pledge.employer.name for pledge in response.context["cl"].result_list]
    assert sorted(listed) == expected


def test_pledges_export_as_csv_with_formulas_defused(team_client, make_employer):
    make_employer(name='=HYPERLINK("http://evil")', slug="evil")
    make_employer(name="Acme Repairs", slug="acme")
    ids = list(Pledge.objects.values_list("pk", flat=True))

    response = team_client.post(
        "/admin/pledges/pledge/", {"action": "export_csv", "_selected_action": ids}
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    )
    assert [row["employer"] for row in rows] == [
        '\'=HYPERLINK("http://evil")',
        "Acme Repairs",
    ]
    assert rows[1]["address"] == "http://acme.localhost:8000"
    assert rows[1]["recognise in recruitment"] == "yes"
    assert rows[1]["recognise in development"] == "no"
    assert rows[1]["status"] == "Signed"


def test_failed_tasks_are_listed_for_the_team(team_client):
    from core.models import TaskFailure

    TaskFailure.objects.create(
        task_name="pledges.tasks.send_pledge_confirmation",
        task_id="abc",
        schema_name="employer_acme",
        error="SMTPServerDisconnected()",
    )

    response = team_client.get("/admin/core/taskfailure/")

    assert "SMTPServerDisconnected()" in response.content.decode()


def test_the_team_gives_admin_rights_on_the_public_site_only(
    team_client, employer, site_client
):
    owner = employer.owner

    team_client.post(
        "/admin/accounts/user/",
        {"action": "make_programme_staff", "_selected_action": [owner.pk]},
    )

    client = Client(HTTP_HOST="localhost")
    client.login(email=owner.email, password=PASSWORD)
    assert client.get("/admin/employers/employer/").status_code == HTTPStatus.OK
    with tenant_context(employer):
        assert not UserTenantPermissions.objects.get(profile=owner).is_staff
    assert site_client(employer, owner).get("/admin/").status_code == (
        HTTPStatus.NOT_FOUND
    )


def test_catalogue_entries_are_corrected_never_deleted(team_client):
    """Adverts in employers' schemas follow their catalogue entries."""
    from jobboard.models import RecognisedBadge

    entry = RecognisedBadge.objects.get(name="Youth Work Volunteer")

    delete = team_client.get(f"/admin/jobboard/recognisedbadge/{entry.pk}/delete/")
    change = team_client.get(f"/admin/jobboard/recognisedbadge/{entry.pk}/change/")

    assert delete.status_code == HTTPStatus.FORBIDDEN
    assert change.status_code == HTTPStatus.OK
    assert RecognisedBadge.objects.filter(pk=entry.pk).exists()
