"""The public job board lists every open advert from its index, fast."""

from datetime import timedelta
from http import HTTPStatus
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from jobboard.models import Listing
from recruitment import services
from recruitment.models import AcceptedBadge
from tests.test_recruitment_helpers import make_advert


@pytest.fixture
def badge(employer, make_badge):
    return make_badge(employer, name="Customer Service Award", tags=["customer care"])


def board(public_client, **query):
    return public_client.get("/jobs/", query)


def test_the_board_lists_open_adverts_of_every_employer(
    employer, other_employer, badge, public_client
):
    make_advert(employer, accepts=[(badge, True)])
    make_advert(other_employer, title="Van Driver", location="March")
    make_advert(other_employer, title="Draft Job", open_it=False)

    response = board(public_client)

    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "2 jobs." in page
    assert "Customer Service Adviser" in page
    assert "Accepts: Customer Service Award" in page
    assert "Van Driver" in page
    assert "Draft Job" not in page


def test_the_board_filters_by_badge_skill_district_employer_and_title(
    make_employer, badge, employer, public_client
):
    fenland = make_employer(name="Fenland Fresh", slug="fenland", district="fenland")
    make_advert(employer, accepts=[(badge, True)])
    make_advert(fenland, title="Packer", location="Wisbech")

    def titles(**query):
        return [
            listing.title for listing in board(public_client, **query).context["page"]
        ]

    assert titles(badge="Customer Service Award") == ["Customer Service Adviser"]
    assert titles(skill="Customer Care") == ["Customer Service Adviser"]
    assert titles(district="fenland") == ["Packer"]
    assert titles(employer="fenland") == ["Packer"]
    assert titles(q="pack") == ["Packer"]
    assert titles(q="nothing like it") == []


def test_the_board_accepts_a_catalogue_badge_filter(employer, public_client):
    from jobboard.models import RecognisedBadge

    advert = make_advert(employer)
    entry = RecognisedBadge.objects.get(name="Youth Work Volunteer")
    with tenant_context(employer):
        services.accept_badge(
            advert, kind=AcceptedBadge.Kind.CATALOGUE, required=True, entry=entry
        )

    page = board(public_client, badge="Youth Work Volunteer")

    assert [listing.title for listing in page.context["page"]] == [
        "Customer Service Adviser"
    ]
    assert page.context["page"][0].skills == [
        "leadership",
        "safeguarding",
        "youth work",
    ]


def test_an_advert_past_its_closing_date_is_hidden(employer, public_client):
    advert = make_advert(employer)
    Listing.objects.filter(advert_entity_id=advert.entity_id).update(
        closes_on=timezone.localdate() - timedelta(days=1)
    )

    assert "0 jobs." in board(public_client).content.decode()


def test_the_past_adverts_task_closes_them_in_their_schema(
    employer, django_capture_on_commit_callbacks
):
    from jobboard.tasks import queue_closing_of_past_adverts
    from recruitment.models import Advert

    advert = make_advert(employer)
    Listing.objects.update(closes_on=timezone.localdate() - timedelta(days=1))

    with django_capture_on_commit_callbacks(execute=True):
        queue_closing_of_past_adverts()

    assert not Listing.objects.exists()
    with tenant_context(employer):
        assert Advert.objects.get(pk=advert.pk).status == Advert.Status.CLOSED


def test_an_employer_that_withdrew_its_pledge_is_off_the_board(employer, public_client):
    make_advert(employer)
    employer.pledges.update(status="withdrawn")

    assert "0 jobs." in board(public_client).content.decode()


def test_the_board_is_rebuilt_from_every_employers_open_adverts(
    employer, other_employer, badge
):
    make_advert(employer, accepts=[(badge, False)])
    make_advert(other_employer, title="Van Driver")
    make_advert(other_employer, title="Closed", open_it=False)
    Listing.objects.all().delete()
    Listing.objects.create(
        employer=employer,
        advert_entity_id="00000000-0000-0000-0000-000000000001",
        title="Stale",
        location="x",
        closes_on=timezone.localdate(),
        url="http://x.example/",
    )
    out = StringIO()

    call_command("rebuild_job_board", stdout=out)

    assert out.getvalue() == "Indexed 2 open adverts.\n"
    assert sorted(Listing.objects.values_list("title", flat=True)) == [
        "Customer Service Adviser",
        "Van Driver",
    ]


def fill_index(employer, count):
    closes_on = timezone.localdate() + timedelta(days=10)
    Listing.objects.bulk_create(
        Listing(
            employer=employer,
            advert_entity_id=f"00000000-0000-0000-0000-{number:012d}",
            title=f"Job {number}",
            location="Cambridge",
            closes_on=closes_on,
            badge_names=["Customer Service Award"],
            skills=["customer care"],
            url=f"http://acme.localhost:8000/jobs/{number}/",
        )
        for number in range(count)
    )


def queries_for_board(public_client, **query):
    with CaptureQueriesContext(connection) as captured:
        response = board(public_client, **query)
    assert response.status_code == HTTPStatus.OK
    return len(captured)


def test_the_boards_query_count_does_not_grow_with_the_adverts(
    employer, other_employer, public_client
):
    fill_index(employer, 10)
    board(public_client)  # warm the caches the first request fills
    with_ten = queries_for_board(public_client, skill="customer care")

    Listing.objects.all().delete()
    fill_index(employer, 250)
    Listing.objects.bulk_create(
        Listing(
            employer=other_employer,
            advert_entity_id=f"10000000-0000-0000-0000-{number:012d}",
            title=f"Other {number}",
            location="March",
            closes_on=timezone.localdate() + timedelta(days=3),
            url="http://bolt.localhost:8000/jobs/x/",
        )
        for number in range(250)
    )
    with_five_hundred = queries_for_board(public_client, skill="customer care")
    last_page = queries_for_board(public_client, page="25")

    assert with_five_hundred == with_ten
    assert last_page == with_ten


def test_a_filter_that_is_not_valid_is_left_out_and_said_so(
    make_employer, employer, public_client
):
    fenland = make_employer(name="Fenland Fresh", slug="fenland", district="fenland")
    make_advert(employer, title="Customer Adviser")
    make_advert(fenland, title="Customer Packer", location="Wisbech")

    response = board(public_client, q="customer", district="atlantis")

    titles = [listing.title for listing in response.context["page"]]
    assert sorted(titles) == ["Customer Adviser", "Customer Packer"]
    page = response.content.decode()
    assert "Left out of this search:" in page
    assert "District: Select a valid choice." in page
    assert [
        listing.title
        for listing in board(public_client, q="x" * 101, district="fenland").context[
            "page"
        ]
    ] == ["Customer Packer"]


def test_the_employer_filter_takes_a_name_as_well_as_an_address(
    make_employer, employer, public_client
):
    fenland = make_employer(name="Fenland Fresh", slug="fenland", district="fenland")
    make_advert(employer)
    make_advert(fenland, title="Packer", location="Wisbech")

    def titles(employer):
        return [
            listing.title
            for listing in board(public_client, employer=employer).context["page"]
        ]

    assert titles("fenland") == ["Packer"]
    assert titles("Fenland Fresh") == ["Packer"]
    assert titles("fresh") == ["Packer"]
