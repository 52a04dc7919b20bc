"""SQLite-dialect SQL (generators, knowledge base) must mean the same on PostgreSQL once translated."""
from __future__ import annotations

import pytest
from sqlglot import exp, parse_one

from db.build import build_database
from db.knowledge_base import load_pairs
from core.errors import QueryInterrupted, SqlRefused
from engine.sql_exec import ReadOnlyDatabase
from engine.sql_dialect import translate_sql
from engine.sql_guard import check_sql

ROWS = 2000
SEED = 7
KB_SQL = [pair.sql for pair in load_pairs()]


def _pg(sql: str) -> str:
    return translate_sql(check_sql(sql), "postgres")


# --- translation: always runs ---------------------------------------------------------------------


def test_mixed_case_identifiers_are_quoted_with_the_schema_spelling():
    sql = _pg("SELECT prdtgrpcd, AVG(HOUSEHOLD) AS avgHouseHold FROM Customer GROUP BY PRDTGRPCD ORDER BY avghousehold")
    assert sql.startswith('SELECT "prdtGrpCd", AVG("houseHold") AS "avgHouseHold" FROM "customer"')
    assert 'GROUP BY "prdtGrpCd" ORDER BY "avgHouseHold"' in sql


def test_integer_bands_stay_integer_division():
    sql = _pg("SELECT (age/10)*10 AS ageBand, COUNT(*) AS users FROM customer GROUP BY ageBand")
    tree = parse_one(sql, read="postgres")
    division = tree.find(exp.Div)
    # No cast to a fractional type: PostgreSQL's integer / integer truncates exactly as SQLite's does.
    assert division.this.name == "age" and not list(tree.find_all(exp.Cast))
    assert '"ageBand"' in sql


def test_like_keeps_sqlites_ascii_case_insensitivity():
    sql = _pg("SELECT name_en FROM product WHERE name_en LIKE '%Water%' ESCAPE '!'")
    assert "ILIKE '%Water%' ESCAPE '!'" in sql


def test_sqlite_targets_run_the_admitted_text_unchanged():
    assert translate_sql("SELECT prdtGrpCd FROM customer", "sqlite") == "SELECT prdtGrpCd FROM customer"


@pytest.mark.parametrize("sql", KB_SQL)
def test_every_knowledge_base_query_translates_with_every_identifier_quoted(sql):
    tree = parse_one(_pg(sql), read="postgres")
    unquoted = [node.name for node in tree.find_all(exp.Identifier) if not node.quoted]
    assert unquoted == []


def test_postgres_databases_are_guarded_in_sqlite_dialect_before_any_connection():
    db = ReadOnlyDatabase("postgresql+psycopg://app:pw@127.0.0.1:1/x")
    with pytest.raises(SqlRefused):
        db.run("DELETE FROM customer")
    with pytest.raises(SqlRefused):
        db.run("SELECT load_extension('x')")


# --- a real PostgreSQL server: runs only where one can be started ---------------------------------


@pytest.fixture(scope="module")
def postgres_url(postgres_server):
    url = postgres_server("translation")
    build_database(url, rows=ROWS, seed=SEED)
    return url


@pytest.fixture(scope="module")
def sqlite_url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'customers.db'}"
    build_database(url, rows=ROWS, seed=SEED)
    return url


def _comparable(rows: list[list]) -> list[tuple]:
    return sorted((tuple(round(v, 6) if isinstance(v, float) else v for v in row) for row in rows), key=repr)


def test_the_rules_analytics_path_answers_from_postgres(postgres_url):
    from engine.app import Engine
    from engine.settings import offline_settings

    answer = Engine(offline_settings(database_url=postgres_url)).ask("제품군별 사용자 수")
    assert answer.columns[:2] == ["prdtGrpCd", "users"]
    assert {row[0] for row in answer.rows} == {"정수기", "공기청정기", "비데", "식기세척기", "매트리스"}
    assert sum(row[1] for row in answer.rows) == ROWS


def test_age_bands_are_whole_decades_on_postgres(postgres_url):
    result = ReadOnlyDatabase(postgres_url).run(
        "SELECT (age/10)*10 AS ageBand, COUNT(*) AS users FROM customer GROUP BY ageBand ORDER BY ageBand"
    )
    assert result.columns == ["ageBand", "users"]
    bands = [row[0] for row in result.rows]
    assert 30 in bands and 40 in bands and all(isinstance(b, int) and b % 10 == 0 for b in bands)


def test_every_knowledge_base_query_gives_the_same_rows_on_both_databases(postgres_url, sqlite_url):
    on_postgres, on_sqlite = ReadOnlyDatabase(postgres_url), ReadOnlyDatabase(sqlite_url)
    for sql in KB_SQL:
        expected, got = on_sqlite.run(sql), on_postgres.run(sql)
        assert got.columns == expected.columns, sql
        assert _comparable(got.rows) == _comparable(expected.rows), sql


def test_postgres_refuses_writes_and_stops_long_queries(postgres_url):
    guarded = ReadOnlyDatabase(postgres_url)
    with pytest.raises(SqlRefused):
        guarded.run("DELETE FROM customer")
    raw = ReadOnlyDatabase(postgres_url, timeout_seconds=0.3, use_parser=False)
    for statement in ("DELETE FROM customer", "COMMIT; DELETE FROM customer", "CREATE TABLE x (id int)"):
        with pytest.raises(SqlRefused):
            raw.run(statement)
    with pytest.raises(QueryInterrupted):
        raw.run("SELECT pg_sleep(5)")
    assert guarded.run("SELECT COUNT(*) AS users FROM customer").rows == [[ROWS]]


def test_postgres_gets_the_group_age_index_and_a_vacuum_and_sqlite_does_not(postgres_url, sqlite_url):
    from sqlalchemy import create_engine, inspect

    engine = create_engine(postgres_url)
    try:
        assert "ix_customer_prdtGrpCd_age" in {ix["name"] for ix in inspect(engine).get_indexes("customer")}
        # Added after the COPY rather than checked row by row during it; it must still be there.
        assert [fk["referred_table"] for fk in inspect(engine).get_foreign_keys("customer")] == ["product"]
        with engine.connect() as conn:
            vacuumed = conn.exec_driver_sql(
                "SELECT last_vacuum IS NOT NULL FROM pg_stat_user_tables WHERE relname = 'customer'").scalar()
        assert vacuumed
    finally:
        engine.dispose()
    sqlite = create_engine(sqlite_url)
    try:
        names = {ix["name"] for ix in inspect(sqlite).get_indexes("customer")}
        assert "ix_customer_prdtGrpCd" in names and "ix_customer_prdtGrpCd_age" not in names
    finally:
        sqlite.dispose()
