"""A throwaway PostgreSQL server for the tests: ``initdb`` and ``pg_ctl`` in a temporary
directory, on a free port of 127.0.0.1 with its unix socket in the same directory, stopped and
removed afterwards.

PostgreSQL refuses to run as root, so under root (CI containers) the cluster belongs to the
unprivileged user ``nobody`` and every server command runs as that user.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

UNPRIVILEGED_USER = "nobody"
START_TIMEOUT_S = 30


class PostgresUnavailable(RuntimeError):
    """No server could be started here; the message says why."""


def _version(path: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", path))


def find_binaries() -> Path:
    """The directory holding ``initdb`` and ``pg_ctl``: from PATH, else Debian's newest."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        # Debian links PATH entries to /usr/lib/postgresql/N/bin, where the server binary is
        return Path(found).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    if candidates:
        return Path(candidates[-1]).parent
    raise PostgresUnavailable(
        "initdb and pg_ctl not found on PATH nor in /usr/lib/postgresql/*/bin "
        "(install Debian's postgresql package, as .ci/run does)")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _run_as() -> pwd.struct_passwd | None:
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(UNPRIVILEGED_USER)
    except KeyError as exc:
        raise PostgresUnavailable(f"running as root, and PostgreSQL refuses root, but there is "
                                  f"no user {UNPRIVILEGED_USER!r} to run it as") from exc


def _run(args: list[str], user: pwd.struct_passwd | None, cwd: Path,
         timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C", "HOME": str(cwd)}
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False,
                          user=user.pw_uid if user else None,
                          group=user.pw_gid if user else None,
                          extra_groups=[] if user else None)


def _tail(text: str, lines: int = 5) -> str:
    return " | ".join(text.strip().splitlines()[-lines:])


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """Start a server; yield its URL (superuser ``postgres``, database ``postgres``)."""
    bin_dir = find_binaries()
    user = _run_as()
    base = Path(tempfile.mkdtemp(prefix="pipeline-pg-"))
    try:
        if user is not None:
            os.chown(base, user.pw_uid, user.pw_gid)
        data = base / "data"
        init = _run([str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
                     "-E", "UTF8", "--locale=C", "--no-sync"], user, base)
        if init.returncode != 0:
            raise PostgresUnavailable(f"initdb failed: {_tail(init.stderr or init.stdout)}")
        port = _free_port()
        options = (f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off")
        log = base / "server.log"
        start = _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options,
                      "-w", "-t", str(START_TIMEOUT_S), "start"], user, base,
                     timeout=START_TIMEOUT_S + 10)
        if start.returncode != 0:
            detail = log.read_text(errors="replace") if log.exists() else start.stderr
            raise PostgresUnavailable(f"pg_ctl start failed: {_tail(detail)}")
        try:
            yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
        finally:
            _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                 user, base)
    finally:
        shutil.rmtree(base, ignore_errors=True)
