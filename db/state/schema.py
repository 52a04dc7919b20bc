"""SQLAlchemy models of the app-state database. Every change to them ships with a migration in
db/state/migrations/versions/, which is what actually creates the tables."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class StateBase(DeclarativeBase):
    pass


class StaffAccount(StateBase):
    __tablename__ = "staff_account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(Text)  # argon2id, with its own salt and parameters
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditEntry(StateBase):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    staff: Mapped[str | None] = mapped_column(String(64))  # None while /staff/ is open on loopback
    action: Mapped[str] = mapped_column(String(32))  # analytics, run_sql, staff_add, ...
    question: Mapped[str | None] = mapped_column(Text)
    sql: Mapped[str | None] = mapped_column(Text)
    row_count: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(32))  # ok, or the error code
