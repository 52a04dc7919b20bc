"""Fixtures shared by every test package; each builds from the real code, never from hand-written rows."""
from __future__ import annotations

import hashlib

import pytest

from db.build import build_database
from engine.settings import offline_settings

# The local wire-protocol servers' fixtures (local_server, aws_env, no_botocore_backoff), for any test.
pytest_plugins = ["wire.servers"]

SMALL_DB_ROWS = 3_000
SMALL_DB_SEED = 7


def _folder_hashes(folder) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="session")
def small_db(tmp_path_factory) -> str:
    """SQLAlchemy URL of a 3,000-row database built once per test session from the generator (seed 7).

    Every test that shares it sends its hostile input at it through the app; when the session ends, the
    database (and its folder) must be byte-for-byte what was built, or the run errors."""
    path = tmp_path_factory.mktemp("db") / "small.db"
    build_database(f"sqlite:///{path}", rows=SMALL_DB_ROWS, seed=SMALL_DB_SEED)
    built = _folder_hashes(path.parent)
    yield f"sqlite:///{path}"
    assert _folder_hashes(path.parent) == built, "the shared test database changed during the test session"


@pytest.fixture
def settings(small_db, tmp_path):
    """Offline settings (rules backends, no .env) pointed at the small database and a fresh app-state one."""
    return offline_settings(database_url=small_db, state_database_url=f"sqlite:///{tmp_path / 'state.db'}")
