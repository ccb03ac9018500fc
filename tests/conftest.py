"""Fixtures for tests that run the real background machinery.

``smtp_server`` is a real SMTP server (aiosmtpd) in this process, saving each
message as an .eml file; ``celery_worker`` is a real Celery worker process,
taking tasks from the real Redis broker on a queue of its own and sending
mail to that SMTP server.
"""

import email
import os
import subprocess
import sys
import time
import uuid
from email import policy
from pathlib import Path

import pytest
from django.db import connection

from config.celery_app import app as celery_app
from dev.mailcatcher import start_catcher

ROOT = Path(__file__).resolve().parent.parent
WORKER_START_TIMEOUT = 60


@pytest.fixture(autouse=True)
def _drop_committed_employer_schemas(request):
    """Drop the schemas that a test which really commits has left behind.

    Transactional tests end with a flush of the public tables, which leaves
    the employers' schemas in place; everything else rolls back on its own.
    """
    yield
    marker = request.node.get_closest_marker("django_db")
    committed = (marker and marker.kwargs.get("transaction")) or {
        "transactional_db",
        "live_server",
    } & set(request.fixturenames)
    if not committed:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'employer\\_%'"
        )
        for (schema,) in cursor.fetchall():
            cursor.execute(f'DROP SCHEMA "{schema}" CASCADE')


class Mailbox:
    """What the test SMTP server has received, read back as messages."""

    def __init__(self, controller):
        self.controller = controller
        self.handler = controller.handler

    @property
    def port(self):
        return self.controller.port

    def reset(self, fail_first=0):
        self.handler.saved.clear()
        self.handler.refused = 0
        self.handler.fail_first = fail_first

    def wait_for(self, count, timeout=60):
        paths = self.handler.wait_for(count, timeout=timeout)
        return [
            email.message_from_bytes(path.read_bytes(), policy=policy.default)
            for path in paths
        ]


@pytest.fixture(scope="session")
def _smtp_controller(tmp_path_factory):
    controller = start_catcher("127.0.0.1", 0, tmp_path_factory.mktemp("mail"))
    yield controller
    controller.stop()


@pytest.fixture
def smtp_server(_smtp_controller):
    mailbox = Mailbox(_smtp_controller)
    mailbox.reset()
    yield mailbox
    mailbox.reset()


def wait_until_worker_answers(name, process):
    deadline = time.monotonic() + WORKER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the Celery worker exited with {process.returncode}")
        if celery_app.control.ping(destination=[name], timeout=1):
            return
    raise TimeoutError("the Celery worker did not start in time")


@pytest.fixture(scope="session")
def _worker_process(django_db_setup, _smtp_controller, media_root, tmp_path_factory):
    queue = f"portal-test-{uuid.uuid4().hex[:8]}"
    name = f"{queue}@localhost"
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "PORTAL_TEST_WORKER": "1",
        "DATABASE_URL": (
            f"postgres://{database['USER']}:{database['PASSWORD']}@"
            f"{database['HOST']}:{database['PORT']}/{database['NAME']}"
        ),
        "EMAIL_URL": f"smtp://127.0.0.1:{_smtp_controller.port}",
        "CELERY_QUEUE": queue,
        "MEDIA_ROOT": str(media_root),
    }
    log = tmp_path_factory.mktemp("worker") / "worker.log"
    with open(log, "w") as output:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "config", "worker",
                "--queues", queue, "--hostname", name, "--concurrency", "2",
                "--without-gossip", "--without-mingle", "--loglevel", "INFO",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        wait_until_worker_answers(name, process)
        yield queue, log
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def celery_worker(_worker_process, smtp_server, settings):
    """Send tasks to the real worker instead of running them in-process."""
    queue, log = _worker_process
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    yield log
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_default_queue = settings.CELERY_TASK_DEFAULT_QUEUE


@pytest.fixture
def site_fetcher(monkeypatch):
    """Have presented badges fetched from the portal through the test client.

    The portal's own badges live at *.localhost, served by no real server in
    most tests; this fetcher asks the Django test client instead.
    """
    from tests.fetchers import SiteFetcher

    fetcher = SiteFetcher()
    monkeypatch.setattr("recruitment.verification.make_fetcher", lambda: fetcher)
    return fetcher
