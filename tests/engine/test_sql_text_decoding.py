"""Text SQLite cannot hand back as UTF-8 (a lone surrogate from char(55296)) never reaches a message as raw bytes:
it reads as U+FFFD, in the rows, and no error echoes it."""
from __future__ import annotations

import pytest

from db.build import build_database
from engine.sql_exec import ReadOnlyDatabase


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    path = tmp_path_factory.mktemp("decode") / "customers.db"
    build_database(f"sqlite:///{path}", rows=20, seed=3)
    db = ReadOnlyDatabase(f"sqlite:///{path}", timeout_seconds=2)
    yield db
    db.close()


@pytest.mark.parametrize(("sql", "expected"), [
    ("SELECT char(55296)", "\ufffd" * 3),
    ("SELECT char(55296, 65) AS x", "\ufffd" * 3 + "A"),
    ("SELECT char(57343) || 'b' AS x", "\ufffd" * 3 + "b"),
])
def test_undecodable_text_reads_as_replacement_characters(database, sql, expected):
    result = database.run(sql)
    assert [list(row) for row in result.rows] == [[expected]]


def test_valid_text_is_unchanged(database):
    rows = [list(r) for r in database.run("SELECT name_ko, char(54620, 44544) AS word FROM product "
                                          "ORDER BY prdtCd LIMIT 1").rows]
    assert rows[0][1] == "한글" and rows[0][0].isprintable()
