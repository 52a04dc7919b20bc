"""A real PostgreSQL server started from the machine's binaries (initdb, pg_ctl), for tests and benchmarks.

As root the cluster runs as the `postgres` user (the server refuses root) in a folder that user owns.
A benchmark keeps its data folder between runs (`keep=True`), so databases it built are there next time.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
from contextlib import contextmanager
from pathlib import Path


class ServerUnavailable(RuntimeError):
    """No server could be started here: the message says why (tests skip on it)."""


def server_binaries() -> Path | None:
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parent.parent.name))
    return Path(versions[-1]).parent if versions else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _runner(root: Path) -> list[str]:
    if os.geteuid() != 0:
        return []
    try:
        account = pwd.getpwnam("postgres")
    except KeyError:
        raise ServerUnavailable("running as root and there is no 'postgres' user to start PostgreSQL as") from None
    if shutil.which("runuser") is None:
        raise ServerUnavailable("running as root and runuser is missing, so PostgreSQL cannot be started")
    os.chown(root, account.pw_uid, account.pw_gid)
    return ["runuser", "-u", "postgres", "--"]


@contextmanager
def running_postgres(root: Path, *, keep: bool = False, settings: dict[str, str] | None = None):
    """Start a server whose cluster lives in `root/data`; yield its admin URL; stop it (and delete root unless keep)."""
    bin_dir = server_binaries()
    if bin_dir is None:
        raise ServerUnavailable("no PostgreSQL server binaries (initdb, pg_ctl) on this machine")
    root = Path(root).resolve()  # the server runs from its data folder; a relative socket path would miss
    root.mkdir(parents=True, exist_ok=True)
    as_user = _runner(root)
    data, log_file, port = root / "data", root / "server.log", free_port()

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(as_user + list(args), capture_output=True, text=True, timeout=120)

    if not (data / "PG_VERSION").exists():
        shutil.rmtree(data, ignore_errors=True)
        made = run(str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                   "--no-locale")
        if made.returncode != 0:
            raise ServerUnavailable(f"initdb failed: {made.stderr.strip()[:200]}")
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
    for name, value in (settings or {}).items():
        options += f" -c {name}={value}"
    started = run(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log_file), "-o", options, "-w", "start")
    if started.returncode != 0:
        if not keep:
            shutil.rmtree(root, ignore_errors=True)
        raise ServerUnavailable(f"PostgreSQL did not start: {started.stderr.strip()[:200]}")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        # A kept cluster stops cleanly so the next start needs no recovery; a throwaway one just stops.
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast" if keep else "immediate", "stop")
        if not keep:
            shutil.rmtree(root, ignore_errors=True)
