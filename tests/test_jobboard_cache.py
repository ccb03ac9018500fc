"""Anonymous visitors get the job board from the cache, never a stale one."""

from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from jobboard import cache
from jobboard.models import Listing, RecognisedBadge
from recruitment import services
from tests.test_recruitment_helpers import make_advert


@pytest.fixture(autouse=True)
def board_cache(settings):
    """Turn the board's cache on, starting from a version no test has used."""
    settings.JOB_BOARD_CACHE_SECONDS = 300
    cache.replace_version()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a change as if its transaction committed (tests roll back)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def board_page(client, **query):
    response = client.get("/jobs/", query)
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def listing_queries(client, **query):
    with CaptureQueriesContext(connection) as captured:
        board_page(client, **query)
    return [q["sql"] for q in captured if "jobboard_listing" in q["sql"]]


def test_a_second_anonymous_visitor_is_served_without_reading_the_index(
    employer, public_client, committed
):
    with committed():
        make_advert(employer, title="Van Driver")
    first = board_page(public_client)

    with CaptureQueriesContext(connection) as captured:
        second = board_page(public_client)

    assert "Van Driver" in first
    assert second == first
    assert not [q for q in captured if "jobboard_listing" in q["sql"]]


def test_each_search_is_cached_apart(employer, public_client, committed):
    with committed():
        make_advert(employer, title="Van Driver")
        make_advert(employer, title="Packer")
    board_page(public_client)

    drivers = board_page(public_client, q="driver")

    assert "Van Driver" in drivers
    assert "Packer" not in drivers
    assert listing_queries(public_client, q="driver") == []
    assert listing_queries(public_client, q="pack") != []


def test_opening_and_closing_an_advert_replaces_the_cached_page(
    employer, public_client, committed
):
    board_page(public_client)
    with committed():
        advert = make_advert(employer, title="Van Driver")

    assert "Van Driver" in board_page(public_client)

    with committed(), tenant_context(employer):
        services.close_advert(advert)

    assert "Van Driver" not in board_page(public_client)


def test_a_change_that_rolls_back_leaves_the_cached_page_alone(
    employer, public_client, committed
):
    with committed():
        make_advert(employer, title="Van Driver")
    board_page(public_client)

    # Without a commit (the change is rolled back with the test), nothing
    # announces it, and the cached page is still the one served.
    Listing.objects.update(title="Renamed")

    assert "Van Driver" in board_page(public_client)


def test_withdrawing_a_pledge_or_suspending_the_employer_takes_adverts_off(
    employer, other_employer, public_client, committed
):
    with committed():
        make_advert(employer, title="Van Driver")
        make_advert(other_employer, title="Packer")
    assert "2 jobs." in board_page(public_client)

    with committed():
        pledge = employer.pledges.get()
        pledge.status = "withdrawn"
        pledge.save()
    assert "Van Driver" not in board_page(public_client)

    with committed():
        other_employer.status = "suspended"
        other_employer.save()
    assert "0 jobs." in board_page(public_client)


def test_moving_an_employer_to_another_district_moves_its_adverts(
    employer, public_client, committed
):
    with committed():
        make_advert(employer, title="Van Driver")
    assert "Van Driver" in board_page(public_client, district="cambridge")

    with committed():
        employer.district = "fenland"
        employer.save()

    assert "Van Driver" not in board_page(public_client, district="cambridge")
    assert "Van Driver" in board_page(public_client, district="fenland")


def test_a_new_catalogue_badge_appears_on_the_cached_page(public_client, committed):
    assert "Forklift Operator" not in board_page(public_client)

    with committed():
        RecognisedBadge.objects.create(
            name="Forklift Operator",
            issuer_name="Fenland College",
            issuer_url="https://badges.fenland.example/issuer",
        )

    assert "Forklift Operator" in board_page(public_client)


def test_signed_in_visitors_see_their_own_header_never_a_cached_one(
    public_client, make_user, client
):
    user = make_user(email="ben@example.com")
    anonymous_first = board_page(public_client)
    client.defaults["HTTP_HOST"] = "localhost"
    client.force_login(user)

    signed_in = board_page(client)
    anonymous_after = board_page(public_client)

    assert "ben@example.com" not in anonymous_first
    assert "ben@example.com" in signed_in
    assert "Sign out" in signed_in
    assert "ben@example.com" not in anonymous_after


def test_the_cache_can_be_turned_off(employer, public_client, settings):
    settings.JOB_BOARD_CACHE_SECONDS = 0
    make_advert(employer, title="Van Driver")
    board_page(public_client)

    # Rolled back and never announced: only an uncached board sees it.
    Listing.objects.update(title="Renamed")

    assert "Renamed" in board_page(public_client)


def test_suspending_from_the_admin_takes_adverts_off_at_once(
    employer, public_client, committed, make_user
):
    from django.test import Client

    from employers.services import create_programme_admin

    create_programme_admin("team@example.org", "team-password-1", "Team")
    team = Client(HTTP_HOST="localhost")
    team.login(email="team@example.org", password="team-password-1")
    with committed():
        make_advert(employer, title="Van Driver")
    assert "Van Driver" in board_page(public_client)

    def bulk(action):
        with committed():
            team.post(
                "/admin/employers/employer/",
                {"action": action, "_selected_action": [employer.pk]},
            )

    bulk("suspend")
    assert "Van Driver" not in board_page(public_client)

    bulk("reinstate")
    assert "Van Driver" in board_page(public_client)


def test_what_else_a_url_carries_stays_out_of_everyones_cached_page(
    employer, public_client, committed
):
    from jobboard.views import PAGE_SIZE

    with committed():
        for number in range(PAGE_SIZE + 1):
            make_advert(employer, title=f"Job {number}")

    # The first visitor's URL carries more than the board reads ...
    first = board_page(public_client, utm_source='">x')
    # ... and the next visitor gets the page cached for it.
    plain = board_page(public_client)

    assert plain == first
    assert "utm_source" not in plain
    assert 'href="?page=2"' in plain
