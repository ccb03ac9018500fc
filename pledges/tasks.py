import logging
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from core.tasks import InvalidTaskArguments, TenantTask
from pledges import services
from pledges.models import Pledge

logger = logging.getLogger(__name__)


@shared_task(base=TenantTask)
def send_pledge_confirmation(schema_name, pledge_id):
    """Send a pledge's confirmation email, in the schema of its employer."""
    if type(pledge_id) is not int:
        raise InvalidTaskArguments(f"pledge id must be an integer: {pledge_id!r}")

    pledge = (
        Pledge.objects.select_related("employer", "signed_by")
        .filter(pk=pledge_id, employer__schema_name=schema_name)
        .first()
    )
    if pledge is None:
        raise InvalidTaskArguments(f"no pledge {pledge_id} for schema {schema_name}")

    services.send_confirmation(pledge)


@shared_task
def queue_unsent_confirmations():
    """Queue again the confirmations that never went out (broker down, say)."""
    now = timezone.now()
    pledges = services.unconfirmed_pledges(
        older_than=now - timedelta(minutes=10), newer_than=now - timedelta(days=7)
    ).select_related("employer")

    for pledge in pledges:
        logger.warning("confirmation of pledge=%s not sent; queueing again", pledge.pk)
        Pledge.objects.filter(pk=pledge.pk).update(confirmation_requeued_at=now)
        send_pledge_confirmation.delay(pledge.employer.schema_name, pledge.pk)
