"""The whole pledge journey in a real Chromium, as an employer meets it."""

import os
import re
import shutil

import pytest
from django.core import mail

from employers.models import Employer

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="Chromium is not installed"
    ),
]


@pytest.fixture
def browser_page(live_server, settings, public_site, tmp_path):
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the test's own
    # database calls are plain synchronous ones.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    port = int(live_server.url.rsplit(":", 1)[1])
    settings.PORTAL_PORT = port
    settings.PORTAL_URL = f"http://localhost:{port}"

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = browser.new_page()
        page.set_default_timeout(15_000)
        yield page, f"http://localhost:{port}"
        page.screenshot(path=tmp_path / "last-page.png", full_page=True)
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


def test_an_employer_signs_up_signs_the_pledge_and_lands_on_its_own_site(
    browser_page,
):
    page, portal = browser_page

    page.goto(portal + "/")
    assert "0 employers have signed" in page.inner_text("main")
    page.get_by_role("link", name="Sign the pledge").last.click()
    page.get_by_role("link", name="Create an account").click()
    page.fill("#id_full_name", "Jo Rider")
    page.fill("#id_email", "jo@chestertoncycles.example")
    page.fill("#id_password1", "correct-horse-battery")
    page.fill("#id_password2", "correct-horse-battery")
    page.get_by_role("button", name="Create account").click()
    assert "Verify Your Email Address" in page.inner_text("main")

    (verification,) = mail.outbox
    link = re.search(r"http://\S+/accounts/confirm-email/\S+/", verification.body)
    page.goto(link.group())
    page.get_by_role("button", name="Confirm").click()

    # Confirming signs the person in and takes them on to the pledge form.
    page.wait_for_url(portal + "/sign/")
    page.fill("#id_name", "Chesterton Cycles")
    assert page.input_value("#id_slug") == "chesterton-cycles"
    page.select_option("#id_sector", "hospitality")
    page.select_option("#id_size_band", "1-9")
    page.select_option("#id_district", "cambridge")
    page.fill("#id_postcode", "cb4 1aa")
    page.check("#id_recognise_in_recruitment")
    page.check("#id_mark_job_adverts")
    page.fill("#id_public_statement", "Skills over certificates.")
    page.get_by_role("button", name="Sign the pledge").click()

    page.wait_for_url(re.compile(r"^http://chesterton-cycles\.localhost:\d+/$"))
    dashboard = page.inner_text("main")
    assert "Chesterton Cycles" in dashboard
    assert "Recognise digital badges when we recruit" in dashboard
    assert "CB4 1AA" in dashboard
    assert Employer.objects.get(slug="chesterton-cycles").owner.email == (
        "jo@chestertoncycles.example"
    )
    confirmation = mail.outbox[-1]
    assert confirmation.subject == (
        "Chesterton Cycles has signed the Cambridge Region of Learning pledge"
    )
    assert confirmation.attachments[0][0] == "pledge-certificate-chesterton-cycles.pdf"

    page.goto(portal + "/wall/")
    assert "Skills over certificates." in page.inner_text("main")


def test_a_mistake_in_the_pledge_form_is_explained_and_what_was_typed_kept(
    browser_page, make_user
):
    page, portal = browser_page
    make_user(email="kim@bakery.example", password="correct-horse-battery")

    page.goto(portal + "/accounts/login/")
    page.fill("#id_login", "kim@bakery.example")
    page.fill("#id_password", "correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
    page.goto(portal + "/sign/")
    page.fill("#id_name", "Kim's Bakery")
    page.fill("#id_slug", "admin")
    page.fill("#id_contact_name", "Kim Baker")
    page.select_option("#id_district", "fenland")
    page.fill("#id_public_statement", "Fresh bread, fresh skills.")
    page.get_by_role("button", name="Sign the pledge").click()

    main = page.inner_text("main")
    assert "“admin” is reserved by the portal; choose another address." in main
    assert "Choose at least one commitment" in main
    assert page.input_value("#id_name") == "Kim's Bakery"
    assert page.input_value("#id_public_statement") == "Fresh bread, fresh skills."
    assert page.input_value("#id_district") == "fenland"
    assert "what you typed has been kept" in main
    assert not Employer.objects.filter(name="Kim's Bakery").exists()


def test_a_staff_member_claims_a_badge_and_a_manager_approves_it(
    browser_page, make_employer, make_badge, add_member, tmp_path
):
    page, portal = browser_page
    employer = make_employer(name="Acme Repairs", slug="acme")
    make_badge(employer, name="Net Zero Champion")
    staff = add_member(employer, full_name="Sam Staff", email="sam@acme.example")
    manager = add_member(employer, role="manager", email="mo@acme.example")
    site = portal.replace("localhost", "acme.localhost")
    evidence = tmp_path / "meter-readings.pdf"
    evidence.write_bytes(b"%PDF-1.4\n%%EOF\n")

    sign_in(page, site, staff.email)
    page.goto(site + "/badges/")
    page.get_by_role("link", name="Net Zero Champion").click()
    page.get_by_role("link", name="Claim this badge").click()
    page.fill("#id_narrative", "Switched the depot to LED lighting.")
    page.fill("#id_evidence_url", "https://example.org/led")
    page.set_input_files("#id_evidence_file", str(evidence))
    page.get_by_role("button", name="Send my claim").click()
    assert "Your claim has been sent" in page.inner_text("main")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, site, manager.email)
    page.goto(site + "/claims/")
    page.get_by_role("link", name="Net Zero Champion").click()
    assert "Switched the depot to LED lighting." in page.inner_text("main")
    page.get_by_label("Approve and award").check()
    page.get_by_role("button", name="Send the decision").click()
    assert "Your decision has been sent" in page.inner_text("main")

    award_email = mail.outbox[-1]
    assert award_email.to == ["sam@acme.example"]
    link = re.search(r"http://\S+/awards/[0-9a-f-]+", award_email.body).group()
    page.goto(link)
    assert "Valid badge" in page.inner_text("main")
    assert "Sam Staff" in page.inner_text("main")


def sign_in(page, site, email):
    page.goto(site + "/accounts/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", "correct-horse-battery")
    page.get_by_role("button", name="Sign in").click()
