import logging
from datetime import timedelta

from celery import shared_task
from django.utils import timezone
from django_tenants.utils import get_tenant_model

from badges import notifications, services
from badges.models import Award, BulkAward, Claim, Invitation
from core.tasks import InvalidTaskArguments, TenantTask

logger = logging.getLogger(__name__)

REMINDER_DAYS = 30


def get_or_reject(rows, pk, **filters):
    """Return the row a task argument names, or raise InvalidTaskArguments."""
    model = rows.model
    if type(pk) is not int:
        raise InvalidTaskArguments(f"{model.__name__} id must be an integer: {pk!r}")
    row = rows.filter(pk=pk, **filters).first()
    if row is None:
        raise InvalidTaskArguments(f"no {model.__name__} {pk} in this schema")
    return row


@shared_task(base=TenantTask)
def send_award_email(schema_name, award_id):
    award = get_or_reject(Award.objects.select_related("badge"), award_id)
    notifications.send_award_email(award)


@shared_task(base=TenantTask)
def send_claim_decision_email(schema_name, claim_id):
    claim = get_or_reject(Claim.objects.select_related("badge", "claimant"), claim_id)
    notifications.send_claim_decision_email(claim)


@shared_task(base=TenantTask)
def send_invitation_email(schema_name, invitation_id):
    invitation = get_or_reject(Invitation.objects.all(), invitation_id)
    notifications.send_invitation_email(invitation)


@shared_task(base=TenantTask, autoretry_for=())
def run_bulk_award(schema_name, bulk_id):
    bulk = get_or_reject(
        BulkAward.objects.all(), bulk_id, status=BulkAward.Status.QUEUED
    )
    services.run_bulk_award(bulk)


@shared_task(base=TenantTask)
def send_expiry_reminders(schema_name):
    """Remind every holder whose badge expires within 30 days, once each."""
    now = timezone.now()
    awards = Award.objects.expiring_between(
        now, now + timedelta(days=REMINDER_DAYS)
    ).filter(expiry_reminder_sent_at__isnull=True)
    for award in awards.select_related("badge"):
        notifications.send_expiry_reminder(award)


@shared_task
def queue_expiry_reminders():
    """Queue the expiry reminders of every active employer."""
    employers = get_tenant_model().objects.employers().filter(status="active")
    for schema_name in employers.values_list("schema_name", flat=True):
        send_expiry_reminders.delay(schema_name)
