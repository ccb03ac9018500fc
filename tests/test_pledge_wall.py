"""The landing page and the public pledge wall."""

from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from employers.models import Employer
from pledges.models import Pledge
from pledges.views import WALL_PAGE_SIZE


def add_listed_employers(count, owner, district="cambridge", prefix="Listed"):
    """Add employers and pledges as rows only: the wall never reads a schema."""
    start = Employer.objects.count()
    employers = Employer.objects.bulk_create(
        Employer(
            name=f"{prefix} {start + number}",
            slug=f"{prefix.lower()}-{start + number}",
            schema_name=f"listed_{start + number}",
            owner=owner,
            district=district,
        )
        for number in range(count)
    )
    Pledge.objects.bulk_create(
        Pledge(employer=employer, signed_by=owner, recognise_in_recruitment=True)
        for employer in employers
    )


def test_landing_page_explains_the_pledge_and_counts_signatures(
    public_client, employer, other_employer
):
    response = public_client.get("/")

    content = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "<strong>2</strong> employers have signed." in content
    assert "Recognise digital badges when we recruit" in content
    assert 'href="/sign/"' in content
    assert "Acme Repairs" in content


def test_wall_lists_signed_employers_with_commitments_and_date(public_client, employer):
    content = public_client.get("/wall/").content.decode()

    assert "Acme Repairs" in content
    assert "Create in-house badges for our staff" in content
    assert "We value every skill." in content
    assert f"signed {employer.pledges.get().signed_at:%-d %B %Y}" in content


def test_wall_searches_by_name_and_district(public_client, make_employer):
    make_employer(name="Fen Farm", district="fenland")
    make_employer(name="City Farm", district="cambridge")

    by_name = public_client.get("/wall/", {"q": "city"})
    by_district = public_client.get("/wall/", {"district": "fenland"})

    assert [p.employer.name for p in by_name.context["page"]] == ["City Farm"]
    assert [p.employer.name for p in by_district.context["page"]] == ["Fen Farm"]


def test_wall_ignores_an_unknown_district_rather_than_failing(public_client, employer):
    response = public_client.get("/wall/", {"district": "atlantis", "page": "x"})

    assert response.status_code == HTTPStatus.OK
    assert "Select a valid choice" not in response.content.decode()
    assert response.context["page"].number == 1


def test_wall_hides_suspended_employers(public_client, employer, other_employer):
    other_employer.status = Employer.Status.SUSPENDED
    other_employer.save()

    names = [p.employer.name for p in public_client.get("/wall/").context["page"]]

    assert names == ["Acme Repairs"]


def test_wall_is_paginated_and_keeps_the_search(public_client, make_user):
    add_listed_employers(WALL_PAGE_SIZE + 3, make_user(), district="fenland")

    first = public_client.get("/wall/", {"district": "fenland"})
    second = public_client.get("/wall/", {"district": "fenland", "page": 2})

    assert len(first.context["page"]) == WALL_PAGE_SIZE
    assert len(second.context["page"]) == 3
    assert "?district=fenland&page=2" in first.content.decode()


@pytest.mark.parametrize("path", ["/", "/wall/", "/wall/?q=listed&district=cambridge"])
def test_public_pages_make_the_same_number_of_queries_for_5_or_60_employers(
    public_client, make_user, path
):
    owner = make_user()
    add_listed_employers(5, owner)
    with CaptureQueriesContext(connection) as few:
        public_client.get(path)

    add_listed_employers(55, owner)
    with CaptureQueriesContext(connection) as many:
        response = public_client.get(path)

    assert response.status_code == HTTPStatus.OK
    assert len(many) == len(few)
