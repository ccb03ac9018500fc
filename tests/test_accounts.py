"""Accounts: sign-up with email verification, and the hand-off to a site."""

import html
import re
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client

from accounts.handoff import make_token
from accounts.models import User
from conftest import PASSWORD
from employers.models import Employer


def test_sign_up_sends_a_verification_link_that_must_be_followed(
    public_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = public_client.post(
            "/accounts/signup/",
            {
                "full_name": "Kim Baker",
                "email": "kim@bakery.example",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )

    assert response.status_code == HTTPStatus.FOUND
    user = User.objects.get(email="kim@bakery.example")
    assert user.full_name == "Kim Baker"
    assert not EmailAddress.objects.get(user=user).verified
    assert public_client.get("/sign/").status_code == HTTPStatus.FOUND

    (message,) = mail.outbox
    assert message.to == ["kim@bakery.example"]
    link = re.search(r"http://localhost(/accounts/confirm-email/\S+/)", message.body)
    public_client.post(link.group(1))

    assert EmailAddress.objects.get(user=user).verified
    assert public_client.get("/sign/").status_code == HTTPStatus.OK


def test_an_unverified_account_cannot_sign_in(public_client, public_site):
    public_client.post(
        "/accounts/signup/",
        {
            "full_name": "Kim Baker",
            "email": "kim@bakery.example",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    client = Client(HTTP_HOST="localhost")

    response = client.post(
        "/accounts/login/", {"login": "kim@bakery.example", "password": PASSWORD}
    )

    assert response["Location"] == "/accounts/confirm-email/"
    assert client.get("/sign/").status_code == HTTPStatus.FOUND


def test_sign_up_is_offered_on_the_public_site_only(employer, site_client):
    client = site_client(employer)

    assert client.get("/accounts/signup/").status_code == HTTPStatus.NOT_FOUND
    assert "Create an account" not in client.get("/accounts/login/").content.decode()


def test_the_hand_off_link_signs_the_owner_in_once(employer, site_client):
    token = make_token(employer.owner, employer)
    client = site_client(employer)

    first = client.get(f"/welcome/{token}/")
    assert first["Location"] == "/"
    assert client.get("/").context["user"] == employer.owner

    replay = site_client(employer).get(f"/welcome/{token}/", follow=True)
    assert "This sign-in link has already been used." in replay.content.decode()
    assert not replay.context["user"].is_authenticated


def test_a_hand_off_link_for_one_employer_is_refused_by_another(
    employer, other_employer, site_client
):
    token = make_token(employer.owner, employer)

    response = site_client(other_employer).get(f"/welcome/{token}/", follow=True)

    assert "This sign-in link is for another employer's site." in (
        html.unescape(response.content.decode())
    )
    assert not response.context["user"].is_authenticated


@pytest.mark.parametrize("token", ["nonsense", "a" * 300, "..", "%00"])
def test_a_broken_hand_off_link_asks_to_sign_in(employer, site_client, token):
    response = site_client(employer).get(f"/welcome/{token}/", follow=True)

    assert response.status_code == HTTPStatus.OK
    assert "This sign-in link is not valid." in response.content.decode()


def test_my_employers_lists_the_sites_a_person_belongs_to(
    public_client, employer, other_employer
):
    public_client.force_login(employer.owner)

    response = public_client.get("/me/employers/")
    go = public_client.post("/me/employers/acme/go/")
    elsewhere = public_client.post("/me/employers/bolt/go/")

    assert "Acme Repairs" in response.content.decode()
    assert "Bolt Logistics" not in response.content.decode()
    assert go["Location"].startswith("http://acme.localhost:8000/welcome/")
    assert elsewhere.status_code == HTTPStatus.NOT_FOUND


def test_my_employers_does_not_hand_off_to_a_suspended_site(public_client, employer):
    Employer.objects.filter(pk=employer.pk).update(status=Employer.Status.SUSPENDED)
    public_client.force_login(employer.owner)

    response = public_client.post("/me/employers/acme/go/")

    assert response.status_code == HTTPStatus.NOT_FOUND
