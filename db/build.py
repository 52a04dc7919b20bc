"""Builds the customer database through SQLAlchemy, so DATABASE_URL may be SQLite or PostgreSQL.

A SQLite file is built beside the target under a temporary name and renamed over it only when
complete, so a failed build leaves the old database untouched and readers never see half a table.
Other databases are rebuilt inside one transaction (PostgreSQL's DDL is transactional).

Indexes: the primary keys, product.prdtGrpCd and customer's prdtGrpCd/prdtCd (declared in db.schema),
added because bench/analytics.py measured grouped-by-product, top-N and share questions at ~23 ms p50
without them and ~5 ms with them. ANALYZE runs after the load: without statistics SQLite used the
new indexes for filtered averages too and those got slower (6 -> 11 ms).
"""
from __future__ import annotations

import logging
import os
import threading
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import URL, Connection

from db.catalog import PRODUCTS
from db.schema import Base, Customer, Product
from db.database_url import parse_database_url
from core.errors import BadInput

if TYPE_CHECKING:
    import pandas as pd

try:
    import fcntl
except ImportError:  # Windows: the thread lock plus build-then-rename still keep the file whole
    fcntl = None

log = logging.getLogger(__name__)

CHUNK_ROWS = 10_000
MAX_ROWS = 10_000_000
_ensure_lock = threading.Lock()


def sqlite_file(url: str | URL) -> Path | None:
    """The file behind a SQLite URL, or None for in-memory SQLite and other databases."""
    parsed = parse_database_url(url) if isinstance(url, str) else url
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


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
    Base.metadata.create_all(conn)
    conn.execute(
        insert(Product),
        [
            {
                "prdtCd": p.code,
                "prdtGrpCd": p.group,
                "name_ko": p.name_ko,
                "name_en": p.name_en,
                "monthlyFee": p.monthly_fee,
                "description_ko": p.description_ko,
                "description_en": p.description_en,
            }
            for p in PRODUCTS
        ],
    )
    from db.csv_import import COLUMNS

    frame = customers.loc[:, list(COLUMNS)]
    # Chunks bound memory for large CSV imports; each chunk is one executemany.
    for start in range(0, len(frame), CHUNK_ROWS):
        conn.execute(insert(Customer), frame.iloc[start : start + CHUNK_ROWS].to_dict("records"))
    conn.execute(text("ANALYZE"))


def _build_sqlite_file(parsed: URL, target: Path, customers: pd.DataFrame) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    # The "-" suffix keeps temporary and lock files under .gitignore's db/*.db-* rule.
    temporary = target.with_name(f"{target.name}-building-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    engine = create_engine(parsed.set(database=str(temporary)))
    try:
        with engine.begin() as conn:
            _fill(conn, customers)
        engine.dispose()
        # A leftover journal of the old file would be replayed into the new one and corrupt it.
        for suffix in ("-journal", "-wal"):
            target.with_name(target.name + suffix).unlink(missing_ok=True)
        os.replace(temporary, target)
    except BaseException:
        engine.dispose()
        for leftover in (temporary, temporary.with_name(temporary.name + "-journal")):
            leftover.unlink(missing_ok=True)
        raise


def build_database(url: str, rows: int = 70_000, seed: int = 42, csv_path: Path | None = None) -> dict:
    """Create both tables and fill them from the generator, or from `csv_path` (then `rows`/`seed` are unused)."""
    parsed = parse_database_url(url)
    target = sqlite_file(parsed)
    if parsed.get_backend_name() == "sqlite" and target is None:
        raise BadInput("an in-memory SQLite database would vanish after the build; give a file path")
    customers = _customer_frame(rows, seed, csv_path)
    if target is not None:
        _build_sqlite_file(parsed, target, customers)
        database = str(target)
    else:
        engine = create_engine(parsed)
        try:
            with engine.begin() as conn:
                _fill(conn, customers)
        finally:
            engine.dispose()
        database = parsed.render_as_string(hide_password=True)
    log.info("built %s with %d customers", database, len(customers))
    return {"database": database, "rows": len(customers)}


def ensure_database(settings) -> str:
    """Return settings.database_url, first building the default data set if its SQLite file is missing."""
    url = settings.database_url
    target = sqlite_file(url)
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
