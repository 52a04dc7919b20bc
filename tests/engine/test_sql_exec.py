"""The read-only executor: correct answers for benign queries, bounded rows and time, clear errors."""
from __future__ import annotations

import random
import sqlite3
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from db.catalog import PRODUCTS
from db.schema import Base, Customer, Product
from core.errors import BadInput, QueryFailed, QueryInterrupted, SqlRefused
from engine.settings import offline_settings
from engine.sql_exec import (
    QueryResult,
    ReadOnlyDatabase,
    from_settings,
    postgres_connect_args,
    postgres_transaction_sql,
)
from engine.sql_guard import SAFE_SQLITE_FUNCTIONS

FIXTURE_ROWS = 300


def make_fixture_db(path: Path, rows: int = FIXTURE_ROWS, seed: int = 11) -> list[dict]:
    """Write a small customer/product database with SQLAlchemy from db.schema; return the customer rows."""
    rng = random.Random(seed)
    customers = [
        {
            "id": i + 1, "age": rng.randint(19, 90), "houseHold": rng.randint(1, 8), "amt": rng.randint(10, 60),
            "size": rng.randint(8, 60), "score": rng.randint(0, 100), "discRate": rng.randint(0, 50),
            **(lambda p: {"prdtGrpCd": p.group, "prdtCd": p.code})(rng.choice(PRODUCTS)),
        }
        for i in range(rows)
    ]
    engine = create_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add_all(
            Product(**p.table_row()) for p in PRODUCTS
        )
        session.add_all(Customer(**row) for row in customers)
        session.commit()
    engine.dispose()
    return customers


@pytest.fixture(scope="module")
def fixture_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("sqlexec") / "customers.db"
    return path, make_fixture_db(path)


@pytest.fixture(scope="module")
def fixture_db(fixture_file):
    path, customers = fixture_file
    database = ReadOnlyDatabase(f"sqlite:///{path}", timeout_seconds=2.0, max_rows=1000)
    yield database, customers
    database.close()


def test_counts_and_columns_match_the_data(fixture_db):
    db, customers = fixture_db
    result = db.run("SELECT count(*) AS n, max(age) AS oldest FROM customer")
    assert result.columns == ["n", "oldest"]
    assert result.rows == [[len(customers), max(c["age"] for c in customers)]]
    assert result.truncated is False and result.elapsed_ms >= 0


@pytest.mark.parametrize("sql, expected", [
    ("SELECT ';' AS a, '--' AS b, 'DROP TABLE customer' AS c, '/* x */' AS d", [[";", "--", "DROP TABLE customer", "/* x */"]]),
    ("SELECT 'it''s; DELETE FROM customer'", [["it's; DELETE FROM customer"]]),
    ("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 10) SELECT n FROM r",
     [[n] for n in range(1, 11)]),
    ("SELECT 1 AS n UNION SELECT 2 UNION SELECT 1 ORDER BY n", [[1], [2]]),
    ("SELECT 3 AS n UNION SELECT 2 EXCEPT SELECT 2 INTERSECT SELECT 2", []),
    ("SELECT 3 AS n UNION SELECT 2 INTERSECT SELECT 3", [[3]]),
    ("SELECT CASE WHEN 5 > 3 THEN '크다' ELSE '작다' END, CAST('42' AS INTEGER), iif(1, 'y', 'n')", [["크다", 42, "y"]]),
    ("SELECT count(*) FROM (VALUES (1), (2), (3))", [[3]]),
])
def test_benign_tricky_queries_return_correct_rows(fixture_db, sql, expected):
    db, _ = fixture_db
    assert db.run(sql).rows == expected


@pytest.mark.parametrize("sql", [
    "/* leading block comment */ -- and a line comment\nSELECT count(*) FROM customer",
    "SELECT count(*) FROM customer;",
    "SELECT count(*) FROM customer ;  -- trailing comment",
    "select COUNT(*) from CUSTOMER",
    "SELECT count(*) FROM main.customer",
])
def test_comments_case_and_trailing_semicolons_are_fine(fixture_db, sql):
    db, customers = fixture_db
    assert db.run(sql).rows == [[len(customers)]]


def test_subquery_counts_customers_older_than_average(fixture_db):
    db, customers = fixture_db
    average = sum(c["age"] for c in customers) / len(customers)
    result = db.run("SELECT count(*) FROM customer WHERE age > (SELECT avg(age) FROM customer)")
    assert result.rows == [[sum(1 for c in customers if c["age"] > average)]]


def test_join_counts_customers_per_product_name(fixture_db):
    db, customers = fixture_db
    result = db.run(
        "SELECT p.name_en, count(*) AS n FROM customer AS c JOIN product AS p ON c.prdtCd = p.prdtCd "
        "GROUP BY p.name_en ORDER BY p.name_en"
    )
    names = {p.code: p.name_en for p in PRODUCTS}
    expected = Counter(names[c["prdtCd"]] for c in customers)
    assert result.rows == [[name, expected[name]] for name in sorted(expected)]


def test_window_function_ranks_groups_by_size(fixture_db):
    db, customers = fixture_db
    result = db.run(
        "SELECT prdtGrpCd, count(*) AS n, rank() OVER (ORDER BY count(*) DESC) AS r "
        "FROM customer GROUP BY prdtGrpCd ORDER BY r, prdtGrpCd"
    )
    sizes = Counter(c["prdtGrpCd"] for c in customers)
    assert [row[:2] for row in result.rows] == [list(kv) for kv in sorted(sizes.items(), key=lambda kv: (-kv[1], kv[0]))]
    assert result.rows[0][2] == 1


def test_case_buckets_customers_by_age_band(fixture_db):
    db, customers = fixture_db
    result = db.run(
        "SELECT CASE WHEN age < 40 THEN 'young' WHEN age < 65 THEN 'middle' ELSE 'senior' END AS band, count(*) "
        "FROM customer GROUP BY band ORDER BY band"
    )
    bands = Counter("young" if c["age"] < 40 else "middle" if c["age"] < 65 else "senior" for c in customers)
    assert result.rows == [[band, bands[band]] for band in sorted(bands)]


@pytest.mark.parametrize("max_rows, truncated", [(FIXTURE_ROWS - 1, True), (FIXTURE_ROWS, False), (FIXTURE_ROWS + 1, False)])
def test_truncated_is_set_only_when_more_rows_exist(tmp_path, max_rows, truncated):
    path = tmp_path / "c.db"
    make_fixture_db(path)
    db = ReadOnlyDatabase(f"sqlite:///{path}", max_rows=max_rows)
    result = db.run("SELECT id FROM customer ORDER BY id")
    assert result.truncated is truncated
    assert len(result.rows) == min(max_rows, FIXTURE_ROWS)
    assert result.rows[0] == [1]


def test_endless_query_is_interrupted_with_a_message_in_both_languages(fixture_file):
    path, _ = fixture_file
    db = ReadOnlyDatabase(f"sqlite:///{path}", timeout_seconds=0.3)
    with pytest.raises(QueryInterrupted) as caught:
        db.run("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r")
    assert "0.3-second" in caught.value.message("en")
    assert "0.3초" in caught.value.message("ko")
    assert db.run("SELECT count(*) FROM customer").rows == [[FIXTURE_ROWS]], "the connection stays usable"


def test_missing_database_file_is_reported_and_not_created(tmp_path):
    missing = tmp_path / "nope.db"
    db = ReadOnlyDatabase(f"sqlite:///{missing}")
    with pytest.raises(QueryFailed) as caught:
        db.run("SELECT 1")
    assert "nope.db" in caught.value.message("en") and "does not exist" in caught.value.message("en")
    assert list(tmp_path.iterdir()) == []


def test_sql_over_the_length_limit_is_refused_before_parsing(fixture_db):
    db, _ = fixture_db
    with pytest.raises(SqlRefused, match="limit is 10,000"):
        db.run("SELECT " + " + ".join(["1"] * 6_000))


def test_in_memory_and_unsupported_urls_are_refused_without_echoing_secrets():
    with pytest.raises(BadInput):
        ReadOnlyDatabase("sqlite://")
    with pytest.raises(BadInput) as caught:
        ReadOnlyDatabase("mysql://admin:hunter2@db.example/x")
    assert "hunter2" not in caught.value.message("en")


def test_postgres_sessions_are_read_only_with_a_statement_timeout():
    assert postgres_transaction_sql(2.0) == ["SET TRANSACTION READ ONLY", "SET LOCAL statement_timeout = 2000"]
    options = postgres_connect_args(0.5)["options"]
    assert "default_transaction_read_only=on" in options and "statement_timeout=500" in options
    try:
        db = ReadOnlyDatabase("postgresql://app:s3cret@127.0.0.1:1/x")
    except QueryFailed as exc:
        assert "s3cret" not in exc.message("en")
    else:
        assert db.dialect == "postgres"


def test_from_settings_carries_the_limits(tmp_path):
    path = tmp_path / "c.db"
    make_fixture_db(path)
    settings = offline_settings(database_url=f"sqlite:///{path}", sql_max_rows=7, sql_timeout_seconds=1.5,
                                sql_max_chars=500)
    db = from_settings(settings)
    assert (db.max_rows, db.timeout_seconds, db.max_chars) == (7, 1.5, 500)
    result = db.run("SELECT id FROM customer")
    assert len(result.rows) == 7 and result.truncated
    with pytest.raises(SqlRefused, match="limit is 500"):
        db.run("SELECT id FROM customer WHERE " + " OR ".join(["id = 1"] * 100))


def test_database_errors_come_back_short_for_the_retry_loop(fixture_db):
    db, _ = fixture_db
    with pytest.raises(QueryFailed) as caught:
        db.run("SELECT agee FROM customer")
    assert caught.value.detail == "no such column: agee"


def test_concurrent_sessions_get_their_own_correct_answers(fixture_db):
    db, customers = fixture_db
    ages = sorted({c["age"] for c in customers})[:12]

    def count_age(age: int) -> int:
        return db.run(f"SELECT count(*) FROM customer WHERE age = {age}").rows[0][0]

    with ThreadPoolExecutor(max_workers=4) as pool:
        counts = list(pool.map(count_age, ages * 3))
    assert counts == [sum(1 for c in customers if c["age"] == age) for age in ages] * 3


# One call per function the guard admits; a function this SQLite build lacks may fail, but never be refused.
_FUNCTION_CALLS = {
    "count": "count(age)", "sum": "sum(age)", "total": "total(age)", "avg": "avg(age)", "min": "min(age)",
    "max": "max(age)", "group_concat": "group_concat(age, ',')", "string_agg": "string_agg(prdtCd, ',')",
    "abs": "abs(-age)", "round": "round(age / 3.0, 1)", "sign": "sign(age)", "random": "random()",
    "ceil": "ceil(age / 7.0)", "ceiling": "ceiling(age / 7.0)", "floor": "floor(age / 7.0)", "trunc": "trunc(1.5)",
    "sqrt": "sqrt(age)", "pow": "pow(age, 2)", "power": "power(age, 2)", "exp": "exp(1)", "ln": "ln(age)",
    "log": "log(age)", "log10": "log10(age)", "log2": "log2(age)", "mod": "mod(age, 7)", "pi": "pi()",
    "coalesce": "coalesce(NULL, age)", "ifnull": "ifnull(NULL, age)", "nullif": "nullif(age, 30)",
    "iif": "iif(age > 30, 1, 0)", "likely": "likely(age > 30)", "unlikely": "unlikely(age > 30)",
    "likelihood": "likelihood(age > 30, 0.5)", "typeof": "typeof(age)", "quote": "quote(prdtCd)",
    "length": "length(prdtCd)", "octet_length": "octet_length(prdtCd)", "lower": "lower(prdtCd)",
    "upper": "upper(prdtCd)", "substr": "substr(prdtCd, 1, 2)", "substring": "substring(prdtCd, 1, 2)",
    "instr": "instr(prdtCd, '1')", "replace": "replace(prdtCd, '1', 'one')", "trim": "trim(prdtCd)",
    "ltrim": "ltrim(prdtCd)", "rtrim": "rtrim(prdtCd)", "hex": "hex(prdtCd)", "unicode": "unicode(prdtCd)", "char": "char(65, 66)",
    "like": "like('정수기%', prdtCd)", "glob": "glob('*1', prdtCd)", "date": "date('2024-01-31', '+1 day')",
    "time": "time('12:00:00')", "datetime": "datetime('2024-01-01')", "julianday": "julianday('2024-01-01')",
    "strftime": "strftime('%Y', '2024-05-01')", "unixepoch": "unixepoch('2024-01-01')",
    "timediff": "timediff('2024-01-02', '2024-01-01')", "current_date": "CURRENT_DATE",
    "current_time": "CURRENT_TIME", "current_timestamp": "CURRENT_TIMESTAMP", "row_number": "row_number() OVER (ORDER BY age)",
    "rank": "rank() OVER (ORDER BY age)", "dense_rank": "dense_rank() OVER (ORDER BY age)",
    "percent_rank": "percent_rank() OVER (ORDER BY age)", "cume_dist": "cume_dist() OVER (ORDER BY age)",
    "ntile": "ntile(4) OVER (ORDER BY age)", "lag": "lag(age) OVER (ORDER BY id)",
    "lead": "lead(age) OVER (ORDER BY id)", "first_value": "first_value(age) OVER (ORDER BY id)",
    "last_value": "last_value(age) OVER (ORDER BY id)", "nth_value": "nth_value(age, 2) OVER (ORDER BY id)",
}


def test_every_safe_function_has_a_sample_call():
    assert set(SAFE_SQLITE_FUNCTIONS) <= set(_FUNCTION_CALLS)


@pytest.mark.parametrize("name", sorted(SAFE_SQLITE_FUNCTIONS))
def test_guard_and_authorizer_agree_on_every_safe_function(fixture_db, name):
    db, _ = fixture_db
    result = db.run(f"SELECT {_FUNCTION_CALLS[name]} FROM customer LIMIT 3")  # admitted means it runs
    assert result.rows


def test_result_json_is_plain_json_values():
    result = QueryResult(["blob", "inf", "money", "n"], [[b"\x00\xff", float("inf"), Decimal("1.5"), None]], True, 1.234)
    assert result.to_json() == {
        "columns": ["blob", "inf", "money", "n"], "rows": [["00ff", "inf", 1.5, None]],
        "truncated": True, "elapsed_ms": 1.23,
    }


def test_the_connection_is_opened_read_only_even_for_sqlite_itself(fixture_db):
    db, _ = fixture_db
    with db._engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        assert raw.getlimit(sqlite3.SQLITE_LIMIT_ATTACHED) == 0
        with pytest.raises(sqlite3.DatabaseError):
            raw.execute("PRAGMA query_only")


def test_a_result_too_large_to_show_is_refused_not_loaded(tmp_path):
    """Each value stays under the per-value limit, but 400 of them would be ~20 MB: refused in batches."""
    path = tmp_path / "big.db"
    make_fixture_db(path)
    db = ReadOnlyDatabase(f"sqlite:///{path}", timeout_seconds=5)
    doubling = ("WITH RECURSIVE r(s, n) AS (SELECT 'x', 1 UNION ALL SELECT s || s, n + 1 FROM r WHERE n < 20) "
                "SELECT a.s FROM r a, r b")
    with pytest.raises(SqlRefused) as caught:
        db.run(doubling)
    assert "MB" in caught.value.message("en") and "MB" in caught.value.message("ko")
    assert len(db.run("SELECT id FROM customer").rows) > 0
    db.close()
