"""Signing the pledge: the form, the new employer site, and the hand-off."""

from http import HTTPStatus

import pytest
from django.db import DatabaseError, connection
from django_tenants.utils import schema_exists, tenant_context
from tenant_users.permissions.models import UserTenantPermissions

from employers.models import Domain, Employer
from pledges.models import Pledge, PledgeEvent

VALID_FORM = {
    "name": "Chesterton Cycles",
    "slug": "chesterton-cycles",
    "sector": "hospitality",
    "size_band": "1-9",
    "district": "cambridge",
    "postcode": "cb4 1aa",
    "contact_name": "Jo Rider",
    "contact_email": "jo@chestertoncycles.example",
    "contact_phone": "01223 000000",
    "recognise_in_recruitment": "on",
    "mark_job_adverts": "on",
    "public_statement": "Skills over certificates.",
}


@pytest.fixture
def signer(make_user):
    return make_user(email="jo@chestertoncycles.example", full_name="Jo Rider")


@pytest.fixture
def signer_client(public_client, signer):
    public_client.force_login(signer)
    return public_client


def test_signing_creates_the_employer_site_and_signs_the_owner_in_there(
    signer_client, signer, client
):
    response = signer_client.post("/sign/", VALID_FORM)

    employer = Employer.objects.get(slug="chesterton-cycles")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(
        "http://chesterton-cycles.localhost:8000/welcome/"
    )
    assert schema_exists(employer.schema_name)
    assert employer.domains.get().domain == "chesterton-cycles.localhost"
    assert employer.owner == signer
    assert employer.postcode == "CB4 1AA"
    with tenant_context(employer):
        permissions = UserTenantPermissions.objects.get(profile=signer)
        assert permissions.is_superuser
    pledge = employer.pledges.get()
    assert pledge.status == Pledge.Status.ACTIVE
    assert pledge.recognise_in_recruitment and pledge.mark_job_adverts
    assert not pledge.recognise_in_development
    assert pledge.events.get().kind == PledgeEvent.Kind.SIGNED

    path = response["Location"].removeprefix("http://chesterton-cycles.localhost:8000")
    landing = client.get(path, HTTP_HOST="chesterton-cycles.localhost", follow=True)
    assert landing.redirect_chain[-1][0] == "/"
    assert landing.context["user"] == signer
    assert b"Your pledge" in landing.content
    assert b"Chesterton Cycles" in landing.content


def test_signing_requires_an_account(public_client):
    response = public_client.get("/sign/")

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/")


def test_sign_form_suggests_contact_details_from_the_account(signer_client):
    response = signer_client.get("/sign/")

    assert response.context["form"].initial == {
        "contact_name": "Jo Rider",
        "contact_email": "jo@chestertoncycles.example",
    }


def test_an_empty_address_is_made_from_the_name(signer_client, make_employer):
    make_employer(name="Chesterton Cycles", slug="chesterton-cycles")

    signer_client.post("/sign/", {**VALID_FORM, "slug": ""})

    names = Employer.objects.filter(name="Chesterton Cycles").values_list(
        "slug", flat=True
    )
    assert sorted(names) == ["chesterton-cycles", "chesterton-cycles-2"]


@pytest.mark.parametrize(
    ("slug", "message"),
    [
        ("ab", "Use at least 3 characters."),
        ("a" * 41, "Use at most 40 characters."),
        ("Bad_Slug!", "Use only lower-case letters, digits and single hyphens"),
        ("-acme", "Use only lower-case letters, digits and single hyphens"),
        ("two--hyphens", "Use only lower-case letters, digits and single hyphens"),
        ("admin", "“admin” is reserved by the portal; choose another address."),
        ("www", "“www” is reserved by the portal; choose another address."),
    ],
)
def test_bad_addresses_are_refused_with_a_reason(signer_client, slug, message):
    response = signer_client.post("/sign/", {**VALID_FORM, "slug": slug})

    assert response.status_code == HTTPStatus.OK
    assert message in response.context["form"].errors["slug"][0]
    assert not Employer.objects.filter(name="Chesterton Cycles").exists()
    # What was typed is kept.
    assert response.context["form"]["name"].value() == "Chesterton Cycles"
    assert f'value="{slug}"' in response.content.decode()


def test_an_address_already_taken_is_refused(signer_client, make_employer):
    make_employer(slug="chesterton-cycles")

    response = signer_client.post("/sign/", VALID_FORM)

    assert response.context["form"].errors["slug"] == [
        "“chesterton-cycles” is already taken; try another address."
    ]


def test_a_pledge_needs_at_least_one_commitment(signer_client):
    form = {key: value for key, value in VALID_FORM.items() if value != "on"}

    response = signer_client.post("/sign/", form)

    assert response.context["form"].non_field_errors() == [
        "Choose at least one commitment: the pledge is a promise to do at least "
        "one of these things."
    ]
    assert "Skills over certificates." in response.content.decode()
    assert not Employer.objects.filter(slug="chesterton-cycles").exists()


@pytest.mark.parametrize(
    "name", ["\u202eevil\u200b Ltd", "Zero\u200bWidth", "Bidi\u2066Ltd"]
)
def test_names_with_invisible_characters_are_refused(signer_client, name):
    response = signer_client.post("/sign/", {**VALID_FORM, "name": name})

    assert response.context["form"].errors["name"] == [
        "Remove the invisible formatting characters (such as direction marks or "
        "zero-width spaces) from this text."
    ]


@pytest.mark.parametrize(
    ("postcode", "error"),
    [
        ("SW1A 1AA", "enter a CB, PE, SG8 or SG19 postcode."),
        ("hello", "Enter a full UK postcode, such as CB2 1BY."),
    ],
)
def test_postcodes_outside_the_region_are_refused(signer_client, postcode, error):
    response = signer_client.post("/sign/", {**VALID_FORM, "postcode": postcode})

    assert error in response.context["form"].errors["postcode"][0]


@pytest.mark.django_db(transaction=True)
def test_a_failure_while_signing_leaves_nothing_behind(
    signer_client, signer, monkeypatch
):
    def fail(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(PledgeEvent.objects, "create", fail)

    with pytest.raises(DatabaseError):
        signer_client.post("/sign/", VALID_FORM)

    assert not Employer.objects.filter(slug="chesterton-cycles").exists()
    assert not Domain.objects.filter(domain__startswith="chesterton").exists()
    assert not Pledge.objects.exists()
    assert not schema_exists("employer_chesterton_cycles")
    assert connection.schema_name == "public"
