#!/usr/bin/env python3
"""Development entry point of the employer portal: one command, nothing to set up.

    python3 portal.py run            migrate, seed demo data, start web, worker,
                                     beat and the mail catcher (Ctrl-C stops all)
    python3 portal.py test [ARGS]    run the test suite: python -m pytest ARGS
    python3 portal.py manage ARGS    python manage.py ARGS, same environment as run
    python3 portal.py shell          python manage.py shell
    python3 portal.py services       only PostgreSQL and Redis, until Ctrl-C
    python3 portal.py stop           stop embedded servers left running

Runs with a bare python3 (standard library only) until it has a virtualenv: it
creates ``.venv`` when missing, installs requirements-dev.txt when that or
requirements.txt changed (their hash is kept in var/requirements.sha256), then
re-executes itself with ``.venv/bin/python``.

Environment: DJANGO_SETTINGS_MODULE defaults to config.settings.local
(config.settings.test for ``test``). DATABASE_URL and REDIS_URL are used as
they are when set; otherwise an embedded PostgreSQL and Redis (dev/services.py)
are started under var/ and stopped on exit. ``run`` also sets EMAIL_URL (unless
set) to the mail catcher and MAIL_DIR to var/mail.
"""

# Starting local programs (venv, pip, servers) is what this file is for.
# ruff: noqa: S603, S606

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
VENV_BIN = VENV / "bin"
VENV_PYTHON = VENV_BIN / "python"
VAR = ROOT / "var"
MAIL_DIR = VAR / "mail"
REQUIREMENTS = [ROOT / "requirements.txt", ROOT / "requirements-dev.txt"]
REQUIREMENTS_HASH = VAR / "requirements.sha256"
BOOTSTRAPPED = "PORTAL_BOOTSTRAPPED"  # set for the re-executed process only

MIN_PYTHON = (3, 11)
LOCAL_SETTINGS = "config.settings.local"
TEST_SETTINGS = "config.settings.test"
SMTP_URL = "smtp://127.0.0.1:1025"
HONCHO_GRACE = 15  # seconds; honcho itself SIGKILLs its processes after 5


def say(message: str) -> None:
    with contextlib.suppress(OSError, ValueError):  # e.g. `| tee` gone on Ctrl-C
        print(f"portal: {message}", flush=True)


# --- bootstrap: standard library only ---------------------------------------


def requirements_hash() -> str:
    digest = hashlib.sha256()
    for path in REQUIREMENTS:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def ensure_venv() -> None:
    """Create .venv if missing; (re)install requirements when they changed."""
    created = False
    if not VENV_PYTHON.exists():
        say(f"creating {VENV.name} with {sys.executable}")
        try:
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        except subprocess.CalledProcessError:
            sys.exit("portal: venv failed (on Debian: apt-get install python3-venv)")
        created = True
    wanted = requirements_hash()
    try:
        installed = REQUIREMENTS_HASH.read_text().strip()
    except OSError:
        installed = ""
    if not created and installed == wanted:
        return
    say("installing requirements-dev.txt into .venv (minutes, the first time)")
    pip = [str(VENV_PYTHON), "-m", "pip", "install", "--disable-pip-version-check"]
    pip.append("--quiet")
    requirements = str(ROOT / "requirements-dev.txt")
    result = subprocess.run([*pip, "-r", requirements], check=False)
    if result.returncode:
        sys.exit(f"portal: pip install failed (exit {result.returncode})")
    VAR.mkdir(exist_ok=True)
    REQUIREMENTS_HASH.write_text(wanted + "\n")


def in_venv() -> bool:
    return Path(sys.prefix).resolve() == VENV.resolve()


def bootstrap() -> None:
    """Make sure we run inside an up-to-date .venv (re-executing if needed)."""
    if os.environ.pop(BOOTSTRAPPED, None) == "1" and in_venv():
        return
    ensure_venv()
    if not in_venv():
        os.environ[BOOTSTRAPPED] = "1"
        argv = [str(VENV_PYTHON), str(Path(__file__).resolve()), *sys.argv[1:]]
        os.execv(argv[0], argv)


# --- environment and child processes ------------------------------------------


def base_environment(settings: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings)
    os.environ["VIRTUAL_ENV"] = str(VENV)
    path = os.environ.get("PATH", "")
    os.environ["PATH"] = os.pathsep.join(filter(None, [str(VENV_BIN), path]))
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    os.chdir(ROOT)


def raise_interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def services():
    """Export DATABASE_URL / REDIS_URL, starting embedded servers for unset ones."""
    missing = {"DATABASE_URL": "postgres", "REDIS_URL": "redis"}
    for variable in list(missing):
        if os.environ.get(variable):
            say(f"{variable} is set, using it ({missing.pop(variable)} not started)")
    if not missing:
        yield
        return
    from dev.services import ServiceError, embedded_services

    wanted = set(missing.values())
    try:
        with embedded_services(
            VAR, postgres="postgres" in wanted, redis="redis" in wanted
        ) as urls:
            os.environ.update(urls)
            yield
    except ServiceError as error:
        sys.exit(f"portal: {error}")


def run_child(cmd: list[str], grace: float | None = None) -> int:
    """Run ``cmd`` in the foreground; return its exit code.

    Ctrl-C reaches the child directly (same process group), so here it only
    waits for the child to finish; SIGTERM/SIGHUP sent to us are passed on.
    With ``grace``, a child still running that many seconds after a signal is
    stopped with all its descendants (honcho can hang when its output pipe
    closed, leaving its processes behind).
    """
    proc = subprocess.Popen(cmd)
    signalled: list[float] = []

    def note(signum, frame) -> None:
        signalled.append(time.monotonic())

    def forward(signum, frame) -> None:
        note(signum, frame)
        proc.send_signal(signal.SIGTERM)

    handlers = {signal.SIGINT: note, signal.SIGTERM: forward, signal.SIGHUP: forward}
    previous = {sig: signal.signal(sig, handler) for sig, handler in handlers.items()}
    try:
        while True:
            try:
                return proc.wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                if grace and signalled and time.monotonic() - signalled[0] > grace:
                    say(f"{Path(cmd[0]).name} did not stop; stopping its processes")
                    from dev.services import stop_tree

                    stop_tree(proc.pid)
                    grace = None
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def manage(*args: str) -> int:
    return run_child([sys.executable, "manage.py", *args])


# --- commands ------------------------------------------------------------------


def print_urls() -> None:
    lines = [
        "",
        "portal: starting web, worker, beat and mail (Ctrl-C stops everything)",
        "  public site     http://localhost:8000/",
        "  admin           http://localhost:8000/admin/",
        "  employer sites  http://<slug>.localhost:8000/  (see seed_demo above)",
        f"  emails          {MAIL_DIR}/*.eml",
        "",
    ]
    print("\n".join(lines), flush=True)


def cmd_run(args: list[str]) -> int:
    base_environment(LOCAL_SETTINGS)
    os.environ.setdefault("EMAIL_URL", SMTP_URL)
    os.environ["MAIL_DIR"] = str(MAIL_DIR)
    MAIL_DIR.mkdir(parents=True, exist_ok=True)
    with services():
        steps = [["migrate_schemas", "--shared"], ["migrate_schemas"], ["seed_demo"]]
        for step in steps:
            say(f"manage.py {' '.join(step)}")
            code = manage(*step)
            if code:
                say(f"manage.py {' '.join(step)} failed (exit {code})")
                return code
        print_urls()
        honcho = [str(VENV_BIN / "honcho"), "-f", "Procfile", "start", *args]
        return run_child(honcho, grace=HONCHO_GRACE)


def cmd_test(args: list[str]) -> int:
    base_environment(TEST_SETTINGS)
    with services():
        say(f"python -m pytest {' '.join(args)}".rstrip())
        return run_child([sys.executable, "-m", "pytest", *args])


def cmd_manage(args: list[str]) -> int:
    base_environment(LOCAL_SETTINGS)
    with services():
        return manage(*args)


def cmd_shell(args: list[str]) -> int:
    return cmd_manage(["shell", *args])


def cmd_services(args: list[str]) -> int:
    base_environment(LOCAL_SETTINGS)
    with services():
        say("DATABASE_URL=" + os.environ["DATABASE_URL"])
        say("REDIS_URL=" + os.environ["REDIS_URL"])
        say("running until Ctrl-C")
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)
    return 0


def cmd_stop(args: list[str]) -> int:
    from dev.services import stop_all

    stop_all(VAR)
    return 0


COMMANDS = {
    "run": cmd_run,
    "test": cmd_test,
    "manage": cmd_manage,
    "shell": cmd_shell,
    "services": cmd_services,
    "stop": cmd_stop,
}


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__)
        return 0 if sys.argv[1:2] in (["-h"], ["--help"], ["help"]) else 2
    if sys.version_info < MIN_PYTHON:  # pyproject.toml: requires-python
        sys.exit(f"portal: needs Python 3.11 or newer, not {sys.version.split()[0]}")
    command, args = COMMANDS[sys.argv[1]], sys.argv[2:]
    try:
        bootstrap()
        sys.path.insert(0, str(ROOT))
        signal.signal(signal.SIGTERM, raise_interrupt)
        signal.signal(signal.SIGHUP, raise_interrupt)
        return command(args)
    except KeyboardInterrupt:
        say("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
