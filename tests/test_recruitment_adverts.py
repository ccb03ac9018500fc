"""Managers write adverts, mark the badges they accept and open them."""

from datetime import timedelta
from http import HTTPStatus

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from jobboard.models import Listing, RecognisedBadge
from recruitment.models import AcceptedBadge, Advert
from tests.test_recruitment_helpers import make_advert


@pytest.fixture
def manager(employer, add_member):
    return add_member(employer, role="manager", full_name="Mo Manager")


@pytest.fixture
def badge(employer, make_badge):
    return make_badge(employer, name="Customer Service Award", tags=["Customer care"])


def advert_form(**changes):
    return {
        "title": "Front Desk Adviser",
        "description": "Greet visitors and answer their questions.",
        "location": "Guildhall, Cambridge",
        "hours": "Part time, 20 hours",
        "salary": "",
        "closes_on": (timezone.localdate() + timedelta(days=14)).isoformat(),
        **changes,
    }


def test_a_manager_writes_an_advert_as_a_draft_off_the_job_board(
    employer, manager, site_client
):
    client = site_client(employer, manager)

    response = client.post("/adverts/new/", advert_form())

    with tenant_context(employer):
        advert = Advert.objects.get()
    assert response["Location"] == f"/adverts/{advert.entity_id}/"
    assert advert.status == Advert.Status.DRAFT
    assert advert.salary == ""
    assert not Listing.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "Advert saved as a draft. Add the badges it accepts." in page


def test_an_advert_form_with_mistakes_keeps_what_was_typed(
    employer, manager, site_client
):
    client = site_client(employer, manager)

    response = client.post("/adverts/new/", advert_form(title="", hours="Evenings"))

    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "This field is required." in page
    assert 'value="Evenings"' in page
    with tenant_context(employer):
        assert not Advert.objects.exists()


def test_staff_cannot_write_adverts(employer, add_member, site_client):
    staff = add_member(employer)

    response = site_client(employer, staff).post("/adverts/new/", advert_form())

    assert response.status_code == HTTPStatus.FORBIDDEN
    with tenant_context(employer):
        assert not Advert.objects.exists()


def test_an_advert_accepts_own_catalogue_and_external_badges(
    employer, manager, badge, site_client
):
    advert = make_advert(employer, open_it=False)
    client = site_client(employer, manager)
    url = f"/adverts/{advert.entity_id}/"
    entry = RecognisedBadge.objects.get(name="Youth Work Volunteer")

    client.post(url, {"kind": "own", "badge": badge.pk, "required": "on"})
    client.post(url, {"kind": "catalogue", "entry": entry.pk})
    client.post(
        url,
        {
            "kind": "external-issuer",
            "url": "https://badges.example.org/issuer",
            "name": "Example Academy",
        },
    )
    response = client.post(
        url,
        {
            "kind": "external-badgeclass",
            "url": "https://badges.example.org/badges/first-aid",
            "name": "First Aid at Work",
        },
    )

    assert response["Location"] == url
    with tenant_context(employer):
        accepted = {
            a.name: (a.kind, a.required, a.url) for a in advert.accepted_badges.all()
        }
    assert accepted == {
        "Customer Service Award": ("own", True, ""),
        "Youth Work Volunteer": ("catalogue", False, entry.badge_class_url),
        "Example Academy": (
            "external-issuer",
            False,
            "https://badges.example.org/issuer",
        ),
        "First Aid at Work": (
            "external-badgeclass",
            False,
            "https://badges.example.org/badges/first-aid",
        ),
    }
    page = client.get(url).content.decode()
    assert "The advert now accepts “First Aid at Work”." in page


def test_an_external_badge_needs_a_web_address(employer, manager, site_client):
    advert = make_advert(employer, open_it=False)
    client = site_client(employer, manager)

    missing = client.post(
        f"/adverts/{advert.entity_id}/", {"kind": "external-badgeclass"}
    )
    not_web = client.post(
        f"/adverts/{advert.entity_id}/",
        {"kind": "external-issuer", "url": "ftp://badges.example.org/issuer"},
    )

    assert "Give the badge&#x27;s URL." in missing.content.decode()
    assert (
        not_web.content.decode().count(
            "Enter a full web address, starting http:// or https://."
        )
        == 1
    )
    with tenant_context(employer):
        assert not AcceptedBadge.objects.exists()


def test_opening_an_advert_lists_it_and_its_badges_on_the_job_board(
    employer, manager, badge, site_client
):
    advert = make_advert(employer, open_it=False, accepts=[(badge, True)])
    client = site_client(employer, manager)

    response = client.post(f"/adverts/{advert.entity_id}/status/", {"action": "open"})

    assert response.status_code == HTTPStatus.FOUND
    listing = Listing.objects.get()
    assert listing.title == "Customer Service Adviser"
    assert listing.badge_names == ["Customer Service Award"]
    assert listing.skills == ["customer care"]
    assert listing.url == f"http://acme.localhost:8000/jobs/{advert.entity_id}/"


def test_changing_an_open_advert_updates_its_listing_and_closing_removes_it(
    employer, manager, site_client
):
    advert = make_advert(employer)
    client = site_client(employer, manager)

    client.post(f"/adverts/{advert.entity_id}/edit/", advert_form(title="Team Lead"))
    assert Listing.objects.get().title == "Team Lead"

    client.post(f"/adverts/{advert.entity_id}/status/", {"action": "close"})
    assert not Listing.objects.exists()
    with tenant_context(employer):
        assert Advert.objects.get().status == Advert.Status.CLOSED


def test_an_advert_past_its_closing_date_cannot_be_opened(
    employer, manager, site_client
):
    advert = make_advert(
        employer, open_it=False, closes_on=timezone.localdate() - timedelta(days=1)
    )
    client = site_client(employer, manager)

    response = client.post(
        f"/adverts/{advert.entity_id}/status/", {"action": "open"}, follow=True
    )

    assert "The closing date has passed: change it first." in response.content.decode()
    assert not Listing.objects.exists()


def test_an_open_advert_has_a_public_page_listing_the_badges_it_accepts(
    employer, badge, site_client
):
    advert = make_advert(employer, accepts=[(badge, True)])

    response = site_client(employer).get(f"/jobs/{advert.entity_id}/")

    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Customer Service Adviser" in page
    assert "<strong>Customer Service Award</strong> — required" in page
    assert "Apply for this job" in page


def test_a_draft_advert_is_not_public(employer, site_client):
    advert = make_advert(employer, open_it=False)

    response = site_client(employer).get(f"/jobs/{advert.entity_id}/")

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_a_badge_already_accepted_is_not_added_twice(
    employer, manager, badge, site_client
):
    advert = make_advert(employer, open_it=False)
    client = site_client(employer, manager)
    url = f"/adverts/{advert.entity_id}/"
    external = {
        "kind": "external-badgeclass",
        "url": "https://badges.example.org/badges/first-aid",
        "name": "First Aid at Work",
    }
    client.post(url, {"kind": "own", "badge": badge.pk, "required": "on"})
    client.post(url, external)

    entry = RecognisedBadge.objects.get(name="Youth Work Volunteer")
    client.post(url, {"kind": "catalogue", "entry": entry.pk})
    # The programme team corrects the entry after the advert took it.
    RecognisedBadge.objects.filter(pk=entry.pk).update(
        badge_class_url="https://youth.cambridge.example/badges/volunteer"
    )

    own_again = client.post(url, {"kind": "own", "badge": badge.pk})
    external_again = client.post(
        url,
        {
            **external,
            "url": "HTTPS://Badges.Example.org/badges/first-aid/",
            "required": "on",
        },
    )
    entry_again = client.post(url, {"kind": "catalogue", "entry": entry.pk})

    assert "This advert already accepts “Customer Service Award”." in (
        own_again.content.decode()
    )
    assert "This advert already accepts “First Aid at Work”." in (
        external_again.content.decode()
    )
    assert "This advert already accepts “Youth Work Volunteer”." in (
        entry_again.content.decode()
    )
    with tenant_context(employer):
        assert advert.accepted_badges.count() == 3


def test_the_edit_form_shows_the_closing_date_a_date_input_can_read(
    employer, manager, site_client
):
    advert = make_advert(employer, closes_on=timezone.localdate() + timedelta(days=9))

    page = site_client(employer, manager).get(f"/adverts/{advert.entity_id}/edit/")

    iso = advert.closes_on.isoformat()
    assert f'type="date" name="closes_on" value="{iso}"' in page.content.decode()


def test_a_closing_date_in_the_past_is_refused(employer, manager, site_client):
    client = site_client(employer, manager)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()

    response = client.post("/adverts/new/", advert_form(closes_on=yesterday))

    assert "The closing date has passed: choose today or a later date." in (
        response.content.decode()
    )
    with tenant_context(employer):
        assert not Advert.objects.exists()


def test_an_advert_past_its_closing_date_leaves_the_employers_job_list(
    employer, site_client
):
    advert = make_advert(employer, title="Van Driver")
    client = site_client(employer)
    assert "Van Driver" in client.get("/jobs/").content.decode()

    with tenant_context(employer):
        Advert.objects.filter(pk=advert.pk).update(
            closes_on=timezone.localdate() - timedelta(days=1)
        )

    assert "Van Driver" not in client.get("/jobs/").content.decode()


def test_an_unknown_status_action_changes_nothing(employer, manager, site_client):
    advert = make_advert(employer)
    client = site_client(employer, manager)

    response = client.post(
        f"/adverts/{advert.entity_id}/status/", {"action": "archive"}, follow=True
    )

    assert "Choose to open or to close the advert." in response.content.decode()
    with tenant_context(employer):
        assert Advert.objects.get().status == Advert.Status.OPEN


def test_a_catalogue_badge_already_accepted_by_its_url_is_not_added_again(
    employer, manager, site_client
):
    advert = make_advert(employer, open_it=False)
    client = site_client(employer, manager)
    url = f"/adverts/{advert.entity_id}/"
    entry = RecognisedBadge.objects.get(name="Teamwork (21st Century Skills)")
    client.post(
        url,
        {
            "kind": "external-badgeclass",
            # The same id as the entry's, as a manager might type it.
            "url": entry.badge_class_url.replace("https://", "HTTPS://").replace(
                "example.com", "example.com:443"
            ),
            "name": "Teamwork",
        },
    )

    response = client.post(url, {"kind": "catalogue", "entry": entry.pk})

    assert "This advert already accepts “Teamwork”." in response.content.decode()
    with tenant_context(employer):
        assert advert.accepted_badges.count() == 1
