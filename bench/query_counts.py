#!/usr/bin/env python3
"""SQL queries of the managers' list pages, with 10 and with 1,000 rows.

    .venv/bin/python bench/query_counts.py [--small 10] [--large 1000] [--sql]
        [--keep-db]

In a fresh bench database: one employer, a manager, staff members, three
badges. At each size N it makes N pending claims (by staff, through
``badges.services.submit_claim``) and N awards (``award_badge``; some with a
claim, some expired, some revoked), then, signed in as the manager with the
Django test client, GETs

  /claims/    the claim review page (pending claims)
  /awards/    the award list page (it shows the latest 500)

once to warm up and once inside CaptureQueriesContext, and prints the number
of SQL queries of each page at each size (with the rows shown and the
render time, for information). ``--sql`` prints every query.
Exits 1 if a page's count grows with the rows (it must stay flat).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402
from bench.common import say  # noqa: E402

SLUG = "bench-queries"
STAFF = 25  # claimants; claims are shared out among them
PAGES = {"claims": "/claims/", "awards": "/awards/"}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=10)
    parser.add_argument("--large", type=int, default=1000)
    parser.add_argument("--sql", action="store_true", help="print every query")
    common.add_common_arguments(parser)
    return parser.parse_args()


class Site:
    """The employer, its people and badges, and how many rows exist so far."""

    def __init__(self):
        self.employer = common.make_employer(SLUG, "Bench Queries Ltd")
        self.manager = common.add_member(
            self.employer, "manager@queries.bench.example", "manager", "Mo Manager"
        )
        self.staff = [
            common.add_member(
                self.employer, f"staff{i}@queries.bench.example", "staff", f"Staff {i}"
            )
            for i in range(STAFF)
        ]
        self.badges = [
            common.make_badge(self.employer, name, evidence_required=False)
            for name in ("Embracing Change", "Customer Care", "Safe Lifting")
        ]
        self.claims = 0
        self.awards = 0

    def grow_to(self, size):
        """Add pending claims and awards until there are ``size`` of each."""
        from django.utils import timezone
        from django_tenants.utils import tenant_context

        from badges import services
        from badges.models import Award

        with tenant_context(self.employer):
            while self.claims < size:
                i = self.claims
                services.submit_claim(
                    badge=self.badges[i % len(self.badges)],
                    claimant=self.staff[i % len(self.staff)],
                    narrative=f"Claim number {i}: what I did.",
                )
                self.claims += 1
            revoked, expired = [], []
            while self.awards < size:
                i = self.awards
                # Every fifth award comes from an approved claim (it has a
                # Claim and a recipient account), as decide_claim makes them.
                claim = None
                recipient = None
                if i % 5 == 0:
                    recipient = self.staff[i % len(self.staff)]
                    claim = services.submit_claim(
                        badge=self.badges[i % len(self.badges)],
                        claimant=recipient,
                        narrative="Approved claim.",
                    )
                    claim.status = claim.Status.APPROVED
                    claim.decided_by = self.manager
                    claim.decided_at = timezone.now()
                    claim.save()
                award = services.award_badge(
                    badge=self.badges[i % len(self.badges)],
                    recipient_name=f"Holder {i}",
                    recipient_email=f"holder{i}@recipients.bench.example",
                    recipient=recipient,
                    awarded_by=self.manager,
                    evidence_narrative="Did it well." if i % 2 else "",
                    claim=claim,
                )
                if i % 7 == 3:
                    revoked.append(award.pk)
                elif i % 7 == 5:
                    expired.append(award.pk)
                self.awards += 1
            now = timezone.now()
            Award.objects.filter(pk__in=revoked).update(
                revoked_at=now, revoked_by=self.manager, revocation_reason="Mistake."
            )
            Award.objects.filter(pk__in=expired).update(
                expires_at=now - timedelta(days=1)
            )
        common.purge_queue()  # the award emails the setup queued


def measure(site, show_sql):
    """Return {page: (queries, rows shown, ms)} for the manager's pages."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = common.site_client(site.employer, site.manager)
    results = {}
    for name, path in PAGES.items():
        response = client.get(path)  # warm-up: caches, sessions, templates
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}")
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(path)
            elapsed = 1000 * (time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}")
        rows = response.content.count(b"<tr><td><a href=")
        results[name] = (len(queries.captured_queries), rows, elapsed)
        if show_sql:
            say(f"-- {path}: {len(queries.captured_queries)} queries")
            for query in queries.captured_queries:
                say(f"   {query['sql'][:400]}")
    return results


def main():
    args = parse_args()
    os.environ["BENCH_WHATIF"] = args.whatif
    common.configure()
    if args.whatif:
        say(f"WHAT-IF {args.whatif}")
    say(f"machine: {common.machine_summary()}")
    with common.bench_database(keep=args.keep_db):
        started = time.monotonic()
        site = Site()
        by_size = {}
        for size in (args.small, args.large):
            site.grow_to(size)
            seconds = time.monotonic() - started
            say(f"{size} pending claims and {size} awards ready ({seconds:.0f} s)")
            by_size[size] = measure(site, args.sql)

    say("")
    say("SQL queries per page (a manager signed in; the rows shown, and the")
    say("render time in the test client, for information):")
    grows = []
    for name, path in PAGES.items():
        cells = []
        for size, results in by_size.items():
            queries, rows, elapsed = results[name]
            cells.append(
                f"{size:>5} rows: {queries:3d} queries ({rows} shown, {elapsed:.0f} ms)"
            )
        counts = [results[name][0] for results in by_size.values()]
        flat = counts[-1] <= counts[0]
        if not flat:
            grows.append(name)
        say(f"  {path:9} " + " | ".join(cells) + ("  flat" if flat else "  GROWS"))
    return 1 if grows else 0


if __name__ == "__main__":
    common.run(main)
