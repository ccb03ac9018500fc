"""Celery plumbing: tasks that run in a named schema, and queueing them.

Every task that touches an employer's data takes that employer's schema name
as its first argument. ``queue_after_commit`` reads the schema when the task
is queued, not when the transaction commits, so a task queued inside a tenant
context still runs there even if the context has closed before the commit.
"""

import logging
import smtplib
import socket

from celery import Task, shared_task
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django_tenants.utils import (
    get_public_schema_name,
    get_tenant_model,
    schema_context,
    tenant_context,
)

logger = logging.getLogger(__name__)

# Failures worth another try: the SMTP server or the network said no for now.
# Other errors (a missing file, a bug) fail at once and are recorded.
TRANSIENT_ERRORS = (
    smtplib.SMTPException,
    ConnectionError,
    TimeoutError,
    socket.gaierror,
)


class InvalidTaskArguments(ValueError):
    """A task was given arguments it can never succeed with; not retried."""


class TenantTask(Task):
    """A task whose first argument names the schema it runs in.

    Tasks built on it are retried with backoff on transient errors and, once
    their retries are spent or their arguments are invalid, recorded as a
    TaskFailure for the programme team rather than dropped.
    """

    autoretry_for = TRANSIENT_ERRORS
    retry_backoff = 5
    retry_backoff_max = 600
    retry_jitter = True
    max_retries = 8

    def __call__(self, schema_name, *args, **kwargs):
        tenant = find_tenant(schema_name)
        with tenant_context(tenant):
            return super().__call__(schema_name, *args, **kwargs)

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        record_failure(self.name, task_id, args, exc)


def find_tenant(schema_name):
    """Return the tenant named by a task argument, or raise InvalidTaskArguments."""
    if not isinstance(schema_name, str) or not schema_name:
        raise InvalidTaskArguments(f"schema name must be a string: {schema_name!r}")

    with schema_context(get_public_schema_name()):
        try:
            return get_tenant_model().objects.get(schema_name=schema_name)
        except get_tenant_model().DoesNotExist:
            raise InvalidTaskArguments(
                f"no tenant has schema {schema_name!r}"
            ) from None


def record_failure(task_name, task_id, args, exc):
    """Write a failed task down in the public schema and log it."""
    from core.models import TaskFailure

    schema_name = args[0] if args and isinstance(args[0], str) else ""
    logger.error(
        "task=%s id=%s schema=%s failed for good: %r",
        task_name,
        task_id,
        schema_name,
        exc,
    )
    with schema_context(get_public_schema_name()):
        TaskFailure.objects.create(
            task_name=task_name,
            task_id=task_id or "",
            schema_name=schema_name[:63],
            arguments=[repr(arg)[:200] for arg in args],
            error=repr(exc)[:2000],
        )


def queue_after_commit(task, *args, schema_name=None):
    """Queue ``task`` once the transaction commits, for a schema fixed now.

    The schema is the current one unless ``schema_name`` is given. A broker
    that cannot be reached is logged, not raised: the user's change is
    already committed, and the scheduled sweeps queue the work again.
    """
    schema_name = schema_name or connection.schema_name

    def send():
        try:
            task.delay(schema_name, *args)
        except Exception:
            logger.exception(
                "task=%s schema=%s could not be queued", task.name, schema_name
            )

    transaction.on_commit(send)


@shared_task(base=TenantTask)
def send_email_message(schema_name, message):
    """Send an email rendered elsewhere (allauth's account emails)."""
    if not isinstance(message, dict) or not message.get("to"):
        raise InvalidTaskArguments("message must be a dict with recipients")

    email = EmailMultiAlternatives(
        subject=message["subject"],
        body=message["body"],
        from_email=message.get("from_email"),
        to=message["to"],
    )
    if message.get("html"):
        email.attach_alternative(message["html"], "text/html")
    email.send()
    logger.info("account email sent to=%s", ",".join(message["to"]))
