#!/usr/bin/env python3
"""What one award email costs, part by part, in one process.

    .venv/bin/python bench/email_parts.py [--repeat 30] [--whatif ITEMS]
        [--keep-db]

In a fresh bench database (one employer, one badge with the default SVG
design, and one award), times each step of ``badges.notifications.
send_award_email`` ``--repeat`` times, after one warm-up call, with no worker
and no SMTP server (the message is rendered to bytes, as the SMTP backend
would, but not sent):

  png_rendition     the badge image as PNG (cairosvg, for an SVG badge)
  bake_png          the Open Badges assertion baked into that PNG
  certificate_pdf   the PDF certificate (WeasyPrint)
  render_email      the subject, text and HTML templates
  mime              the whole message with both attachments, as bytes
  task queries      the SQL queries of one send_award_email task (run in
                    process with the locmem email backend)

Prints the median and the spread of each in ms, and each one's share of the
sum: a per-email budget, to read beside bulk_award.py's profile. It uses one
core; figures only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402
from bench.common import say  # noqa: E402

SLUG = "bench-email"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    common.add_common_arguments(parser)
    return parser.parse_args()


def timed(function, repeat):
    function()  # warm-up: imports, fonts, template loading
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append(1000 * (time.perf_counter() - started))
    return samples


def task_queries(employer, award):
    """Queries of one send_award_email task, run in this process."""
    from django.db import connection
    from django.test import override_settings
    from django.test.utils import CaptureQueriesContext

    from badges.tasks import send_award_email

    backend = "django.core.mail.backends.locmem.EmailBackend"
    with (
        override_settings(EMAIL_BACKEND=backend),
        CaptureQueriesContext(connection) as queries,
    ):
        # Called, not queued: TenantTask.__call__ picks the schema.
        send_award_email(employer.schema_name, award.pk)
    return queries.captured_queries


def main():
    args = parse_args()
    os.environ["BENCH_WHATIF"] = args.whatif
    common.configure()
    say(f"machine: {common.machine_summary()}")
    with common.bench_database(keep=args.keep_db):
        from django_tenants.utils import tenant_context

        # Importing bench.tasks applies the worker-level what-ifs, as in a worker.
        import bench.tasks  # noqa: F401
        from badges import artefacts, documents, images
        from core.emails import render_email
        from openbadges.baking import bake_png

        employer = common.make_employer(SLUG, "Bench Email Parts Ltd")
        badge = common.make_badge(employer)
        award = common.award_one(employer, badge)
        common.purge_queue()

        with tenant_context(employer):
            png = images.png_rendition(award.badge)
            assertion = artefacts.assertion_json(award)

            def email():
                context = {
                    "programme_name": "Bench",
                    "employer": employer,
                    "site_url": employer.site_url,
                    "award": award,
                    "badge": award.badge,
                    "verify_url": documents.assertion_id(award),
                    "linkedin_url": artefacts.linkedin_url(award),
                }
                return render_email("badges/emails/award", context, to=["a@b.example"])

            def mime():
                message = email()
                message.attach("badge.png", artefacts.baked_png(award), "image/png")
                pdf = artefacts.certificate_pdf(award)
                message.attach("certificate.pdf", pdf, "application/pdf")
                return message.message().as_bytes()

            parts = {
                "png_rendition": lambda: images.png_rendition(award.badge),
                "bake_png": lambda: bake_png(png, assertion),
                "certificate_pdf": lambda: artefacts.certificate_pdf(award),
                "render_email": email,
            }
            results = {name: timed(part, args.repeat) for name, part in parts.items()}
            whole = timed(mime, args.repeat)
            pdf_size = len(artefacts.certificate_pdf(award))
            png_size = len(artefacts.baked_png(award))
        queries = task_queries(employer, award)

    say("")
    title = f", WHAT-IF {args.whatif}" if args.whatif else ""
    say(f"one award email, {args.repeat} repeats, ms (median, min-max){title}:")
    total = sum(statistics.median(samples) for samples in results.values())
    for name, samples in results.items():
        median = statistics.median(samples)
        say(
            f"  {name:16} {median:7.1f}  ({min(samples):.1f}-{max(samples):.1f})  "
            f"{100 * median / total:4.0f}% of the parts"
        )
    say(
        f"  {'whole message':16} {statistics.median(whole):7.1f}  "
        f"(all of the above plus MIME encoding: PDF {pdf_size // 1024} KB, "
        f"PNG {png_size // 1024} KB)"
    )
    real = [q for q in queries if not q["sql"].startswith("SET search_path")]
    say(
        f"  task queries     {len(queries)} ({len(queries) - len(real)} of them "
        f"SET search_path)"
    )
    for query in real:
        say(f"    {query['sql'][:110]}")
    return 0


if __name__ == "__main__":
    common.run(main)
