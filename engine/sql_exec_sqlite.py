"""SQLite opened so that no statement can write it or any other file, with a deadline from the progress handler.

The guard alone is not trusted: the connection is opened `mode=ro`, `query_only`, with ATTACH disabled
and an authorizer that admits only reads, so a statement the parser misjudged still cannot change anything.
"""
from __future__ import annotations

import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.pool import QueuePool

from core.errors import BadInput, QueryFailed
from db.schema import ALLOWED_TABLES
from engine.sql_guard import SAFE_SQLITE_FUNCTIONS

# How many SQLite VM steps run between deadline checks: frequent enough to stop within milliseconds.
_PROGRESS_STEPS = 1_000
# No single value (group_concat, printf padding, replace) may grow past this, so a query cannot eat memory.
_MAX_VALUE_BYTES = 1_000_000
_MAX_LIKE_PATTERN = 1_000

_SQLITE_QUERY_ACTIONS = frozenset({sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_RECURSIVE})


def sqlite_authorizer(allowed_tables: frozenset[str] = ALLOWED_TABLES):
    """An authorizer that lets a connection read the allowed tables and call harmless functions, nothing else."""
    tables = frozenset(name.lower() for name in allowed_tables)

    def authorize(action, arg1, arg2, db_name, _trigger_or_view):
        if action == sqlite3.SQLITE_FUNCTION:
            allowed = (arg2 or "").lower() in SAFE_SQLITE_FUNCTIONS
        elif action == sqlite3.SQLITE_READ:
            # count(*) reads no column and names no database, for a CTE as for a table: it reveals only a count.
            allowed = not arg2 or ((arg1 or "").lower() in tables and db_name in (None, "main"))
        else:
            allowed = action in _SQLITE_QUERY_ACTIONS
        return sqlite3.SQLITE_OK if allowed else sqlite3.SQLITE_DENY

    return authorize


def _decode_text(data: bytes) -> str:
    """UTF-8 text, with bytes that are not valid UTF-8 (char(55296) makes a lone surrogate) as U+FFFD: the
    default decoder raises instead, with an error message that echoes the undecodable text."""
    return data.decode("utf-8", errors="replace")


def open_sqlite_readonly(path: Path, max_sql_bytes: int) -> sqlite3.Connection:
    """Open an existing SQLite file so that no statement can write it or any other file."""
    if not path.is_file():
        raise QueryFailed(f"the database file {path.name} does not exist; build it first")
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False,
                           isolation_level=None)
    conn.text_factory = _decode_text
    try:
        conn.execute("PRAGMA query_only = ON")
        # mode=ro alone still lets ATTACH create a new file and VACUUM INTO copy the database out.
        conn.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
        conn.setlimit(sqlite3.SQLITE_LIMIT_SQL_LENGTH, max_sql_bytes)
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, _MAX_VALUE_BYTES)
        conn.setlimit(sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH, _MAX_LIKE_PATTERN)
        if hasattr(conn, "enable_load_extension"):
            conn.enable_load_extension(False)
    except BaseException:
        conn.close()
        raise
    return conn


class SqliteAccess:
    """The read-only engine for one SQLite file; `deadline` stops a statement at the time limit."""

    driver_errors = (sqlite3.Error,)
    refusal_markers: tuple[str, ...] = ()

    def __init__(self, url, *, timeout_seconds: float, max_chars: int):
        if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
            raise BadInput("the SQLite database must be a file path (sqlite:///path/to/file.db)")
        path = Path(url.database)
        self.timeout_seconds = timeout_seconds
        # UTF-8 needs up to three bytes for a Korean character; this only bounds what the guard already bounded.
        max_sql_bytes = max_chars * 3
        self.engine = create_engine(
            "sqlite://",
            creator=lambda: open_sqlite_readonly(path, max_sql_bytes),
            poolclass=QueuePool,
            pool_size=4,
            max_overflow=8,
        )
        authorizer = sqlite_authorizer()

        # SQLAlchemy's first-connect probe runs a PRAGMA; "connect" listeners run after it and before the
        # connection is handed out, so no caller statement ever runs without the authorizer.
        @event.listens_for(self.engine, "connect")
        def _install_authorizer(dbapi_connection, _record):
            dbapi_connection.set_authorizer(authorizer)

    def begin(self, conn: Connection) -> None:
        """Nothing to set per statement: the connection itself is read-only."""

    @contextmanager
    def deadline(self, conn: Connection, interrupted: list[bool]):
        raw = conn.connection.dbapi_connection
        deadline = time.monotonic() + self.timeout_seconds

        def past_deadline() -> bool:
            interrupted[0] = time.monotonic() > deadline
            return interrupted[0]

        raw.set_progress_handler(past_deadline, _PROGRESS_STEPS)
        try:
            yield
        finally:
            raw.set_progress_handler(None, 0)
