"""Nothing of one employer is readable or writable from another's site."""

from http import HTTPStatus

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django_tenants.utils import tenant_context

from conftest import PASSWORD, host_of
from employers.models import Employer


def test_a_session_from_one_employer_site_is_worthless_on_another(
    employer, other_employer, site_client
):
    signed_in = site_client(employer, employer.owner)
    session_id = signed_in.cookies["sessionid"].value
    intruder = Client(HTTP_HOST=host_of(other_employer))
    intruder.cookies["sessionid"] = session_id

    dashboard = intruder.get("/")
    edit = intruder.post("/pledge/edit/", {"recognise_in_recruitment": "on"})

    assert not dashboard.context["user"].is_authenticated
    assert "Download the certificate" not in dashboard.content.decode()
    assert edit.status_code == HTTPStatus.FOUND
    assert edit["Location"].startswith("/accounts/login/")


def test_an_owner_cannot_sign_in_on_another_employers_site(employer, other_employer):
    client = Client(HTTP_HOST=host_of(other_employer))

    response = client.post(
        "/accounts/login/",
        {"login": employer.owner.email, "password": PASSWORD},
        follow=True,
    )

    assert f"{employer.owner.email} is not a member of Bolt Logistics." in (
        response.content.decode()
    )
    assert not response.context["user"].is_authenticated


def test_a_member_signs_in_on_their_own_site(employer):
    client = Client(HTTP_HOST=host_of(employer))

    response = client.post(
        "/accounts/login/",
        {"login": employer.owner.email, "password": PASSWORD},
        follow=True,
    )

    assert response.context["user"] == employer.owner
    assert "Your pledge" in response.content.decode()


@pytest.mark.parametrize(
    "path", ["/", "/pledge/edit/", "/pledge/withdraw/", "/pledge/certificate.pdf"]
)
def test_an_account_that_is_not_a_member_gets_nothing(
    employer, other_employer, site_client, path
):
    # Forced in, as if the sign-in checks had been bypassed.
    client = site_client(other_employer, employer.owner)

    response = client.get(path)

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_each_employer_site_shows_its_own_pledge(employer, other_employer, site_client):
    acme = site_client(employer).get("/").content.decode()
    bolt = site_client(other_employer).get("/").content.decode()

    assert "Acme Repairs" in acme and "Bolt Logistics" not in acme
    assert "Bolt Logistics" in bolt and "Acme Repairs" not in bolt


def test_cache_keys_are_kept_apart_per_employer(employer, other_employer):
    with tenant_context(employer):
        cache.set("greeting", "from acme")
    with tenant_context(other_employer):
        assert cache.get("greeting") is None
        cache.set("greeting", "from bolt")
    with tenant_context(employer):
        assert cache.get("greeting") == "from acme"


def test_an_unknown_sub_domain_is_not_found(public_site):
    response = Client(HTTP_HOST="nobody.localhost").get("/")

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_the_admin_exists_on_the_public_site_only(employer, site_client):
    assert site_client(employer).get("/admin/").status_code == HTTPStatus.NOT_FOUND


def test_a_suspended_site_shows_a_notice_and_accepts_no_sign_in(employer, site_client):
    Employer.objects.filter(pk=employer.pk).update(status=Employer.Status.SUSPENDED)
    client = Client(HTTP_HOST=host_of(employer))

    for response in (
        client.get("/"),
        client.get("/accounts/login/"),
        client.post(
            "/accounts/login/", {"login": employer.owner.email, "password": PASSWORD}
        ),
        site_client(employer, employer.owner).get("/pledge/edit/"),
    ):
        assert response.status_code == HTTPStatus.FORBIDDEN
        content = " ".join(response.content.decode().split())
        assert "This site is suspended" in content
        assert "suspended the site of Acme Repairs" in content
    assert "sessionid" not in client.cookies


def test_a_member_with_an_unconfirmed_address_is_asked_to_confirm_it(
    employer, make_user, django_capture_on_commit_callbacks
):
    from allauth.account.models import EmailAddress

    member = make_user(email="new.starter@acme.example")
    EmailAddress.objects.filter(user=member).update(verified=False)
    employer.add_user(member)
    client = Client(HTTP_HOST=host_of(employer))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/login/", {"login": member.email, "password": PASSWORD}
        )

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/accounts/confirm-email/"
    (message,) = mail.outbox
    assert "http://acme.localhost/accounts/confirm-email/" in message.body
