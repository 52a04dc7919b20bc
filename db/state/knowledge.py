"""Saved question/SQL pairs, answer feedback and proposed glossary terms in the app-state database.

Only storage lives here; checking a pair (guard, one execution) and the audit trail are the engine's job
(engine/knowledge.py), so nothing reaches these tables unchecked from a front end.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone

from sqlalchemy import func, or_, select

from core.errors import BadInput
from db.state.schema import AnswerFeedback, GlossaryTerm, SavedPair
from db.state.store import StateStore

STATUSES = ("approved", "pending")
SOURCES = ("saved", "thumbs_down", "cli")
MAX_QUESTION = 2_000


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).isoformat()


def _pair_json(pair: SavedPair) -> dict:
    return {"id": pair.id, "question": pair.question, "sql": pair.sql, "status": pair.status,
            "source": pair.source, "answer_ref": pair.answer_ref, "checked_rows": pair.checked_rows,
            "saved_by": pair.saved_by, "saved_at": _iso(pair.saved_at), "updated_by": pair.updated_by,
            "updated_at": _iso(pair.updated_at), "approved_by": pair.approved_by,
            "approved_at": _iso(pair.approved_at)}


def _term_json(term: GlossaryTerm) -> dict:
    return {"id": term.id, "term": term.term, "aliases": json.loads(term.aliases or "[]"),
            "condition": term.condition_sql, "description": term.description, "status": term.status,
            "proposed_by": term.proposed_by, "proposed_at": _iso(term.proposed_at),
            "approved_by": term.approved_by, "approved_at": _iso(term.approved_at)}


def _no_such(kind: str, ident) -> BadInput:
    return BadInput(f"there is no {kind} {ident}", detail_ko=f"{ident}번 {'예시' if kind == 'pair' else '용어'}가 없어요")


class KnowledgeStore:
    """The analysts' loop tables over one StateStore; thread-safe like it (a short session per call)."""

    def __init__(self, state: StateStore):
        self.state = state

    # --- saved pairs ------------------------------------------------------------------------
    def add_pair(self, question: str, sql: str, *, status: str, source: str, saved_by: str | None,
                 answer_ref: str | None = None, checked_rows: int | None = None) -> dict:
        if status not in STATUSES or source not in SOURCES:
            raise ValueError(f"status {status!r} / source {source!r}")
        now = _now()
        pair = SavedPair(question=question, sql=sql, status=status, source=source, answer_ref=answer_ref,
                         checked_rows=checked_rows, saved_by=saved_by, saved_at=now,
                         approved_by=saved_by if status == "approved" else None,
                         approved_at=now if status == "approved" else None)
        with self.state.session() as session, session.begin():
            session.add(pair)
        return _pair_json(pair)

    def get_pair(self, pair_id: int) -> dict:
        with self.state.session() as session:
            pair = session.get(SavedPair, int(pair_id))
        if pair is None:
            raise _no_such("pair", pair_id)
        return _pair_json(pair)

    def list_pairs(self, status: str | None = None, search: str | None = None, limit: int = 500) -> list[dict]:
        """Newest first; `search` matches the question or the SQL, case-insensitively."""
        query = select(SavedPair).order_by(SavedPair.id.desc()).limit(limit)
        if status:
            query = query.where(SavedPair.status == status)
        if search and search.strip():
            needle = f"%{search.strip().lower()}%"
            query = query.where(or_(func.lower(SavedPair.question).like(needle), func.lower(SavedPair.sql).like(needle)))
        with self.state.session() as session:
            return [_pair_json(p) for p in session.scalars(query).all()]

    def approved_pairs(self) -> list[dict]:
        """Oldest first, so retrieval keeps a stable order between reloads."""
        with self.state.session() as session:
            pairs = session.scalars(select(SavedPair).where(SavedPair.status == "approved").order_by(SavedPair.id))
            return [_pair_json(p) for p in pairs.all()]

    def update_pair(self, pair_id: int, *, by: str | None, question: str | None = None, sql: str | None = None,
                    status: str | None = None, checked_rows: int | None = None) -> dict:
        with self.state.session() as session, session.begin():
            pair = session.get(SavedPair, int(pair_id))
            if pair is None:
                raise _no_such("pair", pair_id)
            if question is not None:
                pair.question = question
            if sql is not None:
                pair.sql = sql
            if checked_rows is not None:
                pair.checked_rows = checked_rows
            now = _now()
            if status == "approved" and pair.status != "approved":
                pair.approved_by, pair.approved_at = by, now
            if status is not None:
                pair.status = status
            pair.updated_by, pair.updated_at = by, now
        return _pair_json(pair)

    def remove_pair(self, pair_id: int) -> dict:
        return self._remove_row(SavedPair, "pair", pair_id, _pair_json)

    def version(self) -> tuple:
        """Changes whenever an approved pair or term is added, edited or removed, in any process: what
        retrieval compares before each search to pick up a new pair without a restart."""
        with self.state.session() as session:
            pairs = session.execute(select(func.count(SavedPair.id), func.max(SavedPair.id),
                                           func.max(SavedPair.updated_at))
                                    .where(SavedPair.status == "approved")).one()
            terms = session.execute(select(func.count(GlossaryTerm.id), func.max(GlossaryTerm.id),
                                           func.max(GlossaryTerm.approved_at))
                                    .where(GlossaryTerm.status == "approved")).one()
        return tuple(pairs) + tuple(terms)

    # --- feedback ---------------------------------------------------------------------------
    def add_feedback(self, *, staff: str | None, question: str, sql: str | None, verdict: str,
                     corrected_sql: str | None = None, pair_id: int | None = None) -> dict:
        if verdict not in ("up", "down"):
            raise ValueError(verdict)
        entry = AnswerFeedback(at=_now(), staff=staff, question=question, sql=sql, verdict=verdict,
                               corrected_sql=corrected_sql, pair_id=pair_id)
        with self.state.session() as session, session.begin():
            session.add(entry)
        return self._feedback_json(entry)

    def list_feedback(self, verdict: str | None = "down", search: str | None = None, limit: int = 200) -> list[dict]:
        query = select(AnswerFeedback).order_by(AnswerFeedback.id.desc()).limit(limit)
        if verdict:
            query = query.where(AnswerFeedback.verdict == verdict)
        if search and search.strip():
            needle = f"%{search.strip().lower()}%"
            query = query.where(or_(func.lower(AnswerFeedback.question).like(needle),
                                    func.lower(AnswerFeedback.sql).like(needle)))
        with self.state.session() as session:
            return [self._feedback_json(f) for f in session.scalars(query).all()]

    @staticmethod
    def _feedback_json(entry: AnswerFeedback) -> dict:
        return {"id": entry.id, "at": _iso(entry.at), "staff": entry.staff, "question": entry.question,
                "sql": entry.sql, "verdict": entry.verdict, "corrected_sql": entry.corrected_sql,
                "pair_id": entry.pair_id}

    # --- glossary ---------------------------------------------------------------------------
    def propose_term(self, term: str, condition: str, *, aliases: list[str], description: str | None,
                     by: str | None) -> dict:
        entry = GlossaryTerm(term=term, aliases=json.dumps(aliases, ensure_ascii=False), condition_sql=condition,
                             description=description, status="pending", proposed_by=by, proposed_at=_now())
        with self.state.session() as session, session.begin():
            session.add(entry)
        return _term_json(entry)

    def list_terms(self, status: str | None = None) -> list[dict]:
        query = select(GlossaryTerm).order_by(GlossaryTerm.id)
        if status:
            query = query.where(GlossaryTerm.status == status)
        with self.state.session() as session:
            return [_term_json(t) for t in session.scalars(query).all()]

    def approve_term(self, term_id: int, by: str | None) -> dict:
        with self.state.session() as session, session.begin():
            term = session.get(GlossaryTerm, int(term_id))
            if term is None:
                raise _no_such("term", term_id)
            term.status, term.approved_by, term.approved_at = "approved", by, _now()
        return _term_json(term)

    def remove_term(self, term_id: int) -> dict:
        return self._remove_row(GlossaryTerm, "term", term_id, _term_json)

    def _remove_row(self, model, kind: str, ident, as_json) -> dict:
        """Deletes one pair or term and returns it as it was, so the caller can audit what went."""
        with self.state.session() as session, session.begin():
            row = session.get(model, int(ident))
            if row is None:
                raise _no_such(kind, ident)
            removed = as_json(row)
            session.delete(row)
        return removed
