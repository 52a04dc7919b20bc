"""DuckDB opened read-only with every door to the outside shut, and a deadline that interrupts the query.

Layers under the guard: `read_only` (no statement can write the file), `enable_external_access=false` (no
read_csv, COPY, ATTACH, INSTALL or LOAD: no file or URL is reachable from SQL), extension autoloading and
autoinstalling off, no temporary directory (nothing is spilled beside the database), a memory limit and a
thread count, and `lock_configuration` last, so no SET or PRAGMA can undo any of it.

DuckDB keeps one database instance per file in a process and fixes its settings at the first connection,
so every ReadOnlyDatabase on one file in one process must use the same memory limit and thread count.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.exc import NoSuchModuleError

from core.errors import BadInput, QueryFailed

DEFAULT_MEMORY_LIMIT = "1GB"
# What DuckDB says when one of the layers above stops a statement.
REFUSAL_MARKERS = (
    "permission error", "read-only mode", "configuration has been locked", "disabled by configuration",
    "disabled through configuration",
)
_SAME_FILE_OTHER_CONFIG = "different configuration"


def duckdb_config(memory_limit: str, threads: int) -> dict:
    """The connection settings; DuckDB applies them before `lock_configuration` freezes them."""
    return {
        "enable_external_access": False,
        "autoload_known_extensions": False,
        "autoinstall_known_extensions": False,
        "allow_community_extensions": False,
        "temp_directory": "",
        # SQLite's and PostgreSQL's integer / integer truncates ((age/10)*10 is a decade); DuckDB's would not.
        "integer_division": True,
        "memory_limit": memory_limit,
        "threads": int(threads),
        "lock_configuration": True,
    }


class DuckdbAccess:
    """The read-only engine for one DuckDB file; `deadline` interrupts a statement at the time limit."""

    refusal_markers = REFUSAL_MARKERS

    def __init__(self, url, *, timeout_seconds: float, memory_limit: str, threads: int):
        database = url.database or ""
        if not database or database == ":memory:" or database.startswith(("md:", "motherduck:")):
            raise BadInput("the DuckDB database must be a file path (duckdb:///path/to/customers.duckdb)")
        if url.query:
            # duckdb-engine turns URL parameters into settings, which could switch external access back on.
            raise BadInput(
                "settings in a DuckDB URL (?name=value) are not used by the read-only connection; "
                "set DUCKDB_MEMORY_LIMIT and DUCKDB_THREADS instead"
            )
        try:
            import duckdb
        except ImportError:
            raise QueryFailed("duckdb is not installed; install requirements.txt") from None
        self.driver_errors = (duckdb.Error,)
        self.timeout_seconds = timeout_seconds
        self.memory_limit, self.threads = memory_limit, int(threads)
        path = Path(database)
        try:
            self.engine = create_engine(
                url, connect_args={"read_only": True, "config": duckdb_config(memory_limit, threads)}
            )
        except (NoSuchModuleError, ImportError):
            raise QueryFailed("the duckdb-engine SQLAlchemy dialect is not installed; install requirements.txt") from None

        @event.listens_for(self.engine, "do_connect")
        def _open(dialect, _record, cargs, cparams):
            if not path.is_file():
                raise QueryFailed(f"the database file {path.name} does not exist; build it first")
            try:
                return dialect.connect(*cargs, **cparams)
            except duckdb.ConnectionException as exc:
                if _SAME_FILE_OTHER_CONFIG in str(exc):
                    # DuckDB keeps one instance per file and process; its settings are fixed by the first opener.
                    raise QueryFailed(
                        f"{path.name} is already open in this process with another memory limit or thread count"
                    ) from None
                raise

    def begin(self, conn: Connection) -> None:
        """Nothing to set per statement: the connection itself is read-only and locked."""

    @contextmanager
    def deadline(self, conn: Connection, interrupted: list[bool]):
        """A timer interrupts the connection at the limit; the lock keeps it from hitting a later statement."""
        raw = conn.connection.dbapi_connection
        lock = threading.Lock()
        running = [True]

        def stop() -> None:
            with lock:
                if running[0]:
                    interrupted[0] = True
                    raw.interrupt()

        timer = threading.Timer(self.timeout_seconds, stop)
        timer.daemon = True
        timer.start()
        try:
            yield
        finally:
            with lock:
                running[0] = False
            timer.cancel()
