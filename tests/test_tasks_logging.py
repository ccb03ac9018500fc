"""Log lines name the tenant they are about."""

import logging

from django_tenants.utils import tenant_context

from core.logging import TenantFilter


def record():
    return logging.LogRecord("t", logging.INFO, __file__, 1, "message", (), None)


def test_a_line_logged_in_a_tenant_names_it(employer):
    line = record()
    with tenant_context(employer):
        TenantFilter().filter(line)

    assert line.schema_name == "employer_acme"
