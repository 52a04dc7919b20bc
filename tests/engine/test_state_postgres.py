"""The app-state database on a real PostgreSQL server: the same migrations, accounts and audit log."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from db.state.store import StateStore

pytestmark = pytest.mark.slow


def test_staff_and_audit_work_on_postgresql(postgres_server):
    url = postgres_server("rental_state")
    store = StateStore(url)
    store.add_staff("alice", "correct horse battery")
    assert store.verify_staff("alice", "correct horse battery")
    assert not store.verify_staff("alice", "wrong horse battery")
    store.record("analytics", staff="alice", question="제품별 사용자수", sql="SELECT 1", row_count=1, outcome="ok")
    [entry] = store.recent_audit(last=5)
    assert entry["staff"] == "alice" and entry["question"] == "제품별 사용자수"
    assert entry["at"].endswith("+00:00")
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
            assert conn.execute(text("SELECT count(*) FROM consultation_request")).scalar() == 0
    finally:
        engine.dispose()
    assert StateStore(url).list_staff()[0]["name"] == "alice"  # a second process sees the same accounts
