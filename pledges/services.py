"""Signing, changing and withdrawing pledges, and confirming them by email."""

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context, tenant_context
from tenant_users.tenants.models import ExistsError
from tenant_users.tenants.tasks import provision_tenant

from badges.keys import create_issuer_key
from core.emails import render_email, send_once
from core.pdf import render_pdf
from core.tasks import queue_after_commit
from pledges.models import Pledge, PledgeEvent

logger = logging.getLogger(__name__)


class SlugTaken(Exception):
    """Another employer claimed the sub-domain while this one was signing."""


def schema_name_for(slug):
    return "employer_" + slug.replace("-", "_")


def sign_pledge(*, owner, name, slug, employer_data, pledge_data):
    """Create the employer's tenant, its domain, its owner and its pledge.

    It all happens in one transaction, schema included: if any step fails,
    nothing is left behind. The confirmation email is queued after commit.
    """
    from pledges.tasks import send_pledge_confirmation

    try:
        with transaction.atomic(), schema_context(get_public_schema_name()):
            employer, domain = provision_tenant(
                name,
                slug,
                owner,
                schema_name=schema_name_for(slug),
                tenant_extra_data=employer_data,
            )
            with tenant_context(employer):
                create_issuer_key()
            pledge = Pledge.objects.create(
                employer=employer, signed_by=owner, **pledge_data
            )
            PledgeEvent.objects.create(
                pledge=pledge,
                kind=PledgeEvent.Kind.SIGNED,
                actor=owner,
                changes=pledge_data,
            )
            queue_after_commit(
                send_pledge_confirmation, pledge.pk, schema_name=employer.schema_name
            )
    except (IntegrityError, ExistsError) as error:
        logger.info("pledge for slug=%s lost a race: %s", slug, error)
        raise SlugTaken(slug) from error

    logger.info(
        "pledge signed employer=%s schema=%s domain=%s",
        employer.pk,
        employer.schema_name,
        domain.domain,
    )
    return pledge


def renew_pledge(employer, *, actor, data):
    """Sign the pledge again after a withdrawal: a new pledge, a new history."""
    from pledges.tasks import send_pledge_confirmation

    with transaction.atomic():
        if employer.pledges.active().exists():
            return employer.pledges.active().get()
        pledge = Pledge.objects.create(employer=employer, signed_by=actor, **data)
        PledgeEvent.objects.create(
            pledge=pledge, kind=PledgeEvent.Kind.SIGNED, actor=actor, changes=data
        )
        queue_after_commit(
            send_pledge_confirmation, pledge.pk, schema_name=employer.schema_name
        )
    logger.info("pledge signed again employer=%s pledge=%s", employer.pk, pledge.pk)
    return pledge


def signed_today(owner):
    """Count the employers an account has created in the last day."""
    since = timezone.now() - timezone.timedelta(days=1)
    return owner.tenants.employers().filter(owner=owner, created__gte=since).count()


def update_pledge(pledge, *, actor, data):
    """Change a pledge's commitments or statement, keeping the history."""
    with transaction.atomic():
        # Compare with the stored row: a ModelForm has already written the
        # new values onto the instance it was given.
        pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
        changes = {
            field: value
            for field, value in data.items()
            if getattr(pledge, field) != value
        }
        if not changes:
            return pledge

        for field, value in changes.items():
            setattr(pledge, field, value)
        pledge.save(update_fields=[*changes, "updated_at"])
        PledgeEvent.objects.create(
            pledge=pledge, kind=PledgeEvent.Kind.UPDATED, actor=actor, changes=changes
        )

    logger.info("pledge=%s updated fields=%s", pledge.pk, ",".join(changes))
    return pledge


def withdraw_pledge(pledge, *, actor, reason=""):
    """Take a pledge off the wall; the row and its history are kept."""
    with transaction.atomic():
        pledge = Pledge.objects.select_for_update().get(pk=pledge.pk)
        if not pledge.is_active:
            return pledge

        pledge.status = Pledge.Status.WITHDRAWN
        pledge.withdrawn_at = timezone.now()
        pledge.withdrawn_by = actor
        pledge.withdrawal_reason = reason
        pledge.save()
        PledgeEvent.objects.create(
            pledge=pledge,
            kind=PledgeEvent.Kind.WITHDRAWN,
            actor=actor,
            changes={"reason": reason},
        )

    logger.info("pledge=%s withdrawn", pledge.pk)
    return pledge


def certificate_context(pledge):
    return {
        "programme_name": settings.PROGRAMME_NAME,
        "programme_operator": settings.PROGRAMME_OPERATOR,
        "pledge": pledge,
        "employer": pledge.employer,
        "commitments": pledge.commitment_labels(),
    }


def render_certificate(pledge):
    """Return the one-page PDF certificate of a pledge."""
    return render_pdf("pledges/certificate.html", certificate_context(pledge))


def certificate_filename(pledge):
    return f"pledge-certificate-{pledge.employer.slug}.pdf"


def send_confirmation(pledge):
    """Email the pledge's signer a confirmation with its PDF certificate, once."""

    def build_message():
        context = {
            **certificate_context(pledge),
            "dashboard_url": pledge.employer.url_for("employers:dashboard"),
        }
        message = render_email(
            "pledges/emails/pledge_confirmation", context, to=[pledge.signed_by.email]
        )
        message.attach(
            certificate_filename(pledge), render_certificate(pledge), "application/pdf"
        )
        return message

    with transaction.atomic():
        sent = send_once(f"pledge-confirmation:{pledge.pk}", build_message)
        if sent:
            Pledge.objects.filter(pk=pledge.pk).update(
                confirmation_sent_at=timezone.now()
            )
    return sent


def unconfirmed_pledges(older_than, newer_than):
    """Active pledges whose confirmation has not gone out, not yet queued again.

    Each is queued again once only: a confirmation that still fails after
    that is in the failed tasks for the programme team, not in a loop.
    """
    return Pledge.objects.active().filter(
        confirmation_sent_at__isnull=True,
        confirmation_requeued_at__isnull=True,
        signed_at__lt=older_than,
        signed_at__gt=newer_than,
    )
