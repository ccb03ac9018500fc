"""The pledge confirmation, sent by a real Celery worker through real SMTP."""

import re
import time

import pytest
from django.db import transaction
from django_tenants.utils import schema_context, tenant_context

from core.models import SentEmail
from core.tasks import queue_after_commit
from pledges.models import Pledge
from pledges.tasks import send_pledge_confirmation

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def attachment_names(message):
    return [part.get_filename() for part in message.iter_attachments()]


def test_the_worker_sends_the_confirmation_with_its_certificate(
    celery_worker, smtp_server, make_employer
):
    employer = make_employer(name="Acme Repairs", slug="acme")

    (message,) = smtp_server.wait_for(1)

    assert message["To"] == employer.owner.email
    assert message["Subject"] == (
        "Acme Repairs has signed the Cambridge Region of Learning pledge"
    )
    assert message.get_body(("plain",)) is not None
    assert message.get_body(("html",)) is not None
    assert attachment_names(message) == ["pledge-certificate-acme.pdf"]
    pdf = next(message.iter_attachments()).get_content()
    assert pdf.startswith(b"%PDF-")
    pledge = wait_for_confirmation(employer)
    assert pledge.confirmation_sent_at is not None
    # Celery's own line for the task names the employer it worked for.
    assert re.search(
        r"tenant=employer_acme .*Task pledges\.tasks\.send_pledge_confirmation\[\S+\] "
        r"succeeded",
        celery_worker.read_text(),
    )


def test_a_refused_message_is_retried_until_it_goes(
    celery_worker, smtp_server, make_employer
):
    smtp_server.reset(fail_first=2)

    employer = make_employer()

    (message,) = smtp_server.wait_for(1, timeout=90)
    assert smtp_server.handler.refused == 2
    assert message["To"] == employer.owner.email


def test_a_task_delivered_twice_sends_one_email(
    celery_worker, smtp_server, make_employer
):
    runs_before = succeeded(celery_worker, "send_pledge_confirmation")
    employer = make_employer()
    smtp_server.wait_for(1)
    pledge = wait_for_confirmation(employer)

    send_pledge_confirmation.delay(employer.schema_name, pledge.pk)
    send_pledge_confirmation.delay(employer.schema_name, pledge.pk)
    with schema_context("public"), transaction.atomic():
        Pledge.objects.filter(pk=pledge.pk).update(confirmation_sent_at=None)
        send_pledge_confirmation.delay(employer.schema_name, pledge.pk)
    wait_until(
        lambda: succeeded(celery_worker, "send_pledge_confirmation") == runs_before + 4
    )

    assert len(smtp_server.handler.saved) == 1
    with tenant_context(employer):
        assert SentEmail.objects.count() == 1


def test_a_task_queued_in_a_closed_tenant_context_runs_in_that_schema(
    celery_worker, smtp_server, make_employer
):
    employer = make_employer()
    smtp_server.wait_for(1)
    wait_for_confirmation(employer)
    with tenant_context(employer):
        SentEmail.objects.all().delete()
    smtp_server.reset()

    with transaction.atomic(), tenant_context(employer):
        queue_after_commit(send_pledge_confirmation, employer.pledges.get().pk)
    (message,) = smtp_server.wait_for(1)

    assert message["To"] == employer.owner.email
    with tenant_context(employer):
        # The worker commits its ledger row just after the SMTP server says yes.
        wait_until(lambda: SentEmail.objects.filter(sent_at__isnull=False).exists())
        assert SentEmail.objects.count() == 1
    with schema_context("public"):
        assert not SentEmail.objects.exists()


def succeeded(log, task, app="pledges"):
    """Count the runs of a task that the worker's log reports as done."""
    pattern = rf"Task {app}\.tasks\.{task}\[[0-9a-f-]+\] succeeded in"
    return len(re.findall(pattern, log.read_text()))


def wait_until(condition, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise TimeoutError("the worker never got there")


def wait_for_confirmation(employer):
    """Wait for the worker's transaction to stamp the pledge as confirmed."""
    wait_until(lambda: employer.pledges.get().confirmation_sent_at is not None)
    return employer.pledges.get()


def test_the_worker_sends_the_award_email_with_both_attachments_once(
    celery_worker, smtp_server, make_employer, make_badge
):
    from badges import services
    from badges.tasks import send_award_email

    employer = make_employer(name="Acme Repairs", slug="acme")
    smtp_server.wait_for(1)
    badge = make_badge(employer, name="Net Zero Champion")
    smtp_server.reset()
    runs_before = succeeded(celery_worker, "send_award_email", app="badges")

    with tenant_context(employer):
        award = services.award_badge(
            badge=badge,
            recipient_name="Sam Staff",
            recipient_email="sam@acme.example",
            awarded_by=employer.owner,
        )
    send_award_email.delay(employer.schema_name, award.pk)

    (message,) = smtp_server.wait_for(1)
    wait_until(
        lambda: (
            succeeded(celery_worker, "send_award_email", app="badges")
            == runs_before + 2
        )
    )
    assert len(smtp_server.handler.saved) == 1
    assert message["To"] == "sam@acme.example"
    assert attachment_names(message) == [
        "net-zero-champion.png",
        "net-zero-champion.pdf",
    ]
    assert f"http://acme.localhost:8000/awards/{award.entity_id}" in (
        message.get_body(("plain",)).get_content()
    )
