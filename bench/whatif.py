"""What-if variants: the product changes the bench suggests, tried without
changing product code.

Set ``BENCH_WHATIF`` to a comma-separated list (the bench scripts' ``--whatif``
option does it for their children too). Each item imitates one suggested
change, so its effect can be measured; none of this is product code, and a
figure measured with one is labelled with it.

Settings-level (read by bench/settings.py, so gunicorn, workers and the bench
process all get them):

  limit-set-calls   TENANT_LIMIT_SET_CALLS = True: django-tenants sets the
                    search_path once per schema switch, not before every query
  tenant-cache      the tenant of a host name is kept in process memory for
                    30 s instead of a Domain query on every request

Worker-level (patched in when the worker imports bench.tasks):

  png-cache         badges.images.png_rendition memoised per badge image
                    (the SVG is rendered to PNG once, not once per email)
  font-config       core.pdf.render_pdf reuses one WeasyPrint FontConfiguration
                    (and its Pango font map) instead of a new one per PDF
  smtp-reuse        one SMTP connection per worker process (thread), kept
                    open across emails, instead of one connection per email
  no-pdf            the award email goes without its PDF certificate (the
                    email's link to /awards/<id>/certificate.pdf remains)
"""

import functools
import os
import threading
import time

SETTINGS_LEVEL = {"limit-set-calls", "tenant-cache"}
WORKER_LEVEL = {"png-cache", "font-config", "smtp-reuse", "no-pdf"}
KNOWN = SETTINGS_LEVEL | WORKER_LEVEL


def enabled():
    items = {item.strip() for item in os.environ.get("BENCH_WHATIF", "").split(",")}
    items.discard("")
    unknown = items - KNOWN
    if unknown:
        raise ValueError(f"unknown BENCH_WHATIF item(s): {', '.join(sorted(unknown))}")
    return items


# --- settings level ---


def tenant_middleware():
    return "bench.whatif.CachedTenantMainMiddleware"


def _cached_tenant_middleware_class():
    from django_tenants.middleware.main import TenantMainMiddleware

    class CachedTenantMainMiddleware(TenantMainMiddleware):
        """TenantMainMiddleware with the host -> tenant lookup kept for 30 s.

        A product version would also drop the entry when an Employer or
        Domain is saved (suspension must take effect at once).
        """

        TTL = 30
        _cache = {}

        def get_tenant(self, domain_model, hostname):
            hit = self._cache.get(hostname)
            now = time.monotonic()
            if hit and hit[1] > now:
                return hit[0]
            tenant = super().get_tenant(domain_model, hostname)
            self._cache[hostname] = (tenant, now + self.TTL)
            return tenant

    return CachedTenantMainMiddleware


def __getattr__(name):
    # Imported lazily: settings must not import django_tenants' middleware.
    if name == "CachedTenantMainMiddleware":
        return _cached_tenant_middleware_class()
    raise AttributeError(name)


# --- worker level ---


def apply_worker_patches():
    items = enabled() & WORKER_LEVEL
    if "png-cache" in items:
        _png_cache()
    if "font-config" in items:
        _font_config()
    if "smtp-reuse" in items:
        _smtp_reuse()
    if "no-pdf" in items:
        _no_pdf()
    return items


def _png_cache():
    from django.db import connection

    from badges import images

    original = images.png_rendition

    @functools.lru_cache(maxsize=256)
    def rendition(schema, pk, name):
        from badges.models import BadgeClass

        return original(BadgeClass.objects.get(pk=pk))

    def png_rendition(badge):
        return rendition(connection.schema_name, badge.pk, badge.image.name)

    images.png_rendition = png_rendition


def _font_config():
    from django.template.loader import render_to_string
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from core import pdf

    shared = FontConfiguration()

    def render_pdf(template_name, context):
        html = render_to_string(template_name, context)
        roots = pdf.static_roots()
        base_url = roots[0].resolve().as_uri() + "/"
        document = HTML(
            string=html,
            base_url=base_url,
            url_fetcher=pdf.StaticFilesOnlyFetcher(roots),
        )
        return document.write_pdf(font_config=shared)

    pdf.render_pdf = render_pdf
    from badges import artefacts

    artefacts.render_pdf = render_pdf


def _smtp_reuse():
    from django.core.mail import get_connection
    from django.core.mail.message import EmailMessage

    local = threading.local()

    def get_reused_connection(self, fail_silently=False):
        conn = getattr(local, "connection", None)
        if conn is None or conn.connection is None:
            conn = get_connection(fail_silently=fail_silently)
            conn.open()
            local.connection = conn
        return conn

    EmailMessage.get_connection = get_reused_connection


def _no_pdf():
    from django.core.mail import EmailMultiAlternatives

    original = EmailMultiAlternatives.attach

    def attach(self, filename=None, content=None, mimetype=None):
        if mimetype == "application/pdf":
            return None
        return original(self, filename, content, mimetype)

    EmailMultiAlternatives.attach = attach
    from badges import artefacts

    artefacts.certificate_pdf = lambda award: b""
