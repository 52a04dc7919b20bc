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


class SavedPair(StateBase):
    """A question/SQL pair a staff member taught the app; `approved` ones are retrieved and answered at once."""

    __tablename__ = "saved_pair"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question: Mapped[str] = mapped_column(Text)
    sql: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), index=True)  # approved | pending
    source: Mapped[str] = mapped_column(String(16))  # saved | thumbs_down | cli
    answer_ref: Mapped[str | None] = mapped_column(Text)
    checked_rows: Mapped[int | None] = mapped_column(Integer)
    saved_by: Mapped[str | None] = mapped_column(String(64))
    saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    approved_by: Mapped[str | None] = mapped_column(String(64))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AnswerFeedback(StateBase):
    __tablename__ = "answer_feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    staff: Mapped[str | None] = mapped_column(String(64))
    question: Mapped[str] = mapped_column(Text)
    sql: Mapped[str | None] = mapped_column(Text)
    verdict: Mapped[str] = mapped_column(String(8))  # up | down
    corrected_sql: Mapped[str | None] = mapped_column(Text)
    pair_id: Mapped[int | None] = mapped_column(Integer)


class GlossaryTerm(StateBase):
    """A business term proposed from the staff app; it joins db/glossary.toml's terms once approved."""

    __tablename__ = "glossary_term"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    term: Mapped[str] = mapped_column(String(64))
    aliases: Mapped[str | None] = mapped_column(Text)  # JSON list
    condition_sql: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # pending | approved
    proposed_by: Mapped[str | None] = mapped_column(String(64))
    proposed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    approved_by: Mapped[str | None] = mapped_column(String(64))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ConsultationRequest(StateBase):
    """A customer's request to be called back, kept only with consent and only for the retention period."""

    __tablename__ = "consultation_request"
    __table_args__ = {"sqlite_autoincrement": True}  # ids are never reused after a deletion

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    name: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str] = mapped_column(String(32))  # normalised, e.g. 010-1234-5678
    preferred_time: Mapped[str | None] = mapped_column(String(64))
    consent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    products: Mapped[str] = mapped_column(Text)  # JSON list of the recommended prdtCd, best first
    facts: Mapped[str] = mapped_column(Text)  # JSON: the conversation's stated facts and product group
    language: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(16))  # new | handled
    handled_by: Mapped[str | None] = mapped_column(String(64))
    handled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
