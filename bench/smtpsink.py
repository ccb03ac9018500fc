"""A quiet SMTP sink for the benchmarks: counts messages, keeps almost nothing.

dev/mailcatcher.py (aiosmtpd) reads every line of every message in Python,
parses each message and writes it to disk; at 1,000 messages of ~100 KB it
costs seconds of CPU on the same two cores as the workers being measured.
This sink speaks just enough SMTP for smtplib (EHLO/HELO, MAIL, RCPT, DATA,
RSET, NOOP, QUIT), finds the end of DATA with ``bytes.find`` on whole
buffers, and records per message the envelope recipients, the size and the
arrival time. It keeps the first message whole, to be checked afterwards.

    sink = SmtpSink().start()      # port 0: a free port
    ... send to ("127.0.0.1", sink.port) ...
    sink.wait_for(1000, timeout=300)
    sink.stop()
"""

from __future__ import annotations

import socket
import socketserver
import threading
import time

END_OF_DATA = b"\r\n.\r\n"
EHLO_REPLY = b"250-bench-sink\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 104857600\r\n"


class Message:
    __slots__ = ("arrived", "recipients", "size")

    def __init__(self, recipients, size, arrived):
        self.recipients = recipients
        self.size = size
        self.arrived = arrived


class _Handler(socketserver.BaseRequestHandler):
    def handle(self):
        sink = self.server.sink
        sink.add_cpu(0.0, connection=True)
        started = time.thread_time()
        sock = self.request
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        buffer = b""
        recipients = []
        sock.sendall(b"220 bench-sink ESMTP\r\n")
        try:
            while True:
                while b"\r\n" not in buffer:
                    chunk = sock.recv(65536)
                    if not chunk:
                        return
                    buffer += chunk
                line, buffer = buffer.split(b"\r\n", 1)
                verb = line[:4].upper()
                if verb == b"EHLO":
                    sock.sendall(EHLO_REPLY)
                elif verb == b"HELO":
                    sock.sendall(b"250 bench-sink\r\n")
                elif verb == b"MAIL":
                    recipients = []
                    sock.sendall(b"250 OK\r\n")
                elif verb == b"RCPT":
                    address = line.split(b":", 1)[1].strip().split(b" ")[0].strip(b"<>")
                    recipients.append(address.decode("utf-8", "replace"))
                    sock.sendall(b"250 OK\r\n")
                elif verb == b"DATA":
                    sock.sendall(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                    # A leading CRLF lets an empty message end at once too.
                    data = bytearray(b"\r\n" + buffer)
                    scanned = 0
                    while (end := data.find(END_OF_DATA, scanned)) < 0:
                        scanned = max(len(data) - len(END_OF_DATA), 0)
                        chunk = sock.recv(262144)
                        if not chunk:
                            return
                        data += chunk
                    body = bytes(data[2 : end + 2])
                    buffer = bytes(data[end + len(END_OF_DATA) :])
                    sink.received(recipients, body)
                    recipients = []
                    sock.sendall(b"250 OK queued\r\n")
                elif verb in (b"RSET", b"NOOP"):
                    recipients = [] if verb == b"RSET" else recipients
                    sock.sendall(b"250 OK\r\n")
                elif verb == b"QUIT":
                    sock.sendall(b"221 Bye\r\n")
                    return
                else:
                    sock.sendall(b"502 Command not implemented\r\n")
        except OSError:
            return
        finally:
            sink.add_cpu(time.thread_time() - started)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


class SmtpSink:
    def __init__(self, host="127.0.0.1", port=0, keep_first=True):
        self.host = host
        self.port = port
        self.keep_first = keep_first
        self.messages: list[Message] = []
        self.first: bytes | None = None
        self.connections = 0
        self.cpu_seconds = 0.0
        self._changed = threading.Condition()
        self._server = None
        self._thread = None

    def start(self):
        self._server = _Server((self.host, self.port), _Handler)
        self._server.sink = self
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="smtp-sink", daemon=True
        )
        self._thread.start()
        return self

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def received(self, recipients, body):
        with self._changed:
            if self.keep_first and self.first is None:
                self.first = body
            self.messages.append(Message(recipients, len(body), time.monotonic()))
            self._changed.notify_all()

    def add_cpu(self, seconds, connection=False):
        with self._changed:
            self.cpu_seconds += seconds
            self.connections += 1 if connection else 0

    def first_message(self):
        """The first message received, dot-unstuffed, as an email.message."""
        import email
        from email import policy

        if self.first is None:
            return None
        raw = self.first[1:] if self.first.startswith(b"..") else self.first
        return email.message_from_bytes(
            raw.replace(b"\r\n..", b"\r\n."), policy=policy.default
        )

    def reset(self):
        with self._changed:
            self.messages.clear()
            self.first = None
            self.connections = 0
            self.cpu_seconds = 0.0

    def count(self, predicate=None):
        with self._changed:
            if predicate is None:
                return len(self.messages)
            return sum(1 for message in self.messages if predicate(message))

    def wait_for(self, count, timeout, predicate=None, progress=None):
        """Wait until ``count`` messages (matching ``predicate``) have arrived.

        Returns the number that arrived (less than ``count`` on timeout).
        ``progress(n)`` is called about once a second while waiting.
        """
        deadline = time.monotonic() + timeout
        next_report = time.monotonic() + 1
        with self._changed:
            while True:
                arrived = (
                    len(self.messages)
                    if predicate is None
                    else sum(1 for m in self.messages if predicate(m))
                )
                now = time.monotonic()
                if arrived >= count or now >= deadline:
                    return arrived
                if progress and now >= next_report:
                    progress(arrived)
                    next_report = now + 1
                self._changed.wait(timeout=min(1.0, deadline - now))
