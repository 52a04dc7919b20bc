"""Queries written in SQLite's dialect give the same answers on SQLite, DuckDB and PostgreSQL once translated.

Every knowledge-base pair runs on all three databases built from the same generator rows; rows compare in
order where the query orders them and as a multiset otherwise, floats to a relative 1e-9. The functions the
guard admits either give SQLite's answer elsewhere too, or are refused there with a message naming them.
"""
from __future__ import annotations

import math
from collections import Counter

import pytest
from sqlglot import exp, parse_one

from core.errors import SqlRefused
from db.build import build_database
from db.knowledge_base import load_pairs
from engine.sql_exec import ReadOnlyDatabase
from engine.sql_guard import SAFE_SQLITE_FUNCTIONS

ROWS = 2_000
SEED = 7
PAIRS = load_pairs()

# One call of every function the guard admits, over a few rows; aggregates over five.
FUNCTION_CALLS = {
    "count": "count(*)", "sum": "sum(age)", "total": "total(age)", "avg": "avg(age)", "min": "min(age)",
    "max": "max(age)", "group_concat": "group_concat(prdtCd)", "string_agg": "string_agg(prdtCd, ',')",
    "abs": "abs(-age)", "round": "round(avg(age), 1)", "sign": "sign(age - 50)", "random": "random() IS NOT NULL",
    "ceil": "ceil(age / 3.0)", "ceiling": "ceiling(age / 3.0)", "floor": "floor(age / 3.0)",
    "trunc": "trunc(age / 3.0)", "sqrt": "sqrt(age)", "pow": "pow(age, 2)", "power": "power(age, 2)",
    "exp": "exp(1)", "ln": "ln(age)", "log": "log(age)", "log10": "log10(age)", "log2": "log2(age)",
    "mod": "mod(age, 7)", "pi": "pi()", "coalesce": "coalesce(NULL, age)", "ifnull": "ifnull(NULL, age)",
    "nullif": "nullif(age, 30)", "iif": "iif(age > 40, 'old', 'young')", "likely": "likely(age > 40)",
    "unlikely": "unlikely(age > 40)", "likelihood": "likelihood(age > 40, 0.5)", "typeof": "typeof(age)",
    "quote": "quote(prdtCd)", "length": "length(prdtCd)", "octet_length": "octet_length(prdtCd)",
    "lower": "lower('ABC')", "upper": "upper('abc')", "substr": "substr(prdtCd, 1, 2)",
    "substring": "substring(prdtCd, 2)", "instr": "instr(prdtCd, '기')", "replace": "replace(prdtCd, '기', 'x')",
    "trim": "trim('  a ')", "ltrim": "ltrim('  a')", "rtrim": "rtrim('a  ')", "hex": "hex('ab')",
    "unicode": "unicode('a')", "char": "char(65, 66)", "like": "like('%1', prdtCd)", "glob": "glob('*1', prdtCd)",
    "date": "date('2024-01-31', '+1 day')", "time": "time('12:34:56')", "datetime": "datetime('2024-01-31 10:00')",
    "julianday": "julianday('2024-01-01')", "strftime": "strftime('%Y', '2024-05-06')",
    "unixepoch": "unixepoch('2024-01-01')", "timediff": "timediff('2024-01-02', '2024-01-01')",
    "current_date": "current_date IS NOT NULL", "current_time": "current_time IS NOT NULL",
    "current_timestamp": "current_timestamp IS NOT NULL",
    "row_number": "row_number() OVER (ORDER BY id)", "rank": "rank() OVER (ORDER BY age)",
    "dense_rank": "dense_rank() OVER (ORDER BY age)", "percent_rank": "percent_rank() OVER (ORDER BY age)",
    "cume_dist": "cume_dist() OVER (ORDER BY age)", "ntile": "ntile(4) OVER (ORDER BY id)",
    "lag": "lag(age) OVER (ORDER BY id)", "lead": "lead(age) OVER (ORDER BY id)",
    "first_value": "first_value(age) OVER (ORDER BY id)", "last_value": "last_value(age) OVER (ORDER BY id)",
    "nth_value": "nth_value(age, 2) OVER (ORDER BY id)",
}
_AGGREGATES = {"count", "sum", "total", "avg", "min", "max", "group_concat", "string_agg", "round"}
# group_concat has no defined order in any of the three; its pieces must match.
_UNORDERED_TEXT = {"group_concat", "string_agg"}


def _function_sql(name: str) -> str:
    call = FUNCTION_CALLS[name]
    if name in _AGGREGATES:
        return f"SELECT {call} AS v FROM customer WHERE id <= 5"
    return f"SELECT {call} AS v FROM customer WHERE id <= 5 ORDER BY id"


def _value(value):
    return int(value) if isinstance(value, bool) else value  # SQLite's comparisons answer 1/0


def _same_row(got, want) -> bool:
    return len(got) == len(want) and all(
        math.isclose(g, w, rel_tol=1e-9, abs_tol=1e-9) if isinstance(g, float) or isinstance(w, float) else g == w
        for g, w in zip(map(_value, got), map(_value, want))
    )


def _rounded(rows) -> Counter:
    return Counter(tuple(round(v, 6) if isinstance(v, float) else _value(v) for v in row) for row in rows)


def _sort_columns(tree: exp.Expression, columns: list[str]) -> list[int] | None:
    """Positions of the ORDER BY keys among the result's columns, or None if one is not a result column."""
    positions = []
    for ordered in tree.args["order"].expressions:
        key = ordered.this
        if not isinstance(key, exp.Column) or key.name not in columns:
            return None
        positions.append(columns.index(key.name))
    return positions


def assert_same_answer(sql: str, got, want, engine: str) -> None:
    """Equal columns and rows; where ORDER BY names result columns, rows that tie on them may come in any
    order, and at a LIMIT the databases may keep different rows of the last tie."""
    assert got.columns == want.columns, (engine, sql)
    assert len(got.rows) == len(want.rows), (engine, sql)
    tree = parse_one(sql, read="sqlite")
    if tree.args.get("order") is None:
        assert _rounded(got.rows) == _rounded(want.rows), (engine, sql, got.rows[:5], want.rows[:5])
        return
    keys = _sort_columns(tree, want.columns)
    if keys is None:
        assert all(_same_row(g, w) for g, w in zip(got.rows, want.rows)), (engine, sql, got.rows[:5], want.rows[:5])
        return

    def key(row) -> tuple:
        return tuple(row[i] for i in keys)

    assert all(_same_row(key(g), key(w)) for g, w in zip(got.rows, want.rows)), (engine, sql)
    cut = key(want.rows[-1]) if want.rows and tree.args.get("limit") is not None else None
    kept = [r for r in want.rows if cut is None or not _same_row(key(r), cut)]
    got_kept = [r for r in got.rows if cut is None or not _same_row(key(r), cut)]
    assert _rounded(got_kept) == _rounded(kept), (engine, sql, got.rows[:5], want.rows[:5])


def _built_and_opened(url: str):
    """Writes the same generator rows at `url` for each database, then yields a read-only connection to them
    for the module's tests and closes it after the last."""
    build_database(url, rows=ROWS, seed=SEED)
    db = ReadOnlyDatabase(url)
    yield db
    db.close()


@pytest.fixture(scope="module")
def sqlite_db(tmp_path_factory):
    yield from _built_and_opened(f"sqlite:///{tmp_path_factory.mktemp('agree') / 'customers.db'}")


@pytest.fixture(scope="module")
def duckdb_db(tmp_path_factory):
    yield from _built_and_opened(f"duckdb:///{tmp_path_factory.mktemp('agree') / 'customers.duckdb'}")


@pytest.fixture(scope="module")
def postgres_db(postgres_server):
    yield from _built_and_opened(postgres_server("engines_agree"))


def test_the_three_databases_hold_the_same_customers(sqlite_db, duckdb_db, postgres_db):
    sql = "SELECT id, age, houseHold, amt, size, score, discRate, prdtGrpCd, prdtCd FROM customer ORDER BY id LIMIT 1000"
    expected = sqlite_db.run(sql).rows
    assert duckdb_db.run(sql).rows == expected
    assert postgres_db.run(sql).rows == expected


@pytest.mark.parametrize("pair", PAIRS, ids=[f"{i}" for i in range(len(PAIRS))])
def test_every_knowledge_base_pair_answers_alike_on_sqlite_duckdb_and_postgres(sqlite_db, duckdb_db, postgres_db,
                                                                                pair):
    want = sqlite_db.run(pair.sql)
    for name, db in (("duckdb", duckdb_db), ("postgres", postgres_db)):
        assert_same_answer(pair.sql, db.run(pair.sql), want, name)


@pytest.mark.parametrize("pair", PAIRS, ids=[f"{i}" for i in range(len(PAIRS))])
def test_every_knowledge_base_pair_answers_alike_on_duckdb(sqlite_db, duckdb_db, pair):
    """The DuckDB half of the comparison above, for machines without a PostgreSQL server."""
    assert_same_answer(pair.sql, duckdb_db.run(pair.sql), sqlite_db.run(pair.sql), "duckdb")


def test_the_function_table_covers_every_admitted_function():
    assert SAFE_SQLITE_FUNCTIONS <= set(FUNCTION_CALLS)


def _check_function(name: str, sqlite_db, other, label: str) -> None:
    sql = _function_sql(name)
    want = sqlite_db.run(sql)
    try:
        got = other.run(sql)
    except SqlRefused as refused:
        assert f"{name}()" in refused.detail and label in refused.detail, refused.detail
        return
    if name in _UNORDERED_TEXT:
        assert sorted(got.rows[0][0].split(",")) == sorted(want.rows[0][0].split(","))
    else:
        assert all(_same_row(g, w) for g, w in zip(got.rows, want.rows)) and len(got.rows) == len(want.rows), (
            name, got.rows, want.rows)


@pytest.mark.parametrize("name", sorted(SAFE_SQLITE_FUNCTIONS))
def test_each_admitted_function_gives_sqlites_answer_on_duckdb_or_is_refused_by_name(sqlite_db, duckdb_db, name):
    _check_function(name, sqlite_db, duckdb_db, "DuckDB")


@pytest.mark.parametrize("name", sorted(SAFE_SQLITE_FUNCTIONS))
def test_each_admitted_function_gives_sqlites_answer_on_postgres_or_is_refused_by_name(sqlite_db, postgres_db, name):
    _check_function(name, sqlite_db, postgres_db, "PostgreSQL")


@pytest.mark.parametrize("dialect", ["duckdb", "postgres"])
def test_translation_rewrites_what_has_an_exact_equivalent(dialect):
    from engine.sql_dialect import translate_sql

    total = parse_one(translate_sql("SELECT total(age) FROM customer", dialect), read=dialect)
    assert total.find(exp.Coalesce) is not None and total.find(exp.Cast) is not None
    assert "||" in translate_sql("SELECT char(65, 66)", dialect)
    assert "LIKELY" not in translate_sql("SELECT likely(age > 3) FROM customer", dialect).upper()
