"""Builds the customer database through SQLAlchemy, so DATABASE_URL may be SQLite, DuckDB or PostgreSQL.

A SQLite or DuckDB file is built beside the target under a temporary name and renamed over it only when
complete, so a failed build leaves the old database untouched and readers never see half a table.
Other databases are rebuilt inside one transaction (PostgreSQL's DDL is transactional). Rows arrive by
each database's bulk path (db.bulk_load) and the secondary indexes are made after the load.

Indexes: the primary keys, product.prdtGrpCd and customer's prdtGrpCd/prdtCd (declared in db.schema),
added because bench/analytics.py measured grouped-by-product, top-N and share questions at ~23 ms p50
without them and ~5 ms with them. ANALYZE runs after the load: without statistics SQLite used the
new indexes for filtered averages too and those got slower (6 -> 11 ms). PostgreSQL also gets
(prdtGrpCd, age) and a VACUUM after the build (measured at 700,000 and 7,000,000 rows by bench/scale.py;
see db.schema and _vacuum_postgres). DuckDB gets no secondary index: it skips row groups by their min/max,
and at 700,000 rows its ART indexes added 1.3 s to the build without a measurable gain.
"""
from __future__ import annotations

import logging
import os
import threading
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import create_engine, event, insert, text
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.exc import NoSuchModuleError
from sqlalchemy.schema import AddConstraint, CreateTable

from db.catalog import PRODUCTS
from db.schema import Base, Product
from db.database_url import parse_database_url
from core.errors import BadInput

if TYPE_CHECKING:
    import pandas as pd

try:
    import fcntl
except ImportError:  # Windows: the thread lock plus build-then-rename still keep the file whole
    fcntl = None

log = logging.getLogger(__name__)

MAX_ROWS = 10_000_000
# Databases kept in one file, built under a temporary name and renamed into place.
FILE_BACKENDS = ("sqlite", "duckdb")
# What each file database writes beside the file; a stale one would be replayed into the new file.
_SIDE_FILES = {"sqlite": ("-journal", "-wal", "-shm"), "duckdb": (".wal",)}
_ensure_lock = threading.Lock()


def database_file(url: str | URL) -> Path | None:
    """The file behind a SQLite or DuckDB URL, or None for in-memory databases and servers."""
    parsed = parse_database_url(url)
    if parsed.get_backend_name() not in FILE_BACKENDS or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def sqlite_file(url: str | URL) -> Path | None:
    """The file behind a SQLite URL, or None for in-memory SQLite and other databases."""
    parsed = parse_database_url(url)
    return database_file(parsed) if parsed.get_backend_name() == "sqlite" else None


def _customer_frame(rows: int, seed: int, csv_path: Path | None) -> pd.DataFrame:
    if csv_path is not None:
        from db.csv_import import read_purchase_csv  # pandas loads only when something is built

        return read_purchase_csv(csv_path)
    if not 1 <= rows <= MAX_ROWS:
        raise BadInput(f"rows must be between 1 and {MAX_ROWS:,}, got {rows}")
    if seed < 0:
        raise BadInput(f"seed must be zero or positive, got {seed}")
    from db.generator import generate_customers

    return generate_customers(rows=rows, seed=seed)


def _fill(conn: Connection, customers: pd.DataFrame) -> None:
    Base.metadata.drop_all(conn)
    tables = Base.metadata.sorted_tables
    # PostgreSQL checks a foreign key row by row during COPY (a trigger each); added after the load it is
    # one join. SQLite does not enforce it unless asked and DuckDB cannot add one later, so they keep it inline.
    defer_keys = conn.dialect.name == "postgresql"
    for table in tables:
        conn.execute(CreateTable(table, include_foreign_key_constraints=[] if defer_keys else None))
    conn.execute(insert(Product), [p.table_row() for p in PRODUCTS])
    from db.bulk_load import load_customers  # NumPy and pandas load only when something is built
    from db.csv_import import COLUMNS

    load_customers(conn, customers.loc[:, list(COLUMNS)])
    # Indexes after the load: one sort each instead of maintaining them row by row; none for DuckDB.
    if defer_keys:
        for table in tables:
            for key in sorted(table.foreign_key_constraints, key=lambda k: k.name or ""):
                conn.execute(AddConstraint(key))
    if conn.dialect.name != "duckdb":
        for table in tables:
            for index in sorted(table.indexes, key=lambda i: i.name):
                index.create(conn)  # honours an index's ddl_if(dialect=...), unlike a bare CreateIndex
    conn.execute(text("ANALYZE"))


def _vacuum_postgres(engine: Engine) -> None:
    """Mark every page all-visible, so counts and group-bys are index-only scans from the first query on
    instead of after autovacuum gets round to it (700,000 rows: 82 -> 60 ms for a count, 166 -> 92 ms by
    product). VACUUM cannot run inside the build's transaction."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM (ANALYZE) customer, product")


def _create_engine(parsed: URL) -> Engine:
    try:
        return create_engine(parsed)
    except (NoSuchModuleError, ImportError):
        backend = parsed.get_backend_name()
        raise BadInput(
            f"the driver for {backend[:24]!r} URLs is not installed (requirements.txt has sqlite, "
            "duckdb and postgresql+psycopg)"
        ) from None


def _build_file(parsed: URL, target: Path, customers: pd.DataFrame) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    backend = parsed.get_backend_name()
    # The "-" suffix keeps temporary and lock files under .gitignore's db/*.db-* rule.
    temporary = target.with_name(f"{target.name}-building-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    engine = _create_engine(parsed.set(database=str(temporary)))
    if backend == "sqlite":
        # No journal for a file nobody reads yet: a failed build deletes it instead of rolling back.
        @event.listens_for(engine, "connect")
        def _fast_build(dbapi_connection, _record):
            dbapi_connection.execute("PRAGMA journal_mode = OFF")
            dbapi_connection.execute("PRAGMA synchronous = OFF")

    side_files = _SIDE_FILES.get(backend, ())
    try:
        with engine.begin() as conn:
            _fill(conn, customers)
        engine.dispose()
        for suffix in side_files:
            target.with_name(target.name + suffix).unlink(missing_ok=True)
        os.replace(temporary, target)
    except BaseException:
        engine.dispose()
        for leftover in (temporary, *(temporary.with_name(temporary.name + s) for s in side_files)):
            leftover.unlink(missing_ok=True)
        raise


def build_database(url: str, rows: int = 70_000, seed: int = 42, csv_path: Path | None = None) -> dict:
    """Create both tables and fill them from the generator, or from `csv_path` (then `rows`/`seed` are unused)."""
    parsed = parse_database_url(url)
    target = database_file(parsed)
    if parsed.get_backend_name() in FILE_BACKENDS and target is None:
        raise BadInput("an in-memory database would vanish after the build; give a file path")
    customers = _customer_frame(rows, seed, csv_path)
    if target is not None:
        _build_file(parsed, target, customers)
        database = str(target)
    else:
        engine = _create_engine(parsed)
        try:
            with engine.begin() as conn:
                _fill(conn, customers)
            if parsed.get_backend_name() == "postgresql":
                _vacuum_postgres(engine)
        finally:
            engine.dispose()
        database = parsed.render_as_string(hide_password=True)
    log.info("built %s with %d customers", database, len(customers))
    return {"database": database, "rows": len(customers)}


def ensure_database(settings) -> str:
    """Return settings.database_url, first building the default data set if its SQLite or DuckDB file is missing."""
    url = settings.database_url
    target = database_file(url)
    if target is None or target.exists():
        return url
    target.parent.mkdir(parents=True, exist_ok=True)
    with _ensure_lock, open(target.with_name(target.name + "-lock"), "a") as lock_file:
        if fcntl is not None:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
        # Another thread or process may have finished the build while we waited for the lock.
        if not target.exists():
            log.info("database %s is missing; building it now", target)
            build_database(url)
    return url
