import logging
from datetime import timedelta

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone
from django_tenants.utils import get_tenant_model

from badges.tasks import get_or_reject
from core.tasks import TRANSIENT_ERRORS, InvalidTaskArguments, TenantTask
from recruitment import notifications, services
from recruitment.models import Advert, Application, PresentedBadge

logger = logging.getLogger(__name__)

# A verification still pending after this long was lost (the broker was
# down when the application committed, say) and is queued again.
STALE_AFTER = timedelta(minutes=15)


@shared_task(base=TenantTask)
def send_application_received(schema_name, application_id):
    application = get_or_reject(Application.objects.all(), application_id)
    notifications.send_application_received(application)


# A badge that does not verify is a verdict, stored like any other; only the
# portal's own infrastructure failing (the database, the network) is retried.
@shared_task(base=TenantTask, autoretry_for=(*TRANSIENT_ERRORS, OperationalError))
def verify_presented_badge(schema_name, presented_id):
    """Verify one presented badge and store the verdict."""
    presented = get_or_reject(PresentedBadge.objects.all(), presented_id)
    presented = PresentedBadge.objects.select_related("application").get(
        pk=presented.pk
    )
    services.record_verification(presented)


@shared_task(base=TenantTask)
def close_advert(schema_name, entity_id):
    advert = Advert.objects.filter(entity_id=entity_id).first()
    if advert is None:
        raise InvalidTaskArguments(f"no advert {entity_id!r} in this schema")
    services.close_advert(advert)


@shared_task(base=TenantTask)
def requeue_stale_verifications(schema_name):
    stale = PresentedBadge.objects.filter(
        status=PresentedBadge.Status.PENDING,
        application__created_at__lt=timezone.now() - STALE_AFTER,
    )
    for presented_id in stale.values_list("pk", flat=True):
        verify_presented_badge.delay(schema_name, presented_id)


@shared_task
def queue_stale_verifications():
    """Queue, in every active employer's schema, the verifications lost."""
    employers = get_tenant_model().objects.employers().filter(status="active")
    for schema_name in employers.values_list("schema_name", flat=True):
        requeue_stale_verifications.delay(schema_name)
