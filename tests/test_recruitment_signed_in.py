"""An applicant may sign in on the main site to apply with their account."""

from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tenants.utils import tenant_context

from recruitment import applicants
from recruitment.models import Application
from tests.test_recruitment_helpers import award_png, make_advert

APPLICANT = "ava@example.org"


pytestmark = pytest.mark.usefixtures("site_fetcher")


@pytest.fixture
def badge(employer, make_badge):
    return make_badge(employer, name="Customer Service Award")


@pytest.fixture
def advert(employer, badge):
    return make_advert(employer, accepts=[(badge, True)])


@pytest.fixture
def ava(make_user):
    return make_user(email=APPLICANT, full_name="Ava Applicant")


def carried_over(public_client, user, employer, advert):
    """Sign in on the main site and follow it to the apply page's URL."""
    public_client.force_login(user)
    response = public_client.get(f"/apply/{employer.slug}/{advert.entity_id}/")
    assert response.status_code == HTTPStatus.FOUND
    return response["Location"]


def test_the_apply_page_offers_signing_in_on_the_main_site(
    employer, advert, site_client
):
    page = site_client(employer).get(f"/jobs/{advert.entity_id}/apply/")

    sign_in = f"http://localhost:8000/apply/acme/{advert.entity_id}/"
    assert f'href="{sign_in}"' in page.content.decode()


def test_someone_not_signed_in_signs_in_and_is_carried_to_the_job(
    employer, advert, ava, public_client
):
    from conftest import PASSWORD

    start = f"/apply/acme/{advert.entity_id}/"
    response = public_client.get(start)
    assert response["Location"] == f"/accounts/login/?next={start}"

    response = public_client.post(
        response["Location"], {"login": APPLICANT, "password": PASSWORD}
    )
    assert response["Location"] == start

    response = public_client.get(start)
    assert response["Location"].startswith(
        f"http://acme.localhost:8000/jobs/{advert.entity_id}/apply/?as="
    )


def test_a_signed_in_applicant_applies_with_their_confirmed_email(
    employer,
    advert,
    badge,
    ava,
    public_client,
    site_client,
    django_capture_on_commit_callbacks,
):
    location = carried_over(public_client, ava, employer, advert)
    url = urlsplit(location)
    assert f"{url.scheme}://{url.netloc}{url.path}" == (
        f"http://acme.localhost:8000/jobs/{advert.entity_id}/apply/"
    )
    client = site_client(employer)

    # The token moves into the session; the page's address carries none.
    arrival = client.get(f"{url.path}?{url.query}")
    assert arrival["Location"] == url.path
    form_page = client.get(url.path).content.decode()
    assert f"You are applying as {APPLICANT}" in form_page
    assert 'value="Ava Applicant"' in form_page
    assert parse_qs(url.query)["as"][0] not in form_page

    png = award_png(employer, badge, APPLICANT)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url.path,
            {
                "name": "Ava Applicant",
                # A disabled field: whatever is sent, the confirmed one counts.
                "email": "someone.else@example.org",
                "message": "Hello",
                "badge_files": [SimpleUploadedFile("b.png", png, "image/png")],
            },
        )

    assert response.status_code == HTTPStatus.FOUND
    with tenant_context(employer):
        application = Application.objects.get()
        assert (application.email, application.email_confirmed) == (APPLICANT, True)
        assert application.badges.get().is_verified


def test_an_anonymous_application_is_not_confirmed(
    employer, advert, badge, site_client, manager_client
):
    png = award_png(employer, badge, APPLICANT)
    site_client(employer).post(
        f"/jobs/{advert.entity_id}/apply/",
        {
            "name": "Ava Applicant",
            "email": APPLICANT,
            "message": "Hello",
            "badge_files": [SimpleUploadedFile("b.png", png, "image/png")],
        },
    )

    with tenant_context(employer):
        application = Application.objects.get()
    assert application.email_confirmed is False
    detail = manager_client.get(f"/adverts/applications/{application.entity_id}/")
    assert f"{APPLICANT} (not confirmed)" in detail.content.decode()


def test_a_token_for_another_job_or_employer_is_refused(
    employer, other_employer, advert, ava, site_client
):
    elsewhere = make_advert(other_employer)
    token = applicants.make_token(ava, other_employer, elsewhere.entity_id)
    client = site_client(employer)

    text = arrive(client, advert, token)

    assert "This sign-in link is for another job." in text
    assert "You are applying as" not in text


def test_an_unknown_or_expired_token_is_refused(employer, advert, ava, site_client):
    token = applicants.make_token(ava, employer, advert.entity_id)
    applicants.store().delete(applicants.store_key(token))  # as when it expires
    client = site_client(employer)

    for stale in (token, "made-up-token", "x" * 500):
        text = arrive(client, advert, stale)
        assert "This sign-in link has expired or was used already" in text
        assert "You are applying as" not in text


def test_a_token_confirms_one_application_only(
    employer, advert, ava, site_client, django_capture_on_commit_callbacks
):
    token = applicants.make_token(ava, employer, advert.entity_id)
    client = site_client(employer)
    fields = {
        "name": "Ava Applicant",
        "email": "ava.typed@example.org",
        "message": "Hello",
        "badge_urls": "https://badges.example.org/assertions/1",
    }

    def send():
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(f"/jobs/{advert.entity_id}/apply/", fields)

    arrive(client, advert, token)
    send()
    # The link is followed again (from the browser's history, say).
    again = arrive(client, advert, token)

    assert "This sign-in link has expired or was used already" in again
    assert "You are applying as" not in again
    send()  # applies as anyone would, with the email typed
    with tenant_context(employer):
        applications = Application.objects.order_by("pk")
        assert [(a.email, a.email_confirmed) for a in applications] == [
            (APPLICANT, True),
            ("ava.typed@example.org", False),
        ]


def test_a_token_that_expires_while_the_form_is_filled_sends_it_back(
    employer, advert, ava, site_client, django_capture_on_commit_callbacks
):
    token = applicants.make_token(ava, employer, advert.entity_id)
    client = site_client(employer)
    arrive(client, advert, token)
    applicants.store().delete(applicants.store_key(token))  # 30 minutes on
    fields = {
        "name": "Ava Applicant",
        "email": APPLICANT,
        "message": "Hello from the form",
        "badge_urls": "https://badges.example.org/assertions/1",
    }

    with django_capture_on_commit_callbacks(execute=True):
        back = client.post(f"/jobs/{advert.entity_id}/apply/", fields)
        taken = client.post(f"/jobs/{advert.entity_id}/apply/", fields)

    page = back.content.decode()
    assert "This sign-in link has expired or was used already" in page
    assert "Hello from the form" in page
    assert taken.status_code == HTTPStatus.FOUND
    with tenant_context(employer):
        assert list(Application.objects.values_list("email_confirmed", flat=True)) == [
            False
        ]


def test_the_link_from_the_main_site_carries_no_email(employer, advert, ava):
    client = Client(HTTP_HOST="localhost")
    client.force_login(ava)

    location = client.get(f"/apply/acme/{advert.entity_id}/")["Location"]

    assert "ava" not in location.split("?", 1)[1].lower()


def test_a_member_signed_in_on_the_employers_site_applies_confirmed(
    employer, advert, add_member, site_client, django_capture_on_commit_callbacks
):
    member = add_member(employer, email="dev@acme.example", full_name="Dev Patel")
    client = site_client(employer, member)

    form_page = client.get(f"/jobs/{advert.entity_id}/apply/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/jobs/{advert.entity_id}/apply/",
            {
                "name": "Dev Patel",
                "message": "Hello",
                "badge_urls": "https://badges.example.org/assertions/1",
            },
        )

    assert "You are applying as dev@acme.example" in form_page
    with tenant_context(employer):
        application = Application.objects.get()
    assert (application.email, application.email_confirmed) == (
        "dev@acme.example",
        True,
    )


def test_typing_someones_email_does_not_use_up_their_own_applications(
    employer, advert, ava, site_client, settings, django_capture_on_commit_callbacks
):
    settings.ACCOUNT_RATE_LIMITS = {"apply_to_advert": "1/h/key"}
    fields = {
        "name": "Not Ava",
        "email": APPLICANT,
        "message": "Hello",
        "badge_urls": "https://badges.example.org/assertions/1",
    }
    client = site_client(employer)
    url = f"/jobs/{advert.entity_id}/apply/"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, fields)
    assert client.post(url, fields).status_code == HTTPStatus.TOO_MANY_REQUESTS

    arrive(client, advert, applicants.make_token(ava, employer, advert.entity_id))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, fields)

    assert response.status_code == HTTPStatus.FOUND


def test_an_account_with_an_unconfirmed_email_is_sent_to_confirm_it(
    employer, advert, ava
):
    EmailAddress.objects.filter(user=ava).update(verified=False)
    client = Client(HTTP_HOST="localhost")
    client.force_login(ava)

    response = client.get(f"/apply/acme/{advert.entity_id}/", follow=True)

    assert response.redirect_chain[-1][0] == "/accounts/email/"
    assert "Confirm your email address first. Then apply again." in (
        response.content.decode()
    )


def arrive(client, advert, token):
    """Follow the main site's link to the apply page; return the page."""
    return client.get(
        f"/jobs/{advert.entity_id}/apply/", {"as": token}, follow=True
    ).content.decode()


@pytest.fixture
def manager_client(employer, add_member, site_client):
    return site_client(employer, add_member(employer, role="manager"))


def test_of_two_presses_at_once_only_one_spends_the_token(
    employer, advert, ava, site_client, monkeypatch
):
    token = applicants.make_token(ava, employer, advert.entity_id)
    use_up = applicants.use_up

    def other_press_first(applicant):
        use_up(applicant)  # the other press, a moment earlier
        return use_up(applicant)

    monkeypatch.setattr(applicants, "use_up", other_press_first)
    client = site_client(employer)
    arrive(client, advert, token)

    response = client.post(
        f"/jobs/{advert.entity_id}/apply/",
        {
            "name": "Ava Applicant",
            "message": "Hello from the second press",
            "badge_urls": "https://badges.example.org/assertions/1",
        },
    )

    page = response.content.decode()
    assert "This sign-in link was used already." in page
    assert "Hello from the second press" in page
    with tenant_context(employer):
        assert not Application.objects.exists()
