"""The app-state database: staff accounts with argon2 hashes, the audit log, migrations on first use."""
from __future__ import annotations

import sqlite3

import pytest

from core.errors import BadInput
from db.state.store import StateStore

PASSWORD = "correct horse battery"


@pytest.fixture
def store(tmp_path):
    return StateStore(f"sqlite:///{tmp_path / 'state.db'}")


def test_a_new_store_is_migrated_and_private(store, tmp_path):
    assert store.staff_count() == 0
    path = tmp_path / "state.db"
    assert path.stat().st_mode & 0o077 == 0, "password hashes must not be readable by other users"
    tables = {row[0] for row in sqlite3.connect(path).execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"staff_account", "audit_log", "saved_pair", "answer_feedback", "glossary_term",
            "consultation_request", "alembic_version"} <= tables


def test_staff_accounts_store_only_a_hash(store, tmp_path):
    store.add_staff("alice", PASSWORD)
    assert [a["name"] for a in store.list_staff()] == ["alice"]
    assert store.verify_staff("alice", PASSWORD)
    assert not store.verify_staff("alice", PASSWORD + "!")
    assert not store.verify_staff("mallory", PASSWORD)
    raw = (tmp_path / "state.db").read_bytes()
    assert PASSWORD.encode() not in raw and b"$argon2id$" in raw


@pytest.mark.parametrize("name, password", [
    ("", PASSWORD), ("a b", PASSWORD), ("x" * 65, PASSWORD), ("alice'; DROP TABLE staff_account;--", PASSWORD),
    ("alice", "short"), ("alice", "x" * 1025), ("alice", None),
])
def test_bad_accounts_are_refused_and_change_nothing(store, name, password):
    with pytest.raises(BadInput):
        store.add_staff(name, password)
    assert store.list_staff() == []


def test_duplicate_and_missing_accounts_are_clear_errors(store):
    store.add_staff("alice", PASSWORD)
    with pytest.raises(BadInput, match="already exists"):
        store.add_staff("alice", "another long password")
    assert store.verify_staff("alice", PASSWORD), "a refused duplicate must not replace the password"
    with pytest.raises(BadInput, match="no staff account"):
        store.remove_staff("bob")
    store.remove_staff("alice")
    assert store.staff_count() == 0 and not store.verify_staff("alice", PASSWORD)


def test_the_audit_log_lists_newest_first(store):
    store.record("analytics", staff="alice", question="q1", sql="SELECT 1", row_count=1, outcome="ok")
    store.record("analytics", staff="bob", question="q2", sql=None, row_count=None, outcome="sql_refused")
    entries = store.recent_audit(last=1)
    assert len(entries) == 1 and entries[0]["staff"] == "bob" and entries[0]["outcome"] == "sql_refused"
    assert [e["question"] for e in store.recent_audit()] == ["q2", "q1"]
    with pytest.raises(BadInput):
        store.recent_audit(last=0)


def test_reopening_keeps_data_and_does_not_migrate_twice(tmp_path):
    url = f"sqlite:///{tmp_path / 'state.db'}"
    StateStore(url).add_staff("alice", PASSWORD)
    again = StateStore(url)
    assert again.verify_staff("alice", PASSWORD)
    versions = sqlite3.connect(tmp_path / "state.db").execute("SELECT version_num FROM alembic_version").fetchall()
    assert len(versions) == 1, "one head: the migrations form a single line"
