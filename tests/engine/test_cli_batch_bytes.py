"""A batch line of bytes that are not UTF-8 is answered in place; the lines around it still are."""
from __future__ import annotations

import io
import json

import pytest

from engine.cli import main

BATCH = "정수기 사용자 수\n".encode() + b"\xff\xfe\n" + "제품별 사용자수\r\n".encode()


@pytest.fixture
def run(monkeypatch, capsys, small_db, tmp_path):
    monkeypatch.setenv("DATABASE_URL", small_db)
    monkeypatch.setenv("SQL_GENERATOR", "rules")
    monkeypatch.setenv("STATE_DATABASE_URL", f"sqlite:///{tmp_path / 'state.db'}")

    def call(*args, stdin: bytes = b""):
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
        code = main(list(args))
        return code, [json.loads(line) for line in capsys.readouterr().out.splitlines()]

    return call


@pytest.mark.parametrize("source", ["file", "stdin"])
def test_an_undecodable_line_gets_its_error_and_the_batch_goes_on(run, tmp_path, source):
    if source == "file":
        batch = tmp_path / "questions.txt"
        batch.write_bytes(BATCH)
        code, lines = run("sql", "--backend", "rules", "--batch", str(batch))
    else:
        code, lines = run("sql", "--backend", "rules", "--batch", "-", stdin=BATCH)
    assert len(lines) == 3
    assert "정수기" in lines[0]["sql"]
    assert lines[1]["code"] == "bad_input" and "line 2" in lines[1]["detail"]
    assert "prdtCd" in lines[2]["sql"]
    assert code == 2
