"""A real PostgreSQL server for the engine tests, started once per session where the machine has one."""
from __future__ import annotations

import tempfile
from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from bench.postgres_server import ServerUnavailable, running_postgres
from db.database_url import parse_database_url


@pytest.fixture(scope="session")
def postgres_server():
    """A function that makes a fresh, empty database on one shared server and returns its URL."""
    with ExitStack() as stack:
        # Not tmp_path: as root the server runs as `postgres`, which cannot enter pytest's private folders.
        root = Path(tempfile.mkdtemp(prefix="pg-test-"))
        try:
            admin_url = stack.enter_context(running_postgres(root))
        except ServerUnavailable as exc:
            pytest.skip(str(exc))
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        stack.callback(admin.dispose)

        def new_database(name: str) -> str:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
            return parse_database_url(admin_url).set(database=name).render_as_string(hide_password=False)

        yield new_database
