"""The one path every statement takes to the database: guard, then a read-only connection with bounded rows and time.

Each database has its own read-only layer under the guard (engine/sql_exec_sqlite.py, _postgres.py,
_duckdb.py): a statement the parser misjudged still cannot change anything or reach a file.
"""
from __future__ import annotations

import datetime as dt
import math
import os
import time
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from core.errors import BadInput, ChatError, QueryFailed, QueryInterrupted, SqlRefused
from db.database_url import parse_database_url
from engine.sql_dialect import ENGINE_DIALECT, dialect_for_url, translate_sql
from engine.sql_exec_duckdb import DEFAULT_MEMORY_LIMIT, DuckdbAccess
from engine.sql_exec_postgres import TIMEOUT_STATE, PostgresAccess, postgres_connect_args, postgres_transaction_sql
from engine.sql_exec_sqlite import SqliteAccess, open_sqlite_readonly, sqlite_authorizer
from engine.sql_guard import check_sql

__all__ = [
    "QueryResult", "ReadOnlyDatabase", "from_settings", "json_value", "open_sqlite_readonly",
    "postgres_connect_args", "postgres_transaction_sql", "sqlite_authorizer",
]

# What one answer may carry in all; the table, the chart and the CSV are for people, not bulk export.
_MAX_RESULT_BYTES = 5_000_000
_FETCH_BATCH = 50
_MAX_ERROR_CHARS = 200

_REFUSAL_MARKERS = (
    "not authorized", "authorization denied", "prohibited", "readonly database", "too many attached",
    "read-only transaction",
)


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
        duckdb_memory_limit: str = DEFAULT_MEMORY_LIMIT,
        duckdb_threads: int | None = None,
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
            self._access = SqliteAccess(parsed, timeout_seconds=self.timeout_seconds, max_chars=self.max_chars)
        elif self.dialect == "postgres":
            self._access = PostgresAccess(parsed, timeout_seconds=self.timeout_seconds)
        elif self.dialect == "duckdb":
            threads = duckdb_threads or min(4, os.cpu_count() or 1)
            self._access = DuckdbAccess(parsed, timeout_seconds=self.timeout_seconds,
                                        memory_limit=duckdb_memory_limit, threads=threads)
        else:
            raise BadInput("only SQLite, PostgreSQL and DuckDB databases can be opened read-only")
        self._engine = self._access.engine
        self._refusal_markers = _REFUSAL_MARKERS + self._access.refusal_markers

    def run(self, sql: str) -> QueryResult:
        """Guard `sql`, run it read-only and return at most `max_rows` rows."""
        statement = self._admit(sql)
        interrupted = [False]
        started = time.perf_counter()
        try:
            with self._engine.connect() as conn, self._access.deadline(conn, interrupted):
                self._access.begin(conn)
                result = conn.execution_options(no_parameters=True).exec_driver_sql(statement)
                columns = list(result.keys()) if result.returns_rows else []
                rows = self._fetch_bounded(result) if result.returns_rows else []
                result.close()
        except DBAPIError as exc:
            raise self._translate(exc, interrupted[0]) from exc
        except self._access.driver_errors as exc:
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

    def _translate(self, exc: Exception, interrupted: bool) -> ChatError:
        orig = getattr(exc, "orig", exc)
        state = getattr(orig, "pgcode", None) or getattr(orig, "sqlstate", None)
        if interrupted or state == TIMEOUT_STATE:
            return QueryInterrupted(seconds=f"{self.timeout_seconds:g}")
        text = " ".join(str(orig).split()) or type(orig).__name__
        text = text[:_MAX_ERROR_CHARS]
        if any(marker in text.lower() for marker in self._refusal_markers):
            return SqlRefused(f"the read-only connection blocked it ({text})", detail_ko=f"읽기 전용 연결이 막았어요 ({text})")
        return QueryFailed(text)


def from_settings(settings) -> ReadOnlyDatabase:
    """The database the app's settings point at, with their row, time, length and DuckDB resource limits."""
    return ReadOnlyDatabase(
        settings.database_url,
        timeout_seconds=settings.sql_timeout_seconds,
        max_rows=settings.sql_max_rows,
        max_chars=settings.sql_max_chars,
        duckdb_memory_limit=settings.duckdb_memory_limit,
        duckdb_threads=settings.duckdb_threads,
    )
