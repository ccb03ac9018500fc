"""In a real Chromium: an applicant uploads a baked badge, a manager sees it.

The verification task really fetches the employer's Open Badges documents
over HTTP from the live server, through ``SafeFetcher`` with loopback
allowed, as a test setting permits.
"""

import os
import socket

import pytest

from tests.test_browser import CHROMIUM, browser_page, sign_in  # noqa: F401
from tests.test_recruitment_helpers import award_png, make_advert

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="Chromium is not installed"
    ),
]


@pytest.fixture
def localhost_names(monkeypatch, settings):
    """Resolve *.localhost to loopback, as browsers do (RFC 6761)."""
    settings.BADGE_FETCH_ALLOW_LOOPBACK = True
    resolve = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if isinstance(host, str) and host.endswith(".localhost"):
            host = "127.0.0.1"
        return resolve(host, *args, **kwargs)

    monkeypatch.setattr("openbadges.fetch.socket.getaddrinfo", getaddrinfo)


def test_an_applicant_uploads_a_baked_badge_and_the_manager_sees_it_matched(
    browser_page,  # noqa: F811
    localhost_names,
    make_employer,
    make_badge,
    add_member,
    tmp_path,
):
    page, portal = browser_page
    employer = make_employer(name="Acme Repairs", slug="acme")
    badge = make_badge(employer, name="Customer Service Award")
    manager = add_member(employer, role="manager", email="mo@acme.example")
    advert = make_advert(employer, accepts=[(badge, True)])
    baked = tmp_path / "customer-service.png"
    baked.write_bytes(award_png(employer, badge, "ava@example.org"))
    site = portal.replace("localhost", "acme.localhost")

    page.goto(f"{site}/jobs/{advert.entity_id}/")
    page.get_by_role("link", name="Apply for this job").click()
    page.fill("#id_name", "Ava Applicant")
    page.fill("#id_email", "ava@example.org")
    page.fill("#id_message", "I love helping people.")
    page.set_input_files("#id_badge_files", str(baked))
    page.get_by_role("button", name="Send my application").click()
    page.wait_for_url(f"{site}/applications/**")
    results = page.locator("#badge-results")
    results.get_by_text("Verified", exact=True).wait_for()
    assert "Customer Service Award — Acme Repairs" in results.inner_text()

    sign_in(page, site, manager.email)
    page.goto(f"{site}/adverts/{advert.entity_id}/applications/")
    row = page.get_by_role("row", name="Ava Applicant")
    assert "held" in row.inner_text()
    row.get_by_role("link", name="Ava Applicant").click()
    assert "Holds every required badge." in page.inner_text("main")
    assert "Verified" in page.inner_text("main")
