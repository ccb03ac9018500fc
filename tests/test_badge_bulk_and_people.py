"""Bulk awards from a CSV, and inviting people to an employer's site."""

import re
from http import HTTPStatus

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tenants.utils import tenant_context

from badges.models import Award, BulkAward
from conftest import PASSWORD, host_of
from employers import roles


@pytest.fixture
def badge(employer, make_badge):
    return make_badge(employer)


def upload(client, badge, text):
    csv_file = SimpleUploadedFile("awards.csv", text.encode())
    return client.post(f"/badges/{badge.entity_id}/award/csv/", {"csv_file": csv_file})


def test_a_csv_with_bad_rows_awards_nothing_and_names_each_problem(
    employer, badge, site_client
):
    text = (
        "name,email,evidence\n"
        "Ann Able,ann@example.org,Led the team\n"
        ",nobody@example.org\n"
        "Bob Baker,not-an-email\n"
        "Cy Cole,ann@example.org\n"
        "Di Dee,di@example.org,too,many\n"
    )

    response = upload(site_client(employer, employer.owner), badge, text)

    errors = [str(error) for error in response.context["row_errors"]]
    assert errors == [
        "Row 3: the name is empty.",
        "Row 4: “not-an-email” is not an email address.",
        "Row 5: ann@example.org appears more than once in the file.",
        "Row 6: give a name, an email and, optionally, evidence.",
    ]
    assert "Nothing has been awarded." in response.content.decode()
    with tenant_context(employer):
        assert not Award.objects.exists()
        assert not BulkAward.objects.exists()


def test_a_good_csv_awards_every_row_and_emails_each_person(
    employer, badge, site_client, django_capture_on_commit_callbacks
):
    rows = "".join(f"Person {n},person{n}@example.org\n" for n in range(25))

    with django_capture_on_commit_callbacks(execute=True):
        response = upload(site_client(employer, employer.owner), badge, rows)

    with tenant_context(employer):
        bulk = BulkAward.objects.get()
        assert Award.objects.count() == 25
    assert response["Location"] == f"/bulk-awards/{bulk.entity_id}/"
    assert len(mail.outbox) == 25
    progress = site_client(employer, employer.owner).get(
        response["Location"], HTTP_ACCEPT="application/json"
    )
    assert progress.json() == {"status": "done", "done": 25, "total": 25, "error": ""}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe\x00b\x00a\x00d", "the file is not UTF-8 text"),
        (b"name,email\n", "the file has no rows to award."),
    ],
)
def test_a_file_that_is_not_a_usable_csv_is_explained(
    employer, badge, site_client, content, message
):
    csv_file = SimpleUploadedFile("awards.csv", content)

    response = site_client(employer, employer.owner).post(
        f"/badges/{badge.entity_id}/award/csv/", {"csv_file": csv_file}
    )

    assert message in str(response.context["row_errors"][0])


def test_an_invited_person_makes_an_account_and_joins_as_staff(
    employer, site_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        site_client(employer, employer.owner).post(
            "/people/", {"email": "New.Starter@example.org", "role": "staff"}
        )
    (email,) = mail.outbox
    path = re.search(r"http://acme\.localhost:8000(/invitations/\S+/)", email.body)[1]
    client = Client(HTTP_HOST=host_of(employer))

    response = client.post(
        path,
        {"full_name": "New Starter", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response["Location"] == "/"
    assert client.get("/").context["user"].email == "new.starter@example.org"
    with tenant_context(employer):
        user = employer.user_set.get(email="new.starter@example.org")
        assert roles.role_of(user, employer) == roles.STAFF
    reused = Client(HTTP_HOST=host_of(employer)).get(path)
    assert reused.status_code == HTTPStatus.NOT_FOUND


def test_an_invited_manager_with_an_account_joins_by_signing_in(
    employer, make_user, site_client, django_capture_on_commit_callbacks
):
    existing = make_user(email="mo@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        site_client(employer, employer.owner).post(
            "/people/", {"email": "mo@example.org", "role": "manager"}
        )
    path = re.search(r"(/invitations/\S+/)", mail.outbox[0].body)[1]
    client = Client(HTTP_HOST=host_of(employer))

    page = client.get(path)
    assert "Sign in to accept" in page.content.decode()
    client.post("/accounts/login/", {"login": "mo@example.org", "password": PASSWORD})

    with tenant_context(employer):
        assert roles.role_of(existing, employer) == roles.MANAGER
    assert client.get("/claims/").status_code == HTTPStatus.OK


def test_an_invitation_link_is_worthless_on_another_employers_site(
    employer, other_employer, site_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        site_client(employer, employer.owner).post(
            "/people/", {"email": "x@example.org", "role": "manager"}
        )
    path = re.search(r"(/invitations/\S+/)", mail.outbox[0].body)[1]

    response = Client(HTTP_HOST=host_of(other_employer)).get(path)

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_staff_cannot_invite(employer, add_member, site_client):
    client = site_client(employer, add_member(employer))

    assert (
        client.post("/people/", {"email": "a@b.example", "role": "manager"}).status_code
        == 403
    )
