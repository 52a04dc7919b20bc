"""PostgreSQL in a read-only transaction with a statement timeout, and a read-only session underneath it."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import create_engine
from sqlalchemy.engine import Connection
from sqlalchemy.exc import NoSuchModuleError

from core.errors import QueryFailed

TIMEOUT_STATE = "57014"


def postgres_transaction_sql(timeout_seconds: float) -> list[str]:
    """Statements that open every PostgreSQL transaction: read-only, with the time limit."""
    return ["SET TRANSACTION READ ONLY", f"SET LOCAL statement_timeout = {max(1, round(timeout_seconds * 1000))}"]


def postgres_connect_args(timeout_seconds: float) -> dict:
    """Session defaults for libpq drivers, so even a COMMIT smuggled past the guard leaves the session read-only."""
    timeout_ms = max(1, round(timeout_seconds * 1000))
    return {"options": f"-c default_transaction_read_only=on -c statement_timeout={timeout_ms}"}


class PostgresAccess:
    """The engine for one PostgreSQL database; the server enforces the time limit itself."""

    driver_errors: tuple[type[BaseException], ...] = ()  # psycopg's errors all arrive wrapped as DBAPIError
    refusal_markers: tuple[str, ...] = ()

    def __init__(self, url, *, timeout_seconds: float):
        self.timeout_seconds = timeout_seconds
        libpq = url.get_driver_name() in ("psycopg2", "psycopg")
        try:
            self.engine = create_engine(
                url, connect_args=postgres_connect_args(timeout_seconds) if libpq else {}, pool_pre_ping=True
            )
        except (NoSuchModuleError, ImportError):
            raise QueryFailed(
                "this URL's PostgreSQL driver is not installed; use postgresql+psycopg:// (psycopg is in requirements.txt)"
            ) from None

    def begin(self, conn: Connection) -> None:
        for prelude in postgres_transaction_sql(self.timeout_seconds):
            conn.exec_driver_sql(prelude)

    @contextmanager
    def deadline(self, conn: Connection, interrupted: list[bool]):
        yield  # statement_timeout, set in begin(); its error carries TIMEOUT_STATE
