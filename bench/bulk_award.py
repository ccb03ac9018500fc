#!/usr/bin/env python3
"""A bulk award of 1,000 badges from one CSV, until the 1,000th email arrives.

    .venv/bin/python bench/bulk_award.py [--rows 1000] [--runs 1]
        [--workers 1] [--concurrency 2] [--pool prefork|threads|solo]
        [--badge-image svg|png] [--sink quiet|mailcatcher] [--conn-max-age 0]
        [--whatif ITEMS] [--profile] [--timeout 900] [--keep-db]

In a fresh bench database (one employer, whose owner is the manager; one
badge), with an SMTP sink in this process and real Celery worker processes
(``celery -A config worker -I bench.tasks`` with the bench settings and
EMAIL_URL pointing at the sink), each run:

1. queues 1,000 no-op tasks (``bench.tasks.noop``, which only INCRs a Redis
   counter) and times them until the counter reads 1,000;
2. POSTs a CSV of 1,000 rows to /badges/<uuid>/award/csv/ as the manager
   (Django test client, Host: <slug>.localhost) and times from the POST
   until the sink has received the 1,000th award email. The worker's
   run_bulk_award task creates the awards in one transaction and queues
   1,000 send_award_email tasks; each renders the email, bakes the badge PNG,
   renders the PDF certificate with WeasyPrint and sends it over SMTP.

Prints both times and their ratio, emails per second, the workers' CPU
seconds per email, the sink's CPU, how busy the machine was and how much CPU
other processes took meanwhile; then checks the first email (recipient, PNG
and PDF attached), that every award has its sent SentEmail row and that no
task failed. ``--profile`` samples the workers with py-spy during the first
bulk run and prints where their time went. Target: 1,000 emails in 30 s or
less on 2 cores. Figures only; exits 1 if emails are missing or a check fails.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import common, whatif  # noqa: E402
from bench.common import say  # noqa: E402

SLUG = "bench-bulk"
TARGET_SECONDS = 30
RECIPIENT_DOMAIN = "recipients.bench.example"

PROFILE_FOCUS = {
    "PDF certificate (WeasyPrint write_pdf)": "write_pdf (weasyprint/",
    "  WeasyPrint layout": "weasyprint/layout/",
    "  WeasyPrint CSS (cascade, computed styles)": "weasyprint/css/",
    "  WeasyPrint PDF output (pydyf, fonts)": "weasyprint/pdf/",
    "  WeasyPrint FontConfiguration()": "FontConfiguration.__init__ (",
    "badge PNG from SVG (cairosvg)": "svg2png (cairosvg/",
    "baking the PNG (openbadges.baking.bake_png)": "bake_png (openbadges/baking.py",
    "email templates (core.emails.render_email)": "render_email (core/emails.py",
    "MIME encoding (message.message())": "message (django/core/mail/message.py",
    "SMTP (smtplib)": "smtplib.py",
    "PostgreSQL (psycopg)": "psycopg/",
    "logging": "logging/__init__.py",
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=1, help="runs, one after another")
    parser.add_argument("--workers", type=int, default=1, help="worker processes")
    parser.add_argument("--concurrency", type=int, default=2, help="per worker")
    parser.add_argument(
        "--pool", choices=["prefork", "threads", "solo"], default="prefork"
    )
    parser.add_argument(
        "--badge-image",
        choices=["svg", "png"],
        default="svg",
        help="svg: the default design (made PNG per email); png: an uploaded PNG",
    )
    parser.add_argument(
        "--sink",
        choices=["quiet", "mailcatcher"],
        default="quiet",
        help="quiet: bench/smtpsink.py; mailcatcher: dev/mailcatcher.py (.eml files)",
    )
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
        help="DATABASE_CONN_MAX_AGE for the workers (production default 0)",
    )
    parser.add_argument("--profile", action="store_true", help="py-spy the workers")
    parser.add_argument("--timeout", type=int, default=900, help="seconds per run")
    common.add_common_arguments(parser, quiet_wait=True)
    return parser.parse_args()


# --- sinks ---


class QuietSink:
    """bench/smtpsink.py: counts, keeps the first message only."""

    def __init__(self):
        from bench.smtpsink import SmtpSink

        self.sink = SmtpSink().start()
        self.port = self.sink.port

    def wait_for(self, count, timeout, progress):
        return self.sink.wait_for(count, timeout, progress=progress)

    def arrivals(self):
        return [message.arrived for message in self.sink.messages]

    def recipients(self):
        return {r for message in self.sink.messages for r in message.recipients}

    def sizes(self):
        return [message.size for message in self.sink.messages]

    def first_message(self):
        return self.sink.first_message()

    def cpu(self):
        return self.sink.cpu_seconds, self.sink.connections

    def reset(self):
        self.sink.reset()

    def stop(self):
        self.sink.stop()


class MailcatcherSink:
    """dev/mailcatcher.py in this process: every message an .eml file."""

    def __init__(self, directory):
        from dev.mailcatcher import start_catcher

        self.controller = start_catcher("127.0.0.1", 0, directory)
        self.handler = self.controller.handler
        self.port = self.controller.port

    def wait_for(self, count, timeout, progress):
        deadline = time.monotonic() + timeout
        while len(self.handler.saved) < count and time.monotonic() < deadline:
            progress(len(self.handler.saved))
            time.sleep(0.2)
        return len(self.handler.saved)

    def arrivals(self):
        # Files are named by arrival; their mtime is close enough here.
        offset = time.monotonic() - time.time()
        return [path.stat().st_mtime + offset for path in self.handler.saved]

    def recipients(self):
        found = set()
        for path in self.handler.saved:
            head = path.read_bytes()[:400].decode("utf-8", "replace")
            for line in head.splitlines():
                if line.startswith("X-Envelope-To:"):
                    found.update(r.strip() for r in line.split(":", 1)[1].split(","))
        return found

    def sizes(self):
        return [path.stat().st_size for path in self.handler.saved]

    def first_message(self):
        import email
        from email import policy

        if not self.handler.saved:
            return None
        data = self.handler.saved[0].read_bytes()
        return email.message_from_bytes(data, policy=policy.default)

    def cpu(self):
        return None, None

    def reset(self):
        for path in self.handler.saved:
            path.unlink(missing_ok=True)
        self.handler.saved.clear()

    def stop(self):
        self.controller.stop()


# --- set-up ---


def png_badge_image():
    """A 400x400 PNG (what a designer would upload), checked as the form does."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image, ImageDraw

    from badges.images import clean_badge_image

    image = Image.new("RGB", (400, 400), "#00677f")
    ImageDraw.Draw(image).ellipse((40, 40, 360, 360), outline="white", width=12)
    data = io.BytesIO()
    image.save(data, format="PNG")
    return clean_badge_image(SimpleUploadedFile("badge.png", data.getvalue()))


def set_up(badge_image):
    employer = common.make_employer(SLUG, "Bench Bulk Awards Ltd")
    image = png_badge_image() if badge_image == "png" else None
    badge = common.make_badge(employer, "Embracing Change Award", image=image)
    common.purge_queue()  # the pledge confirmation
    return employer, badge


def worker_command(args, name):
    return [
        str(common.VENV_BIN / "celery"), "-A", "config", "worker",
        "-I", "bench.tasks", "--queues", os.environ["CELERY_QUEUE"],
        "--hostname", name, "--pool", args.pool,
        "--concurrency", str(args.concurrency),
        "--without-gossip", "--without-mingle", "--without-heartbeat",
        "--loglevel", "INFO",
    ]  # fmt: skip


def start_workers(args, port, bench_dir):
    from config.celery_app import app

    env = common.child_environment(EMAIL_URL=f"smtp://127.0.0.1:{port}")
    workers = []
    for index in range(args.workers):
        name = f"{common.unique(f'bench{index}')}@localhost"
        log = bench_dir / f"worker-{index}.log"
        process = common.start_process(worker_command(args, name), log, env=env)
        process.bench_name = name
        process.bench_log_path = log
        workers.append(process)
    waiting = {worker.bench_name: worker for worker in workers}
    deadline = time.monotonic() + 90
    while waiting and time.monotonic() < deadline:
        for name, process in waiting.items():
            if process.poll() is not None:
                raise RuntimeError(
                    f"worker {name} exited with {process.returncode}:\n"
                    + common.tail(process.bench_log_path)
                )
        for reply in app.control.ping(destination=list(waiting), timeout=1):
            for name in reply:
                waiting.pop(name, None)
    if waiting:
        raise TimeoutError(f"workers did not answer: {', '.join(waiting)}")
    return workers


def worker_cpu(workers):
    pids = [pid for worker in workers for pid in common.process_tree(worker.pid)]
    return common.cpu_seconds(pids)


# --- the two measurements ---


def time_noops(count, workers):
    import redis

    from bench.tasks import noop

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    key = common.unique("bench-noop-counter")
    client.set(key, 0, ex=3600)
    cpu_before = worker_cpu(workers)
    load = common.MachineLoad().start()
    others = common.OtherLoad().start()
    started = time.monotonic()
    for _ in range(count):
        noop.delay(key)
    queued = time.monotonic() - started
    while int(client.get(key)) < count:
        if time.monotonic() - started > 300:
            raise TimeoutError(f"only {client.get(key)} no-op tasks ran in 300 s")
        time.sleep(0.005)
    elapsed = time.monotonic() - started
    client.delete(key)
    other_cpu, _ = others.stop()
    return {
        "seconds": elapsed,
        "queued": queued,
        "cpu": worker_cpu(workers) - cpu_before,
        "busy": load.stop(),
        "others": other_cpu,
    }


def csv_upload(rows, run):
    from django.core.files.uploadedfile import SimpleUploadedFile

    lines = ["name,email,evidence"]
    for i in range(rows):
        lines.append(
            f"Holder {run}-{i},holder{i}@run{run}.{RECIPIENT_DOMAIN},"
            f"Completed the change workshop (run {run}; row {i})."
        )
    content = ("\n".join(lines) + "\n").encode()
    return SimpleUploadedFile("awards.csv", content, "text/csv")


def start_profiles(workers, bench_dir, run):
    spies = []
    for index, worker in enumerate(workers):
        path = bench_dir / f"profile-bulk-run{run}-worker{index}.txt"
        path.unlink(missing_ok=True)
        spies.append((common.start_profile(worker.pid, path, rate=100), path))
    return spies


def bulk_award(args, run, employer, badge, sink, workers, bench_dir):
    client = common.site_client(employer, employer.owner)
    upload = csv_upload(args.rows, run)
    spies = start_profiles(workers, bench_dir, run) if args.profile else []

    cpu_before = worker_cpu(workers)
    own_before = time.process_time()
    load = common.MachineLoad().start()
    others = common.OtherLoad().start()
    started = time.monotonic()
    url = f"/badges/{badge.entity_id}/award/csv/"
    response = client.post(url, {"csv_file": upload})
    posted = time.monotonic() - started
    location = response.get("Location", "")
    if response.status_code != 302 or "/bulk-awards/" not in location:
        raise RuntimeError(
            f"the CSV upload answered {response.status_code}: "
            f"{response.content[:500]!r}"
        )
    reported = [0]

    def progress(arrived):
        now = time.monotonic() - started
        if now - reported[0] >= 10:
            reported[0] = now
            say(f"    {now:5.0f} s: {arrived} emails")

    arrived = sink.wait_for(args.rows, args.timeout, progress)
    elapsed = time.monotonic() - started
    result = {
        "seconds": elapsed,
        "posted": posted,
        "arrived": arrived,
        "cpu": worker_cpu(workers) - cpu_before,
        "own_cpu": time.process_time() - own_before,
        "busy": load.stop(),
        "profiles": [path for _, path in spies],
    }
    result["others"], result["top_others"] = others.stop()
    for spy, _ in spies:
        common.stop_profile(spy)

    arrivals = sorted(sink.arrivals())
    result["first"] = arrivals[0] - started if arrivals else None
    if len(arrivals) >= 10:
        low, high = arrivals[len(arrivals) // 10], arrivals[9 * len(arrivals) // 10]
        result["steady_rate"] = 0.8 * len(arrivals) / max(high - low, 1e-6)
    sizes = sink.sizes()
    result["size_kb"] = sum(sizes) / len(sizes) / 1024 if sizes else 0
    result["sink_cpu"], result["sink_connections"] = sink.cpu()
    result["checks"], result["awarding"] = check_run(
        employer, sink, args.rows, location
    )
    return result


def check_run(employer, sink, rows, status_url):
    """What must be true after a run; returns (problems, awarding seconds)."""
    from django_tenants.utils import (
        get_public_schema_name,
        schema_context,
        tenant_context,
    )

    from badges.models import Award, BulkAward
    from core.models import SentEmail, TaskFailure

    problems = []
    recipients = sink.recipients()
    if len(recipients) < rows:
        problems.append(f"{len(recipients)} distinct recipients, wanted {rows}")
    message = sink.first_message()
    wanted = {"image/png", "application/pdf"}
    if "no-pdf" in whatif.enabled():
        wanted.discard("application/pdf")
    if message is None:
        problems.append("no message to check")
    else:
        attached = {part.get_content_type() for part in message.iter_attachments()}
        if not wanted <= attached:
            problems.append(f"first email attachments are {sorted(attached)}")
        if RECIPIENT_DOMAIN not in str(message["To"]):
            problems.append(f"first email is to {message['To']}")
    entity_id = status_url.rstrip("/").rsplit("/", 1)[1]
    with tenant_context(employer):
        bulk = BulkAward.objects.get(entity_id=entity_id)
        if bulk.status != BulkAward.Status.DONE or bulk.awarded_count != rows:
            problems.append(f"bulk award {bulk.status}, {bulk.awarded_count} awarded")
        keys = [f"award:{pk}" for pk in Award.objects.values_list("pk", flat=True)]
        sent = SentEmail.objects.filter(key__in=keys, sent_at__isnull=False).count()
        if sent != len(keys):
            problems.append(f"{sent} SentEmail rows sent for {len(keys)} awards")
        awarding = None
        if bulk.finished_at:
            awarding = (bulk.finished_at - bulk.created_at).total_seconds()
    with schema_context(get_public_schema_name()):
        failures = TaskFailure.objects.count()
    if failures:
        problems.append(f"{failures} TaskFailure rows")
    return problems, awarding


# --- report ---


def describe(args):
    whatif_note = f", WHAT-IF {args.whatif}" if args.whatif else ""
    return (
        f"{args.workers} worker process(es) x --pool {args.pool} "
        f"--concurrency {args.concurrency}, badge image {args.badge_image}, "
        f"sink {args.sink}, {args.rows} rows, "
        f"DATABASE_CONN_MAX_AGE={args.conn_max_age}{whatif_note}"
    )


def report_noops(noops, rows):
    say(
        f"  {rows} no-op tasks: {noops['seconds']:.2f} s (queueing "
        f"{noops['queued']:.2f} s; worker CPU {noops['cpu']:.1f} s; machine "
        f"{noops['busy']:.0f}% busy; others {noops['others']:.1f} CPU s)"
    )


def report_run(run, result, noops, rows):
    seconds, arrived = result["seconds"], result["arrived"]
    say(f"  run {run}: {arrived}/{rows} emails in {seconds:.2f} s")
    if result["first"] is not None and result["awarding"] is not None:
        say(
            f"    POST answered in {result['posted']:.2f} s; awards committed "
            f"{result['awarding']:.2f} s after the upload; first email at "
            f"{result['first']:.2f} s"
        )
    per_email = 1000 * result["cpu"] / max(arrived, 1)
    say(
        f"    {arrived / seconds:.1f} emails/s overall, "
        f"{result.get('steady_rate', 0):.1f}/s from the 10th to the 90th "
        f"percentile; average email {result['size_kb']:.0f} KB"
    )
    machine = result["busy"] / 100 * (os.cpu_count() or 1) * seconds
    rest = machine - result["cpu"] - result["others"]
    say(
        f"    workers' CPU {result['cpu']:.1f} s = {per_email:.0f} ms per email; "
        f"machine {result['busy']:.0f}% busy = {machine:.0f} CPU s, of which "
        f"other processes {result['others']:.1f} s"
        + (f" ({result['top_others']})" if result["top_others"] else "")
        + f" and the rest {rest:.0f} s (the bench's PostgreSQL backends, Redis, "
        "the sink, this process, the kernel)"
    )
    if result["sink_cpu"] is not None:
        say(
            f"    sink: {result['sink_connections']} SMTP connections, "
            f"{result['sink_cpu']:.2f} s CPU"
        )
    say(f"    this process (the sink included): {result['own_cpu']:.1f} CPU s")
    say(f"    ratio to the {rows} no-op tasks: {seconds / noops['seconds']:.0f} x")
    for problem in result["checks"]:
        say(f"    CHECK FAILED {problem}")


def summary(args, runs):
    say("")
    say(f"result ({describe(args)}):")
    for run, (noops, result) in enumerate(runs, start=1):
        verdict = "meets" if result["seconds"] <= TARGET_SECONDS else "MISSES"
        ratio = result["seconds"] / noops["seconds"]
        say(
            f"  run {run}: {result['arrived']} emails in {result['seconds']:6.2f} s; "
            f"{args.rows} no-op tasks {noops['seconds']:5.2f} s; ratio {ratio:.0f} x; "
            f"target <= {TARGET_SECONDS} s: {verdict}"
        )
    if len(runs) > 1:
        median = statistics.median(result["seconds"] for _, result in runs)
        say(f"  median of {len(runs)} runs: {median:.2f} s")
    say(f"machine after: {common.machine_summary()}")


# --- main ---


def run_all(args, employer, badge, sink, workers, bench_dir):
    runs, failed = [], False
    for run in range(1, args.runs + 1):
        sink.reset()
        if args.quiet_wait:
            common.wait_for_quiet(args.quiet_wait)
        noops = time_noops(args.rows, workers)
        say(f"run {run}: POST {args.rows} rows ...")
        result = bulk_award(args, run, employer, badge, sink, workers, bench_dir)
        report_noops(noops, args.rows)
        report_run(run, result, noops, args.rows)
        runs.append((noops, result))
        failed = failed or result["arrived"] < args.rows or bool(result["checks"])
        for path in result["profiles"]:
            say("")
            common.summarise_profile(
                path, top=20, focus=PROFILE_FOCUS, only="send_award_email"
            )
        args.profile = False  # the first run only
    return runs, failed


def main():
    args = parse_args()
    os.environ["BENCH_WHATIF"] = args.whatif
    common.configure(DATABASE_CONN_MAX_AGE=str(args.conn_max_age))
    bench_dir = Path(os.environ["BENCH_DIR"])
    say(f"machine: {common.machine_summary()}")
    say(f"setup: {describe(args)}")
    sink = workers = None
    runs, failed = [], True
    with common.bench_database(keep=args.keep_db):
        employer, badge = set_up(args.badge_image)
        try:
            if args.sink == "quiet":
                sink = QuietSink()
            else:
                sink = MailcatcherSink(bench_dir / "mail")
            workers = start_workers(args, sink.port, bench_dir)
            pids = ", ".join(str(worker.pid) for worker in workers)
            say(f"sink on 127.0.0.1:{sink.port}; worker pid(s) {pids} ready")
            runs, failed = run_all(args, employer, badge, sink, workers, bench_dir)
        finally:
            for worker in workers or []:
                common.stop_process(worker)
                if failed:
                    say(
                        f"{worker.bench_log_path}:\n{common.tail(worker.bench_log_path)}"
                    )
            if sink is not None:
                sink.stop()
            common.purge_queue()
    summary(args, runs)
    return 1 if failed else 0


if __name__ == "__main__":
    common.run(main)
