"""DuckDB behind the same layers as SQLite: the guard, then a read-only, locked connection with no way out.

Each hostile statement is stopped, the database file stays byte-identical and no file appears beside it,
with the parser on and with it off (the connection alone), for the shared corpus and for DuckDB's own
ways to reach files, URLs, extensions and settings.
"""
from __future__ import annotations

import time

import pytest

from core.errors import BadInput, QueryFailed, QueryInterrupted, SqlRefused
from db.build import build_database
from engine.sql_exec import ReadOnlyDatabase, from_settings
from engine.settings import offline_settings
from hostile_corpus import ENDLESS, HOSTILE
from read_only_checks import assert_connection_stops, folder_left_unchanged, snapshot

ROWS = 2_000
SEED = 7

# DuckDB's own doors to the outside; each must be shut by the connection itself, not only by the guard.
DUCKDB_HOSTILE = [
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_csv_auto('/etc/os-release')",
    "SELECT * FROM read_text('/etc/hostname')",
    "SELECT * FROM read_blob('/etc/hostname')",
    "SELECT * FROM read_parquet('https://example.com/x.parquet')",
    "SELECT * FROM read_json('/etc/os-release')",
    "SELECT * FROM glob('/etc/*')",
    "SELECT * FROM sniff_csv('/etc/passwd')",
    "SELECT * FROM '/etc/passwd'",
    "COPY customer TO '{dir}/out.txt'",
    "COPY (SELECT * FROM customer) TO '{dir}/out.txt' (FORMAT csv)",
    "COPY customer FROM '/etc/passwd'",
    "EXPORT DATABASE '{dir}/copy.db'",
    "IMPORT DATABASE '{dir}'",
    "ATTACH '{dir}/attached.db' AS evil",
    "ATTACH ':memory:' AS scratch",
    "INSTALL httpfs",
    "LOAD httpfs",
    "LOAD '{dir}/evil.duckdb_extension'",
    "SET enable_external_access = true",
    "SET memory_limit = '100GB'",
    "SET threads = 64",
    "SET integer_division = false",
    "RESET enable_external_access",
    "PRAGMA threads = 64",
    "SET GLOBAL lock_configuration = false",
    "CREATE SECRET evil (TYPE s3, KEY_ID 'a', SECRET 'b')",
    "CREATE TABLE evil AS SELECT * FROM customer",
    "CREATE VIEW evil AS SELECT 1",
    "CREATE MACRO evil(x) AS x",
    "CREATE SEQUENCE evil",
    "INSERT INTO customer SELECT * FROM customer LIMIT 1",
    "UPDATE customer SET age = 0",
    "DELETE FROM customer",
    "DROP TABLE customer",
    "ALTER TABLE customer ADD COLUMN evil INTEGER",
    "TRUNCATE customer",
    "DETACH main",
    "BEGIN",
]

# Statements of the shared corpus that a read-only DuckDB connection runs without error: transaction and
# maintenance no-ops, DuckDB's SQLite-compatible views of the schema (public: the SQL prompt carries it), and
# a format() that DuckDB reads as a plain string. The guard refuses every one; the file stays byte-identical.
CONNECTION_ANSWERS = {
    "VACUUM", "COMMIT", "ROLLBACK", "ANALYZE", "PRAGMA table_info(customer)", "SELECT * FROM sqlite_master",
    "SELECT sql FROM sqlite_schema", "SELECT * FROM pragma_table_info('customer')",
    "SELECT format('%.*c', 999999999, 'x')",
}


@pytest.fixture(scope="module")
def duckdb_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("duckdb")
    build_database(f"duckdb:///{directory / 'customers.duckdb'}", rows=ROWS, seed=SEED)
    return directory


def _url(directory) -> str:
    return f"duckdb:///{directory / 'customers.duckdb'}"


@pytest.fixture(scope="module")
def guarded(duckdb_dir):
    db = ReadOnlyDatabase(_url(duckdb_dir), timeout_seconds=0.5)
    yield db
    db.close()


@pytest.fixture(scope="module")
def connection_only(duckdb_dir):
    db = ReadOnlyDatabase(_url(duckdb_dir), timeout_seconds=0.5, use_parser=False)
    yield db
    db.close()


def test_answers_match_the_data(guarded):
    assert guarded.dialect == "duckdb"
    result = guarded.run("SELECT COUNT(*) AS users, MIN(age) AS youngest FROM customer")
    assert result.columns == ["users", "youngest"]
    assert result.rows[0][0] == ROWS and result.rows[0][1] >= 19


def test_age_bands_are_whole_decades_as_in_sqlite(guarded):
    result = guarded.run("SELECT (age/10)*10 AS ageBand, COUNT(*) AS users FROM customer GROUP BY ageBand "
                         "ORDER BY ageBand")
    bands = [row[0] for row in result.rows]
    assert all(isinstance(b, int) and b % 10 == 0 for b in bands) and 40 in bands


def test_rows_are_bounded_and_truncation_is_marked(duckdb_dir):
    db = ReadOnlyDatabase(_url(duckdb_dir), max_rows=25)
    result = db.run("SELECT id, age FROM customer")
    assert len(result.rows) == 25 and result.truncated is True
    assert db.run("SELECT id FROM customer LIMIT 25").truncated is False


def test_a_result_past_the_byte_limit_is_refused(guarded):
    # About 1 MB a row from admitted functions only: the executor stops it at 5 MB, not the client's memory.
    sql = ("WITH RECURSIVE r(n, s) AS (SELECT 1, 'x' UNION ALL SELECT n + 1, s || s FROM r WHERE n < 21) "
           "SELECT s FROM r, customer WHERE n = 21 LIMIT 20")
    with pytest.raises(SqlRefused, match="larger than 5 MB"):
        guarded.run(sql)


def test_the_deadline_interrupts_an_endless_query_and_the_connection_recovers(guarded):
    started = time.monotonic()
    with pytest.raises(QueryInterrupted):
        guarded.run(ENDLESS)
    assert time.monotonic() - started < 10
    assert guarded.run("SELECT COUNT(*) AS users FROM customer").rows == [[ROWS]]


def test_a_memory_bomb_from_admitted_functions_is_stopped(duckdb_dir):
    db = ReadOnlyDatabase(_url(duckdb_dir), timeout_seconds=5)
    before = snapshot(duckdb_dir)
    with pytest.raises((QueryFailed, QueryInterrupted)):
        db.run("WITH RECURSIVE r(s) AS (SELECT 'x' UNION ALL SELECT s || s FROM r) SELECT length(s) FROM r")
    assert snapshot(duckdb_dir) == before
    db.close()


def test_the_connection_is_read_only_locked_and_shut_off_from_files(connection_only):
    settings = dict(connection_only.run(
        "SELECT name, value FROM duckdb_settings() WHERE name IN ('access_mode', 'enable_external_access', "
        "'lock_configuration', 'autoload_known_extensions', 'autoinstall_known_extensions', 'temp_directory', "
        "'integer_division')"
    ).rows)
    assert settings == {
        "access_mode": "read_only", "enable_external_access": "false", "lock_configuration": "true",
        "autoload_known_extensions": "false", "autoinstall_known_extensions": "false", "temp_directory": "",
        "integer_division": "true",
    }


@pytest.mark.parametrize("sql", HOSTILE, ids=range(len(HOSTILE)))
def test_guarded_path_refuses_the_shared_corpus_and_changes_nothing(guarded, duckdb_dir, sql):
    with folder_left_unchanged(duckdb_dir):
        with pytest.raises(SqlRefused) as caught:
            guarded.run(sql.format(dir=duckdb_dir))
        assert isinstance(caught.value, QueryInterrupted) if sql == ENDLESS else caught.value.detail


@pytest.mark.parametrize("sql", HOSTILE, ids=range(len(HOSTILE)))
def test_connection_layer_alone_holds_against_the_shared_corpus(connection_only, duckdb_dir, sql):
    statement = sql.format(dir=duckdb_dir)
    with folder_left_unchanged(duckdb_dir):
        if sql in CONNECTION_ANSWERS:
            connection_only.run(statement)
        else:
            assert_connection_stops(connection_only, statement)


@pytest.mark.parametrize("sql", DUCKDB_HOSTILE, ids=range(len(DUCKDB_HOSTILE)))
def test_connection_layer_alone_shuts_duckdbs_own_doors(connection_only, duckdb_dir, sql):
    with folder_left_unchanged(duckdb_dir):
        assert_connection_stops(connection_only, sql.format(dir=duckdb_dir))


@pytest.mark.parametrize("sql", DUCKDB_HOSTILE, ids=range(len(DUCKDB_HOSTILE)))
def test_guard_refuses_duckdbs_own_doors_before_any_connection(guarded, sql):
    with pytest.raises(SqlRefused):
        guarded.run(sql.format(dir="/tmp"))


def test_a_temporary_table_is_all_the_connection_alone_lets_a_statement_create(connection_only, duckdb_dir):
    """DuckDB keeps temporary tables in memory even on a read-only file, under the memory limit; the guard
    refuses CREATE, and nothing reaches the disk."""
    before = snapshot(duckdb_dir)
    connection_only.run("CREATE TEMP TABLE scratch AS SELECT 1 AS x")
    assert snapshot(duckdb_dir) == before
    with pytest.raises(SqlRefused):
        ReadOnlyDatabase(_url(duckdb_dir)).run("CREATE TEMP TABLE scratch2 AS SELECT 1 AS x")


def test_the_connection_layer_blocks_writes_and_file_access_as_refusals(connection_only, duckdb_dir):
    for sql in ("DELETE FROM customer", f"COPY customer TO '{duckdb_dir}/out.txt'", "SET threads = 1"):
        with pytest.raises(SqlRefused, match="read-only connection"):
            connection_only.run(sql)


@pytest.mark.parametrize("url", [
    "duckdb://", "duckdb:///:memory:", "duckdb:///md:my_db",
    "duckdb:///{dir}/customers.duckdb?enable_external_access=true",
])
def test_urls_that_are_not_a_plain_file_are_refused(duckdb_dir, url):
    with pytest.raises(BadInput):
        ReadOnlyDatabase(url.format(dir=duckdb_dir))


def test_a_missing_file_is_reported_and_not_created(tmp_path):
    db = ReadOnlyDatabase(f"duckdb:///{tmp_path / 'missing.duckdb'}")
    with pytest.raises(QueryFailed, match="does not exist"):
        db.run("SELECT 1")
    assert list(tmp_path.iterdir()) == []


def test_a_second_opener_with_other_limits_gets_a_clear_error(duckdb_dir, guarded):
    guarded.run("SELECT 1")  # the first opener's settings hold for this file in this process
    other = ReadOnlyDatabase(_url(duckdb_dir), duckdb_threads=1 if guarded._access.threads != 1 else 2)
    with pytest.raises(QueryFailed, match="already open in this process"):
        other.run("SELECT 1")


def test_settings_carry_the_duckdb_limits(duckdb_dir):
    settings = offline_settings(database_url=_url(duckdb_dir), duckdb_memory_limit="512MB", duckdb_threads=1)
    db = from_settings(settings)
    assert (db._access.memory_limit, db._access.threads) == ("512MB", 1)
    with pytest.raises(ValueError):
        offline_settings(duckdb_memory_limit="lots")


def test_the_rules_analytics_path_answers_from_duckdb(duckdb_dir):
    from engine.app import Engine

    answer = Engine(offline_settings(database_url=_url(duckdb_dir))).ask("제품군별 사용자 수")
    assert answer.columns[:2] == ["prdtGrpCd", "users"]
    assert sum(row[1] for row in answer.rows) == ROWS
