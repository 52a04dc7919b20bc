"""The SQL guard on its own: what it admits, what it refuses and why, and that it never crashes or echoes input."""
from __future__ import annotations

import pytest
import sqlglot
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import BadInput, SqlRefused
from engine.sql_dialect import dialect_for_url
from engine.sql_guard import check_sql


@pytest.mark.parametrize("sql, expected", [
    ("SELECT 1", "SELECT 1"),
    ("  SELECT count(*) FROM customer;  ", "SELECT count(*) FROM customer"),
    ("SELECT 1;;", "SELECT 1"),
    ("/* why */ -- note\nSELECT age FROM customer -- tail", "SELECT age FROM customer"),
    ("SELECT age FROM customer; -- done", "SELECT age FROM customer"),
    ("SELECT age /* inner */ FROM customer", "SELECT age /* inner */ FROM customer"),
    ("SELECT 'a;b' AS x;", "SELECT 'a;b' AS x"),
    ("SELECT \"age\" FROM [customer]", "SELECT \"age\" FROM [customer]"),
])
def test_returns_the_one_statement_without_surrounding_comments_or_semicolons(sql, expected):
    assert check_sql(sql) == expected


@pytest.mark.parametrize("sql", [
    "SELECT prdtGrpCd, count(*) AS n FROM customer WHERE age BETWEEN 30 AND 39 GROUP BY prdtGrpCd HAVING n > 1 "
    "ORDER BY n DESC LIMIT 5 OFFSET 1",
    "WITH young AS (SELECT * FROM customer WHERE age < 30) SELECT count(*) FROM young",
    "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 10) SELECT n FROM r",
    "WITH a AS (SELECT 1 AS x), b AS (SELECT x FROM a) SELECT * FROM b UNION SELECT * FROM a",
    "SELECT 1 UNION ALL SELECT 2 INTERSECT SELECT 2 EXCEPT SELECT 3",
    "SELECT c.age, p.name_ko FROM customer AS c LEFT JOIN product AS p ON c.prdtCd = p.prdtCd",
    "SELECT * FROM customer NATURAL JOIN product",
    "SELECT * FROM customer JOIN product USING (prdtCd)",
    "SELECT age, avg(amt) OVER (PARTITION BY prdtGrpCd ORDER BY age ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM customer",
    "SELECT ntile(4) OVER w, lag(age, 1, 0) OVER w FROM customer WINDOW w AS (ORDER BY age)",
    "SELECT sum(amt) FILTER (WHERE age > 40) FROM customer",
    "SELECT CASE WHEN age < 30 THEN '20대' WHEN age < 40 THEN '30대' ELSE '40대 이상' END AS 연령대 FROM customer",
    "SELECT CAST(amt AS REAL) / 10, round(avg(size) * 3.3058, 1), round(avg(score), 1) FROM customer",
    "SELECT * FROM customer WHERE prdtCd IN (SELECT prdtCd FROM product WHERE monthlyFee < 30000)",
    "SELECT * FROM customer WHERE EXISTS (SELECT 1 FROM product WHERE product.prdtCd = customer.prdtCd)",
    "SELECT * FROM customer WHERE prdtCd LIKE '정수기%' ESCAPE '\\' AND prdtGrpCd NOT IN ('비데', '매트리스')",
    "SELECT * FROM customer WHERE prdtCd GLOB '*1' AND discRate IS NOT NULL",
    "SELECT DISTINCT prdtGrpCd FROM customer ORDER BY prdtGrpCd COLLATE NOCASE",
    "SELECT x FROM (SELECT age AS x FROM customer) AS sub",
    "SELECT count(*) FROM (VALUES (1), (2))",
    "SELECT coalesce(NULL, 1), ifnull(NULL, 2), nullif(1, 1), iif(1, 2, 3), total(amt), group_concat(age, ',') FROM customer",
    "SELECT strftime('%Y', 'now'), date('now', '-1 day'), julianday('now'), CURRENT_TIMESTAMP",
    "select COUNT(*) from CUSTOMER",
    "SELECT count(*) FROM main.customer",
])
def test_admits_ordinary_analytics_selects(sql):
    assert check_sql(sql) == sql


@pytest.mark.parametrize("sql, reason", [
    ("", "no SQL statement"),
    ("  -- only a comment\n", "no SQL statement"),
    (";", "no SQL statement"),
    ("SELECT 1; SELECT 2", "only one statement"),
    ("SELECT 1; DROP TABLE customer", "only one statement"),
    ("DELETE FROM customer", "not DELETE"),
    ("REPLACE INTO customer (id) VALUES (1)", "not REPLACE"),
    ("VACUUM INTO '/tmp/copy.db'", "not VACUUM"),
    ("PRAGMA query_only = OFF", "not PRAGMA"),
    ("ATTACH DATABASE '/tmp/x.db' AS x", "not ATTACH"),
    ("WITH x AS (SELECT 1) UPDATE customer SET age = 1", "not UPDATE"),
    ("WITH x AS (DELETE FROM customer RETURNING *) SELECT * FROM x", "DELETE is not allowed"),
    ("(SELECT 1)", "only SELECT"),
    ("VALUES (1)", "only SELECT"),
    ("SELECT load_extension('x')", "load_extension() is not allowed"),
    ("SELECT LOAD_EXTENSION('x')", "load_extension() is not allowed"),
    ("SELECT sqlite_version()", "sqlite_version() is not allowed"),
    ("SELECT randomblob(16)", "randomblob() is not allowed"),
    ("SELECT unknown_fn(1)", "unknown_fn() is not allowed"),
    ("SELECT * FROM sqlite_master", "table sqlite_master is not allowed"),
    ("SELECT * FROM users", "table users is not allowed"),
    ("SELECT * FROM temp.customer", "only the main database"),
    ("SELECT * FROM json_each('[1]')", "table-valued functions"),
    ("SELECT * FROM customer INDEXED BY ix", "INDEXED BY"),
    ("SELECT * FROM customer WHERE id = ?", "PLACEHOLDER is not allowed"),
    ("SELECT age->>'$.a' FROM customer", "is not allowed"),
    ("SELECT * FROM customer, (WITH c AS (SELECT 1) SELECT * FROM c) AS s, c", "table c is not allowed"),
    ("SELECT (((1)", "could not be parsed"),
    ("SELECT " + "(" * 3000 + "1" + ")" * 3000, "nested too deeply"),
])
def test_refuses_with_a_short_reason(sql, reason):
    with pytest.raises(SqlRefused) as caught:
        check_sql(sql)
    assert reason in caught.value.detail
    assert reason in caught.value.message("en") and caught.value.message("ko")


@pytest.mark.parametrize("char", [
    "\x00", "\x01", "\x1b", "\x7f", "\x85", "\u00ad", "\u200b", "\u200c", "\u200d", "\u200e", "\u202e",
    "\u2028", "\u2060", "\u2066", "\ufeff", "\ue000", "\u115f", "\u3164", "\uffa0",
])
def test_invisible_characters_are_refused_not_removed(char):
    with pytest.raises(SqlRefused) as caught:
        check_sql(f"SEL{char}ECT 1")
    assert f"U+{ord(char):04X}" in caught.value.detail or "NUL" in caught.value.detail
    assert "position 3" in caught.value.detail


@pytest.mark.parametrize("char", ["\uff1b", "\u037e", "\ufe54", "\u061b"])
def test_look_alike_semicolons_are_refused(char):
    with pytest.raises(SqlRefused, match="look-alike semicolon"):
        check_sql(f"SELECT 1{char}DROP TABLE customer")


def test_tabs_and_newlines_are_ordinary_whitespace():
    assert check_sql("SELECT\tage\r\nFROM customer\n") == "SELECT\tage\r\nFROM customer"


def test_length_limit_is_exact():
    sql = "SELECT 1" + " " * 92
    assert check_sql(sql, max_chars=100) == "SELECT 1"
    with pytest.raises(SqlRefused, match="101 characters; the limit is 100"):
        check_sql(sql + " ", max_chars=100)


def test_refusals_do_not_echo_what_the_statement_carried():
    with pytest.raises(SqlRefused) as caught:
        check_sql("DELETE FROM customer WHERE note = 'sk-live-SECRET-TOKEN-123'")
    assert "SECRET" not in caught.value.message("en")
    long_name = "t" * 20 + "SECRETSECRETSECRET"
    with pytest.raises(SqlRefused) as caught:
        check_sql(f"SELECT * FROM {long_name}")
    assert "SECRET" not in caught.value.message("en")


def test_allowed_tables_can_be_narrowed():
    assert check_sql("SELECT * FROM product", allowed_tables=frozenset({"product"}))
    with pytest.raises(SqlRefused, match="use product"):
        check_sql("SELECT * FROM customer", allowed_tables=frozenset({"product"}))


def test_other_dialects_parse_with_their_own_rules():
    assert check_sql("SELECT count(*) FROM customer", dialect="postgres") == "SELECT count(*) FROM customer"
    with pytest.raises(SqlRefused, match="pg_sleep"):
        check_sql("SELECT pg_sleep(10)", dialect="postgres")
    with pytest.raises(SqlRefused, match="not COPY"):
        check_sql("COPY customer TO '/tmp/x'", dialect="postgres")


@pytest.mark.parametrize("url, dialect", [
    ("sqlite:///db/customers.db", "sqlite"),
    ("sqlite+pysqlite:////abs/path.db", "sqlite"),
    ("postgresql://u:p@localhost/app", "postgres"),
    ("postgresql+psycopg://u:p@localhost/app", "postgres"),
    ("duckdb:///tmp/customers.duckdb", "duckdb"),
])
def test_dialect_for_url(url, dialect):
    assert dialect_for_url(url) == dialect


@pytest.mark.parametrize("url", ["not a url", "oracle2://admin:hunter2@host/db", "mysql://admin:hunter2@host/db", ""])
def test_dialect_for_unknown_urls_is_a_clear_error_without_the_password(url):
    with pytest.raises(BadInput) as caught:
        dialect_for_url(url)
    assert "hunter2" not in caught.value.message("en")


_FRAGMENTS = [
    "SELECT", "*", "age", "FROM", "customer", "product", "sqlite_master", "WHERE", "=", "1", "'x;y'", ";", "--",
    "\n", "/*", "*/", "(", ")", ",", "WITH", "x", "AS", "UNION", "DELETE", "INSERT", "INTO", "VALUES", "DROP",
    "TABLE", "PRAGMA", "ATTACH", "load_extension", "count", "JOIN", "ON", "CASE", "WHEN", "THEN", "END", "\u200b",
]


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=80), st.lists(st.sampled_from(_FRAGMENTS), max_size=14).map(" ".join)))
def test_any_input_is_admitted_as_one_select_or_refused_never_crashes(sql):
    try:
        statement = check_sql(sql)
    except SqlRefused as exc:
        assert exc.detail
        return
    assert check_sql(statement) == statement
    parsed = [s for s in sqlglot.parse(statement, read="sqlite") if s is not None]
    assert len(parsed) == 1 and parsed[0].key in {"select", "union", "intersect", "except"}
