"""Fixtures shared by the whole suite: the public site, people, employers."""

import itertools

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.test import Client
from django_tenants.utils import get_public_schema_name, schema_context, tenant_context

from accounts.models import User
from employers.services import ensure_public_site
from pledges.services import sign_pledge

PASSWORD = "correct-horse-battery"
_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _back_to_public_schema():
    """Leave every test on the public schema, whatever it switched to."""
    yield
    connection.set_schema_to_public()


@pytest.fixture
def public_site(db):
    return ensure_public_site()


@pytest.fixture
def make_user(public_site):
    """Return a factory of verified accounts."""

    def make(email=None, full_name="Alex Example", password=PASSWORD):
        email = email or f"person{next(_numbers)}@example.org"
        with schema_context(get_public_schema_name()):
            user = User.objects.create_user(
                email=email, password=password, full_name=full_name
            )
            EmailAddress.objects.create(
                user=user, email=email, verified=True, primary=True
            )
        return user

    return make


DEFAULT_COMMITMENTS = {
    "recognise_in_recruitment": True,
    "recognise_in_development": False,
    "create_inhouse_badges": True,
    "mark_job_adverts": False,
    "public_statement": "We value every skill.",
}


@pytest.fixture
def make_employer(make_user):
    """Return a factory that signs the pledge for a new employer."""

    def make(name=None, slug=None, owner=None, district="cambridge", **pledge):
        number = next(_numbers)
        name = name or f"Employer {number}"
        slug = slug or f"employer-{number}"
        owner = owner or make_user()
        pledge_obj = sign_pledge(
            owner=owner,
            name=name,
            slug=slug,
            employer_data={
                "sector": "public",
                "size_band": "10-49",
                "district": district,
                "postcode": "",
                "contact_name": owner.full_name,
                "contact_email": owner.email,
                "contact_phone": "",
            },
            pledge_data={**DEFAULT_COMMITMENTS, **pledge},
        )
        return pledge_obj.employer

    return make


@pytest.fixture
def employer(make_employer):
    return make_employer(name="Acme Repairs", slug="acme")


@pytest.fixture
def other_employer(make_employer):
    return make_employer(name="Bolt Logistics", slug="bolt")


def host_of(employer):
    return employer.domains.get(is_primary=True).domain


@pytest.fixture
def site_client():
    """Return a factory of test clients that talk to one employer's site."""

    def make(employer, user=None):
        client = Client(HTTP_HOST=host_of(employer))
        if user is not None:
            # Sessions live in each employer's schema.
            with tenant_context(employer):
                client.force_login(user)
        return client

    return make


@pytest.fixture
def public_client(public_site):
    return Client(HTTP_HOST="localhost")


@pytest.fixture
def add_member(make_user):
    """Return a factory of members of an employer, staff or manager."""
    from employers import roles

    def add(employer, role="staff", **user_fields):
        user = make_user(**user_fields)
        employer.add_user(user)
        if role == "manager":
            with tenant_context(employer):
                roles.make_manager(user)
        return user

    return add


@pytest.fixture
def make_badge():
    """Return a factory of badges, defined in the given employer's schema."""
    from badges import services

    def make(employer, name="Embracing Change Award", image=None, **fields):
        data = {
            "name": name,
            "description": "Adapts well to change.",
            "criteria": "Show how you helped a colleague through a change.",
            "tags": ["adaptability"],
            "valid_for_days": None,
            "staff_can_claim": True,
            "evidence_required": True,
            **fields,
        }
        with tenant_context(employer):
            return services.create_badge(
                created_by=employer.owner, data=data, image=image
            )

    return make


@pytest.fixture(scope="session")
def media_root(tmp_path_factory):
    """Where uploads go during the tests; the test worker uses it too."""
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, media_root):
    settings.MEDIA_ROOT = media_root
