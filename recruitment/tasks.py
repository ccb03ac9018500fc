import logging
from datetime import timedelta

from celery import shared_task
from django.core.cache import cache
from django.db import OperationalError
from django.utils import timezone
from django_tenants.utils import get_tenant_model, tenant_context

from badges.tasks import get_or_reject
from core.models import SentEmail
from core.tasks import (
    TRANSIENT_ERRORS,
    InvalidTaskArguments,
    TenantTask,
    find_tenant,
)
from recruitment import notifications, services
from recruitment.models import Advert, Application, PresentedBadge

logger = logging.getLogger(__name__)

# A verification still pending, or an acknowledgement unsent, after this long
# was lost (the broker was down when the application committed, say) and is
# queued again; acknowledgements only within a day of the application.
STALE_AFTER = timedelta(minutes=15)
ACKNOWLEDGE_WITHIN = timedelta(days=1)
REQUEUE_MARK_SECONDS = 30 * 24 * 60 * 60


@shared_task(base=TenantTask)
def send_application_received(schema_name, application_id):
    application = get_or_reject(
        Application.objects.select_related("advert"), application_id
    )
    notifications.send_application_received(application)


@shared_task(base=TenantTask)
def send_application_status(schema_name, application_id, status, changed_at):
    """Tell an applicant they were shortlisted or not taken forward.

    ``changed_at`` names the change: a later change sends its own email, and
    one already overtaken by another sends none.
    """
    application = get_or_reject(
        Application.objects.select_related("advert"), application_id
    )
    if application.status != status or (
        application.status_changed_at.isoformat() != changed_at
    ):
        logger.info("application=%s changed again; no email", application.pk)
        return
    notifications.send_application_status(application)


class VerificationTask(TenantTask):
    """A verification that fails for good still ends with a verdict.

    Otherwise the badge would show "Checking…" for ever and the sweep would
    queue it again every quarter of an hour.
    """

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        super().on_failure(exc, task_id, args, kwargs, einfo)
        schema_name, presented_id = (list(args) + [None, None])[:2]
        try:
            tenant = find_tenant(schema_name)
        except InvalidTaskArguments:
            return
        with tenant_context(tenant):
            if isinstance(presented_id, int):
                services.record_failed_check(presented_id)


# A badge that does not verify is a verdict, stored like any other; only the
# portal's own infrastructure failing (the database, the network) is retried.
@shared_task(base=VerificationTask, autoretry_for=(*TRANSIENT_ERRORS, OperationalError))
def verify_presented_badge(schema_name, presented_id):
    """Verify one presented badge and store the verdict."""
    presented = get_or_reject(
        PresentedBadge.objects.select_related("application"), presented_id
    )
    services.record_verification(presented)


@shared_task(base=TenantTask)
def close_advert(schema_name, entity_id):
    advert = Advert.objects.filter(entity_id=entity_id).first()
    if advert is None:
        raise InvalidTaskArguments(f"no advert {entity_id!r} in this schema")
    services.close_advert(advert)


@shared_task(base=TenantTask)
def requeue_lost_work(schema_name):
    """Queue again, in one schema, what a lost message left undone.

    A verification still pending, an acknowledgement or a status email never
    sent, a quarter of an hour after the fact: the broker was down when it
    committed, or a worker died holding the task. Each is queued again once
    (a task that then fails for good is recorded as failed, and retrying it
    every quarter of an hour would only repeat that). Emails older than
    ``ACKNOWLEDGE_WITHIN`` are left alone; by then they would only confuse.
    """
    stale = timezone.now() - STALE_AFTER
    recent = timezone.now() - ACKNOWLEDGE_WITHIN

    pending = PresentedBadge.objects.filter(
        status=PresentedBadge.Status.PENDING, application__created_at__lt=stale
    ).values_list("pk", "checked_at")
    for presented_id, checked_at in pending:
        # A check run again has the time of the verdict it replaces.
        key = f"verification:{presented_id}:{checked_at}"
        if requeue_once(key, verify_presented_badge, schema_name, presented_id):
            logger.warning("presented badge=%s check queued again", presented_id)

    sent = set(
        SentEmail.objects.filter(
            key__startswith="application-", sent_at__isnull=False
        ).values_list("key", flat=True)
    )
    received = Application.objects.filter(
        created_at__lt=stale, created_at__gte=recent
    ).values_list("pk", "created_at")
    for application_id, created_at in received:
        key = notifications.received_email_key(application_id)
        mark = f"{key}:{created_at.isoformat()}"
        if key not in sent and requeue_once(
            mark, send_application_received, schema_name, application_id
        ):
            logger.warning(
                "application=%s acknowledgement queued again", application_id
            )

    decided = Application.objects.filter(
        status__in=[Application.Status.SHORTLISTED, Application.Status.REJECTED],
        status_changed_at__lt=stale,
        status_changed_at__gte=recent,
    )
    for application in decided:
        key = notifications.status_email_key(application)
        if key not in sent and requeue_once(
            key,
            send_application_status,
            schema_name,
            application.pk,
            application.status,
            application.status_changed_at.isoformat(),
        ):
            logger.warning("application=%s status email queued again", application.pk)


def requeue_once(key, task, *args):
    """Queue ``task`` again unless the sweep already did for ``key``.

    The marks are kept a month in the default cache, whose keys carry the
    schema name: one employer's marks never stand for another's. A mark
    whose task could not be queued is taken back, for the next sweep.
    """
    mark = f"recruitment:requeued:{key}"
    if not cache.add(mark, 1, timeout=REQUEUE_MARK_SECONDS):
        return False
    try:
        task.delay(*args)
    except Exception:
        cache.delete(mark)
        raise
    return True


@shared_task
def queue_lost_work():
    """Queue, in every active employer's schema, the recruitment work lost."""
    employers = get_tenant_model().objects.employers().filter(status="active")
    for schema_name in employers.values_list("schema_name", flat=True):
        requeue_lost_work.delay(schema_name)
