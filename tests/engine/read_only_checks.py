"""What the hostile-SQL tests of every database check alike: the database's folder is left as it was, and the
read-only connection alone stops a statement. Imported by module name (tests/engine is on sys.path)."""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from core.errors import ChatError, QueryFailed, SqlRefused
from engine.sql_exec import ReadOnlyDatabase

# Files the hostile corpus tries to create beside the database; none may ever appear.
NEW_FILES = ("attached.db", "copy.db", "out.txt")


def snapshot(directory: Path) -> dict[str, str]:
    """Every file in the directory (the database, its -wal/-shm if any, anything new) with its SHA-256."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.iterdir())}


@contextmanager
def folder_left_unchanged(directory: Path) -> Iterator[None]:
    """Fails unless every file in `directory` is byte-identical afterwards and none of NEW_FILES appeared."""
    before = snapshot(directory)
    yield
    assert snapshot(directory) == before
    assert not any((directory / name).exists() for name in NEW_FILES)


def assert_connection_stops(db: ReadOnlyDatabase, statement: str) -> None:
    """The statement ends in a refusal or a failed query, never in an answer or an unexpected error."""
    with pytest.raises(ChatError) as caught:
        db.run(statement)
    assert isinstance(caught.value, (SqlRefused, QueryFailed)), type(caught.value)
