"""The pledge confirmation email, its PDF certificate, and the task behind it."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django_tenants.utils import schema_context, tenant_context
from pypdf import PdfReader

from core.models import SentEmail, TaskFailure
from core.pdf import StaticFilesOnlyFetcher, render_pdf, static_roots
from core.tasks import InvalidTaskArguments, queue_after_commit
from pledges.models import Pledge
from pledges.services import render_certificate
from pledges.tasks import queue_unsent_confirmations, send_pledge_confirmation


def pdf_text(data):
    reader = PdfReader(io.BytesIO(data))
    return reader, " ".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def signed(make_employer, django_capture_on_commit_callbacks):
    """An employer whose pledge was signed and committed, mail delivered."""
    with django_capture_on_commit_callbacks(execute=True):
        employer = make_employer(name="Tom & Jerry's Repairs", slug="acme")
    return employer


def test_signing_sends_one_confirmation_with_text_html_and_the_certificate(signed):
    (message,) = mail.outbox
    pledge = signed.pledges.get()

    assert message.to == [signed.owner.email]
    assert message.subject == (
        "Tom & Jerry's Repairs has signed the Cambridge Region of Learning pledge"
    )
    assert "Recognise digital badges when we recruit" in message.body
    assert "http://acme.localhost:8000/" in message.body
    html, kind = message.alternatives[0]
    assert kind == "text/html"
    assert "<li>Create in-house badges for our staff</li>" in html
    assert "Tom &amp; Jerry&#x27;s Repairs" in html
    assert "Tom & Jerry's Repairs" in message.body
    ((name, content, mimetype),) = message.attachments
    assert (name, mimetype) == ("pledge-certificate-acme.pdf", "application/pdf")
    reader, text = pdf_text(content)
    assert len(reader.pages) == 1
    assert "Tom & Jerry's Repairs" in text
    assert "Recognise digital badges when we recruit" in text
    assert f"{pledge.signed_at:%-d %B %Y}" in text
    assert "CAMBRIDGE REGION OF LEARNING" in text  # set in capitals by the CSS
    assert pledge.confirmation_sent_at is not None


def test_the_confirmation_is_sent_once_however_often_the_task_runs(signed):
    pledge = signed.pledges.get()

    send_pledge_confirmation.delay(signed.schema_name, pledge.pk)
    send_pledge_confirmation.delay(signed.schema_name, pledge.pk)

    assert len(mail.outbox) == 1
    with tenant_context(signed):
        assert SentEmail.objects.get().key == f"pledge-confirmation:{pledge.pk}"


def test_a_task_queued_in_a_tenant_context_runs_there_after_it_closes(
    employer, django_capture_on_commit_callbacks
):
    pledge = employer.pledges.get()

    with django_capture_on_commit_callbacks(execute=True):
        with tenant_context(employer):
            queue_after_commit(send_pledge_confirmation, pledge.pk)
        # The tenant context has closed before the transaction commits.
        assert connection.schema_name == "public"

    assert len(mail.outbox) == 1
    with tenant_context(employer):
        assert SentEmail.objects.filter(sent_at__isnull=False).count() == 1
    with schema_context("public"):
        assert not SentEmail.objects.exists()


def test_a_task_for_another_employers_pledge_sends_nothing(employer, other_employer):
    pledge = employer.pledges.get()

    result = send_pledge_confirmation.apply(
        (other_employer.schema_name, pledge.pk), throw=False
    )

    assert isinstance(result.result, InvalidTaskArguments)
    assert mail.outbox == []
    failure = TaskFailure.objects.get()
    assert failure.task_name == "pledges.tasks.send_pledge_confirmation"
    assert failure.schema_name == other_employer.schema_name


@pytest.mark.parametrize(
    ("schema_name", "pledge_id"),
    [("no_such_schema", 1), (None, 1), ("public", "1; DROP TABLE"), ("public", 99)],
)
def test_bad_task_arguments_are_recorded_not_retried(
    public_site, schema_name, pledge_id
):
    result = send_pledge_confirmation.apply((schema_name, pledge_id), throw=False)

    assert isinstance(result.result, InvalidTaskArguments)
    assert result.failed()
    assert TaskFailure.objects.count() == 1
    assert mail.outbox == []


def test_unsent_confirmations_are_queued_again(employer):
    # The test's transaction never commits, so the confirmation never went.
    pledge = employer.pledges.get()
    assert pledge.confirmation_sent_at is None

    signed_at = pledge.signed_at
    Pledge.objects.filter(pk=pledge.pk).update(signed_at=signed_at - timedelta(days=8))
    queue_unsent_confirmations()
    assert mail.outbox == []  # a week old: left to the programme team

    Pledge.objects.filter(pk=pledge.pk).update(
        signed_at=signed_at - timedelta(minutes=30)
    )
    queue_unsent_confirmations()

    assert len(mail.outbox) == 1
    pledge.refresh_from_db()
    assert pledge.confirmation_sent_at is not None


def test_markup_in_an_employer_name_is_printed_as_text(make_employer):
    employer = make_employer(name='<img src="file:///etc/passwd"> Ltd', slug="img-ltd")

    reader, text = pdf_text(render_certificate(employer.pledges.get()))

    assert '<img src="file:///etc/passwd"> Ltd' in text
    assert "root:" not in text
    assert not list(reader.pages[0].images)


def test_a_long_name_and_statement_still_fit_on_one_page(make_employer):
    employer = make_employer(name="W" * 120, public_statement="A long statement. " * 55)

    reader, _ = pdf_text(render_certificate(employer.pledges.get()))

    assert len(reader.pages) == 1


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:6379/",
        "https://example.org/logo.png",
        "data:image/png;base64,iVBORw0KGgo=",
        "STATIC/../config/settings/base.py",
        "STATIC/%2e%2e/config/settings/base.py",
    ],
)
def test_pdfs_load_nothing_outside_the_static_files(url):
    url = url.replace("STATIC", static_roots()[0].resolve().as_uri())
    assert not StaticFilesOnlyFetcher(static_roots()).is_allowed(url)


def test_pdfs_may_load_the_static_files():
    stylesheet = static_roots()[0].resolve() / "css" / "certificate.css"

    assert StaticFilesOnlyFetcher(static_roots()).is_allowed(stylesheet.as_uri())


def test_a_template_that_asks_for_a_file_gets_no_image(tmp_path, settings):
    (tmp_path / "leak.html").write_text(
        '<p>before</p><img src="file:///etc/passwd"><img src="http://127.0.0.1:1/x">'
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]

    reader, text = pdf_text(render_pdf("leak.html", {}))

    assert "before" in text
    assert not list(reader.pages[0].images)
