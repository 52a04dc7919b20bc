"""Hostile statements through the full path: each is stopped, the database files stay byte-identical, no file appears.

The same corpus runs a second time with the parser switched off, to show the read-only connection alone holds.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import QueryFailed, QueryInterrupted, SqlRefused
from engine.sql_exec import ReadOnlyDatabase
from hostile_corpus import ENDLESS, HOSTILE
from read_only_checks import assert_connection_stops, folder_left_unchanged, snapshot
from test_sql_exec import make_fixture_db


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("hostile")
    make_fixture_db(directory / "customers.db")
    return directory


def _open(directory: Path, use_parser: bool) -> ReadOnlyDatabase:
    return ReadOnlyDatabase(f"sqlite:///{directory / 'customers.db'}", timeout_seconds=0.3, use_parser=use_parser)


@pytest.fixture(scope="module")
def guarded(hostile_dir):
    db = _open(hostile_dir, use_parser=True)
    yield db
    db.close()


@pytest.fixture(scope="module")
def connection_only(hostile_dir):
    db = _open(hostile_dir, use_parser=False)
    yield db
    db.close()


@pytest.mark.parametrize("sql", HOSTILE, ids=range(len(HOSTILE)))
def test_guarded_path_refuses_and_changes_nothing(guarded, hostile_dir, sql):
    with folder_left_unchanged(hostile_dir):
        with pytest.raises(SqlRefused) as caught:
            guarded.run(sql.format(dir=hostile_dir))
        assert caught.value.message("en") and caught.value.message("ko")
        assert isinstance(caught.value, QueryInterrupted) if sql == ENDLESS else caught.value.detail


@pytest.mark.parametrize("sql", HOSTILE, ids=range(len(HOSTILE)))
def test_connection_layer_alone_stops_the_corpus(connection_only, hostile_dir, sql):
    with folder_left_unchanged(hostile_dir):
        assert_connection_stops(connection_only, sql.format(dir=hostile_dir))


def test_connection_layer_denies_schema_reads_on_its_first_statement(hostile_dir):
    db = _open(hostile_dir, use_parser=False)
    with pytest.raises(SqlRefused, match="read-only connection"):
        db.run("SELECT name FROM sqlite_master")
    db.close()


@pytest.mark.parametrize("sql", [
    "WITH RECURSIVE r(s) AS (SELECT 'x' UNION ALL SELECT s || s FROM r) SELECT length(s) FROM r",
    "WITH RECURSIVE r(s) AS (SELECT 'x' UNION ALL SELECT replace(s, 'x', 'xx') FROM r) SELECT length(s) FROM r",
])
def test_memory_bombs_built_from_admitted_functions_hit_the_value_size_limit(guarded, hostile_dir, sql):
    """Every function here passes the guard; what stops them is SQLITE_LIMIT_LENGTH ('string or blob too big')."""
    before = snapshot(hostile_dir)
    with pytest.raises(QueryFailed, match="too big"):
        guarded.run(sql)
    assert snapshot(hostile_dir) == before
