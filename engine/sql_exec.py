"""The one path every statement takes to the database: guard, then a read-only connection with bounded rows and time.

The guard alone is not trusted: the SQLite connection is opened `mode=ro`, `query_only`, with ATTACH disabled
and an authorizer that admits only reads, so a statement the parser misjudged still cannot change anything.
"""
from __future__ import annotations

import datetime as dt
import math
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, NoSuchModuleError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.pool import QueuePool

from db.schema import ALLOWED_TABLES
from db.database_url import parse_database_url
from core.errors import BadInput, ChatError, QueryFailed, QueryInterrupted, SqlRefused
from engine.sql_dialect import ENGINE_DIALECT, dialect_for_url, translate_sql
from engine.sql_guard import SAFE_SQLITE_FUNCTIONS, check_sql

# How many SQLite VM steps run between deadline checks: frequent enough to stop within milliseconds.
_PROGRESS_STEPS = 1_000
# No single value (group_concat, printf padding, replace) may grow past this, so a query cannot eat memory.
_MAX_VALUE_BYTES = 1_000_000
_MAX_LIKE_PATTERN = 1_000
# What one answer may carry in all; the table, the chart and the CSV are for people, not bulk export.
_MAX_RESULT_BYTES = 5_000_000
_FETCH_BATCH = 50
_MAX_ERROR_CHARS = 200

_SQLITE_QUERY_ACTIONS = frozenset({sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_RECURSIVE})
_REFUSAL_MARKERS = (
    "not authorized", "authorization denied", "prohibited", "readonly database", "too many attached",
    "read-only transaction",
)
_POSTGRES_TIMEOUT_STATE = "57014"


@dataclass
class QueryResult:
    """Rows of one query; `truncated` says more rows existed than `max_rows`."""

    columns: list[str]
    rows: list[list]
    truncated: bool
    elapsed_ms: float

    def to_json(self) -> dict:
        return {
            "columns": list(self.columns),
            "rows": [[json_value(value) for value in row] for row in self.rows],
            "truncated": self.truncated,
            "elapsed_ms": round(self.elapsed_ms, 2),
        }


def _plain_row(row) -> list:
    """PostgreSQL's NUMERIC arrives as Decimal; SQLite gives floats, so callers see one kind of number."""
    return [float(value) if isinstance(value, Decimal) else value for value in row]


def json_value(value):
    """A JSON-safe cell: non-finite floats and bytes become text, dates ISO strings."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


class ReadOnlyDatabase:
    """A read-only view of the customer database, safe to share between concurrent Gradio sessions."""

    def __init__(
        self,
        url: str,
        *,
        timeout_seconds: float = 2.0,
        max_rows: int = 1000,
        max_chars: int = 10_000,
        use_parser: bool = True,
    ):
        if timeout_seconds <= 0 or max_rows < 1 or max_chars < 1:
            raise ValueError("timeout_seconds, max_rows and max_chars must be positive")
        self.timeout_seconds = float(timeout_seconds)
        self.max_rows = int(max_rows)
        self.max_chars = int(max_chars)
        self.use_parser = use_parser
        parsed = parse_database_url(url)
        self.dialect = dialect_for_url(parsed)
        if self.dialect == "sqlite":
            self._engine = _sqlite_engine(parsed, self.max_chars)
        elif self.dialect == "postgres":
            self._engine = _postgres_engine(parsed, self.timeout_seconds)
        else:
            raise BadInput("only SQLite and PostgreSQL databases can be opened read-only")

    def run(self, sql: str) -> QueryResult:
        """Guard `sql`, run it read-only and return at most `max_rows` rows."""
        statement = self._admit(sql)
        interrupted = [False]
        started = time.perf_counter()
        try:
            with self._engine.connect() as conn, self._deadline(conn, interrupted):
                if self.dialect == "postgres":
                    for prelude in postgres_transaction_sql(self.timeout_seconds):
                        conn.exec_driver_sql(prelude)
                result = conn.execution_options(no_parameters=True).exec_driver_sql(statement)
                columns = list(result.keys()) if result.returns_rows else []
                rows = self._fetch_bounded(result) if result.returns_rows else []
                result.close()
        except DBAPIError as exc:
            raise self._translate(exc, interrupted[0]) from exc
        except sqlite3.Error as exc:
            raise self._translate(exc, interrupted[0]) from exc
        except PoolTimeout as exc:
            raise QueryFailed("every database connection is busy; try again shortly") from exc
        elapsed_ms = (time.perf_counter() - started) * 1000
        truncated = len(rows) > self.max_rows
        return QueryResult(columns, rows[: self.max_rows], truncated, elapsed_ms)

    def _fetch_bounded(self, result) -> list[list]:
        """Up to max_rows + 1 rows (the extra one marks truncation), in small batches, refusing a result
        whose values add up past _MAX_RESULT_BYTES: a thousand 1 MB strings must not reach memory at once."""
        rows: list[list] = []
        size = 0
        while len(rows) <= self.max_rows:
            batch = result.fetchmany(min(_FETCH_BATCH, self.max_rows + 1 - len(rows)))
            if not batch:
                break
            for row in batch:
                size += sum(len(v) if isinstance(v, (str, bytes)) else 8 for v in row)
                rows.append(_plain_row(row))
            if size > _MAX_RESULT_BYTES:
                mb = _MAX_RESULT_BYTES // 1_000_000
                raise SqlRefused(f"the result is larger than {mb} MB; ask for fewer rows or columns",
                                 detail_ko=f"결과가 {mb}MB를 넘어요. 행이나 열을 줄여 주세요")
        return rows

    def close(self) -> None:
        self._engine.dispose()

    def _admit(self, sql: str) -> str:
        """The guard reads the engine's SQLite dialect; other databases run its translation of what it admitted.

        With `use_parser=False` the text runs as written, so tests can aim hostile SQL at the connection itself.
        """
        if not self.use_parser:
            return sql
        statement = check_sql(sql, max_chars=self.max_chars, dialect=ENGINE_DIALECT)
        return translate_sql(statement, self.dialect)

    @contextmanager
    def _deadline(self, conn: Connection, interrupted: list[bool]):
        """Stop a SQLite query at the time limit; PostgreSQL enforces its own statement_timeout."""
        if self.dialect != "sqlite":
            yield
            return
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

    def _translate(self, exc: Exception, interrupted: bool) -> ChatError:
        orig = getattr(exc, "orig", exc)
        state = getattr(orig, "pgcode", None) or getattr(orig, "sqlstate", None)
        if interrupted or state == _POSTGRES_TIMEOUT_STATE:
            return QueryInterrupted(seconds=f"{self.timeout_seconds:g}")
        text = " ".join(str(orig).split()) or type(orig).__name__
        text = text[:_MAX_ERROR_CHARS]
        if any(marker in text.lower() for marker in _REFUSAL_MARKERS):
            return SqlRefused(f"the read-only connection blocked it ({text})", detail_ko=f"읽기 전용 연결이 막았어요 ({text})")
        return QueryFailed(text)


def from_settings(settings) -> ReadOnlyDatabase:
    """The database the app's settings point at, with their row, time and length limits."""
    return ReadOnlyDatabase(
        settings.database_url,
        timeout_seconds=settings.sql_timeout_seconds,
        max_rows=settings.sql_max_rows,
        max_chars=settings.sql_max_chars,
    )


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


def open_sqlite_readonly(path: Path, max_sql_bytes: int) -> sqlite3.Connection:
    """Open an existing SQLite file so that no statement can write it or any other file."""
    if not path.is_file():
        raise QueryFailed(f"the database file {path.name} does not exist; build it first")
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False,
                           isolation_level=None)
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


def _sqlite_engine(url, max_chars: int):
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        raise BadInput("the SQLite database must be a file path (sqlite:///path/to/file.db)")
    path = Path(url.database)
    # UTF-8 needs up to three bytes for a Korean character; this only bounds what the guard already bounded.
    max_sql_bytes = max_chars * 3
    engine = create_engine(
        "sqlite://",
        creator=lambda: open_sqlite_readonly(path, max_sql_bytes),
        poolclass=QueuePool,
        pool_size=4,
        max_overflow=8,
    )
    authorizer = sqlite_authorizer()

    # SQLAlchemy's first-connect probe runs a PRAGMA; "connect" listeners run after it and before the
    # connection is handed out, so no caller statement ever runs without the authorizer.
    @event.listens_for(engine, "connect")
    def _install_authorizer(dbapi_connection, _record):
        dbapi_connection.set_authorizer(authorizer)

    return engine


def postgres_transaction_sql(timeout_seconds: float) -> list[str]:
    """Statements that open every PostgreSQL transaction: read-only, with the time limit."""
    return ["SET TRANSACTION READ ONLY", f"SET LOCAL statement_timeout = {max(1, round(timeout_seconds * 1000))}"]


def postgres_connect_args(timeout_seconds: float) -> dict:
    """Session defaults for libpq drivers, so even a COMMIT smuggled past the guard leaves the session read-only."""
    timeout_ms = max(1, round(timeout_seconds * 1000))
    return {"options": f"-c default_transaction_read_only=on -c statement_timeout={timeout_ms}"}


def _postgres_engine(url, timeout_seconds: float):
    libpq = url.get_driver_name() in ("psycopg2", "psycopg")
    try:
        return create_engine(url, connect_args=postgres_connect_args(timeout_seconds) if libpq else {},
                             pool_pre_ping=True)
    except (NoSuchModuleError, ImportError):
        raise QueryFailed(
            "this URL's PostgreSQL driver is not installed; use postgresql+psycopg:// (psycopg is in requirements.txt)"
        ) from None
