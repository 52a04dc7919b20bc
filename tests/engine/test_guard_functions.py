"""The guard's function list is what this SQLite can run (tests/engine/test_sql_exec.py runs each one)."""
from __future__ import annotations

import sqlite3

import pytest

from core.errors import SqlRefused
from engine.sql_guard import SAFE_SQLITE_FUNCTIONS, check_sql


@pytest.mark.parametrize("name", ["string_agg", "timediff", "octet_length"])
def test_functions_this_sqlite_lacks_are_refused_by_the_guard(name):
    if name in SAFE_SQLITE_FUNCTIONS:
        pytest.skip(f"this SQLite ({sqlite3.sqlite_version}) has {name}")
    with pytest.raises(SqlRefused):
        check_sql(f"SELECT {name}(age, ',') FROM customer")
