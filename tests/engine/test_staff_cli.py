"""`python -m engine staff add|list|remove` and `audit`: JSON out, the password only ever from stdin."""
from __future__ import annotations

import io
import json
import logging

import pytest

from engine.cli import main

PASSWORD = "a long enough secret-7788"


@pytest.fixture
def cli(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("STATE_DATABASE_URL", f"sqlite:///{tmp_path / 'state.db'}")

    def run(*args, stdin: str = ""):
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, [json.loads(line) for line in out.splitlines() if line.strip()], err

    return run


def test_add_list_remove_round_trip_without_echoing_the_password(cli, caplog):
    caplog.set_level(logging.DEBUG)
    code, [added], err = cli("staff", "add", "alice", "--password-stdin", stdin=PASSWORD + "\n")
    assert code == 0 and added["name"] == "alice"
    code, [listed], _ = cli("staff", "list")
    assert [a["name"] for a in listed["staff"]] == ["alice"]
    code, [removed], _ = cli("staff", "remove", "alice")
    assert code == 0 and removed == {"removed": "alice"}
    assert cli("staff", "list")[1] == [{"staff": []}]
    assert PASSWORD not in err and PASSWORD not in caplog.text


def test_the_password_cannot_come_from_the_command_line(cli):
    code, [error], _ = cli("staff", "add", "alice", PASSWORD)
    assert code == 2 and error["refused"]
    assert cli("staff", "list")[1] == [{"staff": []}]


@pytest.mark.parametrize("stdin", ["", "\n", "short\n"])
def test_an_empty_or_short_password_is_refused(cli, stdin):
    code, [error], _ = cli("staff", "add", "alice", "--password-stdin", stdin=stdin)
    assert code == 2 and error["code"] == "bad_input"
    assert cli("staff", "list")[1] == [{"staff": []}]


def test_removing_a_missing_account_exits_2(cli):
    code, [error], _ = cli("staff", "remove", "nobody")
    assert code == 2 and "nobody" in error["detail"]


def test_audit_prints_the_latest_entries(cli, tmp_path):
    from db.state.store import StateStore

    store = StateStore(f"sqlite:///{tmp_path / 'state.db'}")
    for i in range(3):
        store.record("analytics", staff="alice", question=f"q{i}", sql="SELECT 1", row_count=1, outcome="ok")
    code, [payload], _ = cli("audit", "--last", "2")
    assert code == 0 and [e["question"] for e in payload["entries"]] == ["q2", "q1"]
    code, [error], _ = cli("audit", "--last", "0")
    assert code == 2
