"""One employer's applications, and the files applicants upload, stay its own."""

from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from recruitment.models import Application
from tests.test_recruitment_helpers import award_png, make_advert

pytestmark = pytest.mark.usefixtures("site_fetcher")


@pytest.fixture
def application(employer, make_badge, site_client, django_capture_on_commit_callbacks):
    badge = make_badge(employer)
    advert = make_advert(employer, accepts=[(badge, True)])
    png = award_png(employer, badge, "ava@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        site_client(employer).post(
            f"/jobs/{advert.entity_id}/apply/",
            {
                "name": "Ava Applicant",
                "email": "ava@example.org",
                "message": "Hello",
                "badge_files": [SimpleUploadedFile("ava.png", png)],
            },
        )
    with tenant_context(employer):
        return Application.objects.prefetch_related("badges").get()


def file_url(application):
    (presented,) = application.badges.all()
    return f"/adverts/applications/{application.entity_id}/badges/{presented.pk}/file"


def test_another_employers_manager_cannot_see_an_application(
    employer, other_employer, application, site_client
):
    other_manager = other_employer.owner
    client = site_client(other_employer, other_manager)

    detail = client.get(f"/adverts/applications/{application.entity_id}/")
    status_page = client.get(f"/applications/{application.entity_id}/")
    results = client.get(f"/applications/{application.entity_id}/results.json")
    uploaded = client.get(file_url(application))

    assert detail.status_code == HTTPStatus.NOT_FOUND
    assert status_page.status_code == HTTPStatus.NOT_FOUND
    assert results.status_code == HTTPStatus.NOT_FOUND
    assert uploaded.status_code == HTTPStatus.NOT_FOUND
    with tenant_context(other_employer):
        assert not Application.objects.exists()


def test_an_advert_of_one_employer_is_not_on_anothers_site(
    employer, other_employer, application, site_client
):
    response = site_client(other_employer).get(f"/jobs/{application.advert.entity_id}/")

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_an_uploaded_badge_is_served_to_the_employers_managers_only(
    employer, add_member, application, site_client
):
    manager = add_member(employer, role="manager")
    staff = add_member(employer)
    url = file_url(application)

    as_manager = site_client(employer, manager).get(url)
    as_owner = site_client(employer, employer.owner).get(url)
    as_staff = site_client(employer, staff).get(url)
    anonymous = site_client(employer).get(url)

    assert as_manager.status_code == HTTPStatus.OK
    assert as_manager["Content-Disposition"].startswith("attachment;")
    assert as_manager["X-Content-Type-Options"] == "nosniff"
    assert b"".join(as_manager.streaming_content).startswith(b"\x89PNG")
    assert as_owner.status_code == HTTPStatus.OK
    assert as_staff.status_code == HTTPStatus.FORBIDDEN
    assert anonymous.status_code == HTTPStatus.FOUND
    assert anonymous["Location"].startswith("/accounts/login/")


def test_the_applicants_page_does_not_link_the_uploaded_file(
    employer, application, site_client
):
    page = site_client(employer).get(f"/applications/{application.entity_id}/")

    assert file_url(application) not in page.content.decode()


def test_staff_cannot_see_applications(employer, add_member, application, site_client):
    staff = add_member(employer)
    client = site_client(employer, staff)

    listing = client.get(f"/adverts/{application.advert.entity_id}/applications/")
    detail = client.get(f"/adverts/applications/{application.entity_id}/")

    assert listing.status_code == HTTPStatus.FORBIDDEN
    assert detail.status_code == HTTPStatus.FORBIDDEN
