"""A development SMTP server that saves every message it receives as a file.

Run it (the Procfile does) with::

    python -m dev.mailcatcher --host 127.0.0.1 --port 1025 --dir var/mail

Each message becomes one ``.eml`` file in the directory, named by arrival time
plus a short unique id (``20250101T120000.123456-1a2b3c4d.eml``, so a plain sort
is the arrival order). The file is written under a temporary name and renamed,
so a reader never sees half a message. The envelope is prepended as the headers
``X-Envelope-From`` and ``X-Envelope-To`` (Bcc recipients appear only there).

Tests can run a real server in-process::

    controller = start_catcher("127.0.0.1", 0, tmp_path)  # 0: any free port
    ... send to ("127.0.0.1", controller.port) ...
    controller.handler.wait_for(1)      # -> [Path of the .eml]
    controller.stop()

``EmlHandler(directory, fail_first=N)`` answers the first N messages with a
temporary failure (451), to prove that sending is retried.
"""

from __future__ import annotations

import argparse
import email
import logging
import os
import signal
import socket
import threading
import uuid
from datetime import UTC, datetime
from email import policy
from pathlib import Path

from aiosmtpd.controller import Controller

log = logging.getLogger("mailcatcher")

TEMPORARY_FAILURE = "451 4.3.0 Temporary failure (mailcatcher fail_first), try again"


class EmlHandler:
    """aiosmtpd handler: one ``.eml`` file per message in ``directory``."""

    def __init__(self, directory: str | os.PathLike, fail_first: int = 0):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.fail_first = fail_first
        self.refused = 0
        self.saved: list[Path] = []
        self._changed = threading.Condition()

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.refused < self.fail_first:
            self.refused += 1
            log.info("refused message %d of %d (451)", self.refused, self.fail_first)
            return TEMPORARY_FAILURE
        path = self.save(envelope.mail_from, envelope.rcpt_tos, envelope.content)
        return f"250 2.0.0 Saved as {path.name}"

    def save(self, mail_from: str, rcpt_tos: list[str], content: bytes) -> Path:
        """Write one message atomically; log it; return its path."""
        envelope = (
            f"X-Envelope-From: {mail_from}\r\nX-Envelope-To: {', '.join(rcpt_tos)}\r\n"
        ).encode()
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%f")
        name = f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
        temporary = self.directory / f".{name}.part"
        temporary.write_bytes(envelope + content)
        path = self.directory / name
        temporary.replace(path)
        subject = email.message_from_bytes(content, policy=policy.default)["subject"]
        log.info(
            "from=%s to=%s subject=%r file=%s",
            mail_from,
            ",".join(rcpt_tos),
            str(subject or ""),
            path,
        )
        with self._changed:
            self.saved.append(path)
            self._changed.notify_all()
        return path

    def wait_for(self, count: int = 1, timeout: float = 10.0) -> list[Path]:
        """Wait until ``count`` messages are saved; return all saved paths."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self.saved) >= count, timeout):
                raise TimeoutError(
                    f"{len(self.saved)} message(s) saved, expected {count}"
                )
            return list(self.saved)


def free_port(host: str) -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def start_catcher(
    host: str = "127.0.0.1",
    port: int = 1025,
    directory: str | os.PathLike = "var/mail",
    fail_first: int = 0,
) -> Controller:
    """Start a catcher in a background thread; ``port=0`` picks a free port.

    Returns the running aiosmtpd ``Controller``: ``.port``, ``.handler``
    (the ``EmlHandler``) and ``.stop()``.
    """
    if port == 0:
        port = free_port(host)
    handler = EmlHandler(directory, fail_first=fail_first)
    controller = Controller(
        handler, hostname=host, port=port, ready_timeout=10, enable_SMTPUTF8=True
    )
    controller.start()
    return controller


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1025)
    parser.add_argument("--dir", default="var/mail", help="where .eml files go")
    parser.add_argument(
        "--fail-first", type=int, default=0, help="answer 451 to the first N"
    )
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd chatter

    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda signum, frame: stop.set())

    controller = start_catcher(args.host, args.port, args.dir, args.fail_first)
    log.info(
        "listening on %s:%d, saving to %s",
        args.host,
        controller.port,
        Path(args.dir).resolve(),
    )
    while not stop.wait(1):
        pass
    controller.stop()
    log.info("stopped")


if __name__ == "__main__":
    main()
