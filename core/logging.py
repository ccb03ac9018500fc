import logging

from celery import current_task
from django.db import connection
from django_tenants.utils import get_public_schema_name


class TenantFilter(logging.Filter):
    """Name on every log record the tenant it happened for.

    That is the connection's schema; in a Celery task, whose own lines
    (started, retried, succeeded) are logged outside the schema, it is the
    schema the task was given as its first argument.
    """

    def filter(self, record):
        schema = getattr(connection, "schema_name", None) or get_public_schema_name()
        if schema == get_public_schema_name():
            schema = task_schema() or schema
        record.schema_name = schema
        return True


def task_schema():
    task = current_task
    args = getattr(getattr(task, "request", None), "args", None) if task else None
    if args and isinstance(args[0], str) and args[0].isidentifier():
        return args[0]
    return None
