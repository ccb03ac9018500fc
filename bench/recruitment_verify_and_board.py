#!/usr/bin/env python3
"""Verifying a presented badge, and the job board, against bare baselines.

    .venv/bin/python bench/recruitment_verify_and_board.py [--verifications 30]
        [--duration 10] [--rounds 3] [--connections 4] [--workers 2] [--keep-db]

One run, one gunicorn server (``bench.recruitment_settings``) on 127.0.0.1:

1. Verification. An employer, a badge and an award of it, baked into a PNG;
   the documents it links to (assertion, BadgeClass, issuer) are served by
   the gunicorn server. Timed side by side, alternating, ``--verifications``
   times each: (a) the bare HTTP fetches of those same documents with
   ``SafeFetcher`` (loopback allowed), one after another; (b) the whole
   verification path of an application's presented badge,
   ``recruitment.services.record_verification`` (unbake, fetch, verify,
   store the verdict). Prints the medians and (b)/(a); target <= 2.
2. The job board. 2,000 listings in the public index over 40 employers;
   wrk against (c) ``/bench/bare``, (d) ``/jobs/`` (the first page), (e)
   ``/jobs/?skill=teamwork&district=cambridge`` and (f) ``/jobs/?page=N``
   with a new N on every request, past the last page, so every request
   renders the last page afresh: the board's cache misses every time. All on
   the public host, anonymous, in rotating rounds. Prints req/s and each
   ratio to (c); target >= 0.4. (d) and (e) are what repeat visitors get, a
   page from the board's cache; (f) is the board's cost without it.

``*.localhost`` names resolve to 127.0.0.1 in this process (as browsers
resolve them, RFC 6761): the award's documents live at
``http://bench-verify.localhost:<port>/``. Figures only; nothing asserts.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common  # noqa: E402
from bench.common import say  # noqa: E402
from bench.http_throughput import get, run_wrk  # noqa: E402

SLUG = "bench-verify"
LISTINGS = 2000
EMPLOYERS = 40
VERIFY_TARGET = 2.0
BOARD_TARGET = 0.4


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verifications", type=int, default=30)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep-db", action="store_true")
    return parser.parse_args()


def resolve_localhost_names():
    resolve = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if isinstance(host, str) and host.endswith(".localhost"):
            host = "127.0.0.1"
        return resolve(host, *args, **kwargs)

    socket.getaddrinfo = getaddrinfo


def set_up_verification():
    """An award baked into a PNG, presented in an application to an advert."""
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from badges import artefacts, services
    from recruitment import services as recruitment
    from recruitment.models import AcceptedBadge, Advert, Application, PresentedBadge

    employer = common.make_employer(SLUG, "Bench Verify Ltd")
    badge = common.make_badge(employer)
    with tenant_context(employer):
        award = services.award_badge(
            badge=badge,
            recipient_name="Ava Applicant",
            recipient_email="ava@applicants.bench.example",
            awarded_by=employer.owner,
        )
        png = artefacts.baked_png(award)
        advert = Advert.objects.create(
            title="Bench job",
            description="x",
            location="Cambridge",
            hours="Full time",
            closes_on=timezone.localdate() + timedelta(days=30),
        )
        recruitment.accept_badge(
            advert, kind=AcceptedBadge.Kind.OWN, required=True, badge=badge
        )
        application = Application.objects.create(
            advert=advert, name="Ava", email=award.recipient_email, message="x"
        )
        presented = PresentedBadge(application=application, kind="file")
        from django.core.files.base import ContentFile

        presented.file.save("badge.png", ContentFile(png), save=True)
    return employer, presented.pk


def set_up_board(owner_employer):
    """2,000 listings over 40 employers (rows in the index only)."""
    from django.utils import timezone

    from jobboard.models import Listing

    employers = [owner_employer]
    for number in range(EMPLOYERS - 1):
        # A listing needs an Employer row with an active pledge; signing one
        # migrates a schema too (about a second each).
        employer = common.make_employer(f"bench-board-{number}")
        employer.district = ["cambridge", "fenland"][number % 2]
        employer.save(update_fields=["district"])
        employers.append(employer)
    today = timezone.localdate()
    skills = ["teamwork", "customer care", "driving", "python", "first aid"]
    Listing.objects.bulk_create(
        Listing(
            employer=employers[number % EMPLOYERS],
            advert_entity_id=uuid.uuid4(),
            title=f"Bench job {number}",
            location="Cambridge",
            hours="Full time",
            salary="£25,000",
            closes_on=today + timedelta(days=1 + number % 60),
            badge_names=["Embracing Change Award", "Youth Work Volunteer"],
            skills=[skills[number % 5], skills[(number + 2) % 5]],
            url=f"http://bench-board.localhost/jobs/{number}/",
        )
        for number in range(LISTINGS)
    )


def wait_for_server(port, process, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            if get(port, "localhost", "/bench/bare", "application/json")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise TimeoutError("gunicorn did not answer in time")


class RecordingFetcher:
    def __init__(self, fetch):
        self.fetch = fetch
        self.urls = []

    def __call__(self, url):
        self.urls.append(url)
        return self.fetch(url)


def measure_verification(employer, presented_id, count):
    from django_tenants.utils import tenant_context

    from recruitment import services, verification
    from recruitment.models import PresentedBadge

    with tenant_context(employer):
        presented = PresentedBadge.objects.select_related("application").get(
            pk=presented_id
        )
        recorder = RecordingFetcher(verification.make_fetcher())
        original = verification.make_fetcher
        verification.make_fetcher = lambda: recorder
        services.record_verification(presented)
        verification.make_fetcher = original
        say(f"verdict: {presented.result}: {presented.reason}")
        if presented.result != "valid":
            return None
        urls = list(recorder.urls)
        say(f"documents fetched per verification: {len(urls)}")

        bare, full = [], []
        for _ in range(count):
            fetch = verification.make_fetcher()
            started = time.perf_counter()
            for url in urls:
                fetch(url)
            bare.append(time.perf_counter() - started)
            started = time.perf_counter()
            services.record_verification(presented)
            full.append(time.perf_counter() - started)
    return bare, full


# Every request a page number never asked for before: past the last page,
# so the board renders its last page, and its cache never has it.
NEW_PAGE_EACH_REQUEST = """
math.randomseed(os.time())
local base = math.random(1, 1000000000)
local count = 0
request = function()
  count = count + 1
  return wrk.format(nil, "/jobs/?page=" .. (base + count))
end
"""


def measure_board(server, port, args):
    targets = {
        "bare": "/bench/bare",
        "board": "/jobs/",
        "filtered": "/jobs/?skill=teamwork&district=cambridge",
        "uncached": "/jobs/?page=999999999",
    }
    script = Path(os.environ["BENCH_DIR"]) / "new-page-each-request.lua"
    script.write_text(NEW_PAGE_EACH_REQUEST)
    scripts = {"uncached": script}
    for name, path in targets.items():
        status, content_type, body = get(port, "localhost", path, "text/html")
        say(f"  check {name:8} {path} -> {status} {content_type} ({len(body)} bytes)")
        if status != 200:
            raise RuntimeError(f"{path} answered {status}")
        if name == "board" and f"{LISTINGS} jobs.".encode() not in body:
            raise RuntimeError("the board does not show 2000 jobs")
        run_wrk(
            port, "localhost", path, "text/html", args.warmup, args.connections,
            scripts.get(name),
        )  # fmt: skip
    results = {name: [] for name in targets}
    cpu_ms = {name: [] for name in targets}
    order = list(targets)
    for number in range(args.rounds):
        shift = number % len(order)
        for name in order[shift:] + order[:shift]:
            cpu_before = common.cpu_seconds(common.process_tree(server.pid))
            result = run_wrk(
                port, "localhost", targets[name], "text/html",
                args.duration, args.connections, scripts.get(name),
            )  # fmt: skip
            if result["bad"] or result["errors"]:
                say(f"  {name}: {result['bad']} bad, errors {result['errors']}")
            results[name].append(result["rps"])
            cpu = common.cpu_seconds(common.process_tree(server.pid)) - cpu_before
            cpu_ms[name].append(1000 * cpu / max(result["requests"], 1))
        say(
            f"round {number + 1}: "
            + " | ".join(
                f"{n} {results[n][-1]:.1f} req/s ({cpu_ms[n][-1]:.2f} ms CPU/req)"
                for n in order
            )
        )
    return results, cpu_ms


def main():
    args = parse_args()
    port = common.free_port()
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.recruitment_settings"
    os.environ.setdefault(
        "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench_recruit"
    )
    os.environ.setdefault("CELERY_QUEUE", "portal-bench-recruit")
    # The award's ids name this server, so it is fixed before Django starts.
    os.environ["PORTAL_URL"] = f"http://localhost:{port}"
    common.configure()
    resolve_localhost_names()
    say(f"machine: {common.machine_summary()}")
    log = Path(os.environ["BENCH_DIR"]) / "gunicorn-recruitment.log"

    server = None
    with common.bench_database(keep=args.keep_db):
        employer, presented_id = set_up_verification()
        set_up_board(employer)
        common.purge_queue()
        from django.conf import settings

        from jobboard import cache

        cache.replace_version()  # bulk_create announced nothing
        say(f"job board cache: {settings.JOB_BOARD_CACHE_SECONDS} s")
        command = [
            str(common.VENV_BIN / "gunicorn"), "config.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
            "--worker-class", "sync", "--backlog", "2048", "--error-logfile", "-",
        ]  # fmt: skip
        try:
            server = common.start_process(command, log)
            wait_for_server(port, server)
            say(f"gunicorn pid {server.pid} on 127.0.0.1:{port}")
            timings = measure_verification(employer, presented_id, args.verifications)
            board, cpu_ms = measure_board(server, port, args)
        finally:
            common.stop_process(server)

    if timings is None:
        say(f"verification did not succeed; gunicorn log:\n{common.tail(log)}")
        return 1
    bare, full = (statistics.median(t) * 1000 for t in timings)
    say("")
    say(f"result ({args.verifications} verifications, {args.workers} sync workers):")
    say(f"  (a) bare fetches of the documents  {bare:7.2f} ms median")
    say(f"  (b) verifying the presented PNG    {full:7.2f} ms median")
    verdict = "meets" if full / bare <= VERIFY_TARGET else "MISSES"
    say(f"  ratio b/a = {full / bare:.2f}; target <= {VERIFY_TARGET}: {verdict}")
    median = {name: statistics.median(rps) for name, rps in board.items()}
    say(f"job board, {LISTINGS} listings, wrk -c{args.connections}:")
    for name in board:
        spread = ", ".join(f"{rps:.1f}" for rps in board[name])
        say(f"  {name:8} {median[name]:7.1f} req/s median [{spread}]")
    cpu = {name: statistics.median(ms) for name, ms in cpu_ms.items()}
    for name in ("board", "filtered", "uncached"):
        ratio = median[name] / median["bare"]
        rounds = [b / a for a, b in zip(board["bare"], board[name], strict=True)]
        verdict = "meets" if ratio >= BOARD_TARGET else "MISSES"
        say(
            f"  ratio {name}/bare = {ratio:.2f} (per round {min(rounds):.2f}-"
            f"{max(rounds):.2f}); target >= {BOARD_TARGET}: {verdict}"
        )
        # Less sensitive to other processes on the machine than req/s.
        say(
            f"    by gunicorn CPU per request: {cpu['bare'] / cpu[name]:.2f} "
            f"({cpu['bare']:.2f} / {cpu[name]:.2f} ms)"
        )
    return 0


if __name__ == "__main__":
    common.run(main)
