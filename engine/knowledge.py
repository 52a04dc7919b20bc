"""The analysts' loop on the engine side: every pair, correction or glossary term is checked by the guard and
executed once before it is stored, and every action is written to the audit log under who did it.

Front ends (the staff app, `python -m engine kb`) call only this, never db.state.knowledge directly.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from core.errors import BadInput, ChatError, PairRefused, describe_unexpected
from core.language import validate_message
from core.text import same_question

if TYPE_CHECKING:
    from engine.app import Engine
    from engine.sql_exec import QueryResult

log = logging.getLogger(__name__)


def _reason(exc: ChatError) -> tuple[str, str]:
    return exc.message("en"), exc.message("ko")


class KnowledgeDesk:
    def __init__(self, engine: Engine, store):
        self.engine = engine
        self.store = store  # db.state.knowledge.KnowledgeStore

    # --- checks -----------------------------------------------------------------------------
    def check_question(self, question) -> str:
        if not isinstance(question, str):
            raise PairRefused("the question is not text", detail_ko="질문이 텍스트가 아니에요")
        try:
            cleaned, _ = validate_message(question, self.engine.settings.max_input_chars)
        except ChatError as exc:
            en, ko = _reason(exc)
            raise PairRefused(en, detail_ko=ko) from None
        return cleaned

    def check_sql(self, sql) -> tuple[str, QueryResult]:
        """The statement through the same guard and read-only executor as any answer, run once; a refusal or
        a failure becomes PairRefused with the reason."""
        if not isinstance(sql, str) or not sql.strip():
            raise PairRefused("there is no SQL", detail_ko="SQL이 없어요")
        sql = sql.strip().rstrip(";").strip()
        try:
            result = self.engine.run_sql(sql)
        except ChatError as exc:
            en, ko = _reason(exc)
            raise PairRefused(en, detail_ko=ko) from None
        return sql, result

    # --- saved pairs ------------------------------------------------------------------------
    def save_pair(self, question, sql, staff: str | None, *, source: str = "saved",
                  answer_ref: str | None = None) -> dict:
        """Checked, then stored approved (used at once). An approved pair for the same question (same words in
        any spacing, punctuation or order) is replaced rather than kept twice."""
        try:
            question = self.check_question(question)
            sql, result = self.check_sql(sql)
        except PairRefused as exc:
            self._record("kb_add", staff, question if isinstance(question, str) else None,
                         sql if isinstance(sql, str) else None, None, exc.code)
            raise
        earlier = next((p for p in self.store.approved_pairs() if same_question(p["question"], question)), None)
        if earlier is not None:
            pair = self.store.update_pair(earlier["id"], by=staff, question=question, sql=sql,
                                          checked_rows=len(result.rows))
            self._record("kb_replace", staff, question, sql, len(result.rows), "ok")
            return {**pair, "replaced": earlier["id"]}
        pair = self.store.add_pair(question, sql, status="approved", source=source, saved_by=staff,
                                   answer_ref=answer_ref, checked_rows=len(result.rows))
        self._record("kb_add", staff, question, sql, len(result.rows), "ok")
        return pair

    def list_pairs(self, status: str | None = None, search: str | None = None) -> list[dict]:
        return self.store.list_pairs(status or None, search)

    def get_pair(self, pair_id) -> dict:
        return self.store.get_pair(_pair_id(pair_id))

    def edit_pair(self, pair_id, question, sql, staff: str | None) -> dict:
        """An edit is checked like a new pair; a pending pair stays pending until approved."""
        pair_id = _pair_id(pair_id)
        try:
            question = self.check_question(question)
            sql, result = self.check_sql(sql)
        except PairRefused as exc:
            self._record("kb_edit", staff, None, sql if isinstance(sql, str) else None, None, exc.code)
            raise
        pair = self.store.update_pair(pair_id, by=staff, question=question, sql=sql, checked_rows=len(result.rows))
        self._record("kb_edit", staff, question, sql, len(result.rows), "ok")
        return pair

    def rerun_pair(self, pair_id, staff: str | None) -> tuple[dict, QueryResult]:
        pair = self.get_pair(pair_id)
        try:
            _, result = self.check_sql(pair["sql"])
        except PairRefused as exc:
            self._record("kb_rerun", staff, pair["question"], pair["sql"], None, exc.code)
            raise
        self._record("kb_rerun", staff, pair["question"], pair["sql"], len(result.rows), "ok")
        return pair, result

    def approve_pair(self, pair_id, staff: str | None) -> dict:
        """Checked again first: the database may have changed since it was saved."""
        pair = self.get_pair(pair_id)
        try:
            _, result = self.check_sql(pair["sql"])
        except PairRefused as exc:
            self._record("kb_approve", staff, pair["question"], pair["sql"], None, exc.code)
            raise
        approved = self.store.update_pair(pair["id"], by=staff, status="approved", checked_rows=len(result.rows))
        self._record("kb_approve", staff, pair["question"], pair["sql"], len(result.rows), "ok")
        return approved

    def remove_pair(self, pair_id, staff: str | None) -> dict:
        removed = self.store.remove_pair(_pair_id(pair_id))
        self._record("kb_remove", staff, removed["question"], removed["sql"], None, "ok")
        return {"removed": removed["id"], "question": removed["question"]}

    # --- feedback ---------------------------------------------------------------------------
    def feedback(self, question, sql, liked: bool, staff: str | None, corrected_sql: str | None = None) -> dict:
        """Thumbs up or down on an answer. A thumbs-down that brings a different SQL becomes a pending pair
        (after the same checks); a correction that fails them is refused with its reason, the vote still counts."""
        question = question if isinstance(question, str) else ""
        sql = sql if isinstance(sql, str) else None
        corrected = corrected_sql.strip() if isinstance(corrected_sql, str) and corrected_sql.strip() else None
        if liked or (corrected and sql and corrected.rstrip(";").strip() == sql.strip()):
            corrected = None
        pair, refused = None, None
        if not liked and corrected:
            try:
                checked_question = self.check_question(question)
                corrected, result = self.check_sql(corrected)
                pair = self.store.add_pair(checked_question, corrected, status="pending", source="thumbs_down",
                                           saved_by=staff, answer_ref=_answer_ref(question, sql),
                                           checked_rows=len(result.rows))
            except PairRefused as exc:
                refused = exc
        entry = self.store.add_feedback(staff=staff, question=question, sql=sql, verdict="up" if liked else "down",
                                        corrected_sql=corrected, pair_id=pair["id"] if pair else None)
        self._record("feedback_up" if liked else "feedback_down", staff, question, corrected or sql,
                     None, refused.code if refused else "ok")
        return {"feedback": entry, "pair": pair, "refused": refused}

    def list_feedback(self, search: str | None = None) -> list[dict]:
        return self.store.list_feedback("down", search)

    # --- glossary -----------------------------------------------------------------------------
    def check_condition(self, condition) -> tuple[str, int]:
        """A term's condition runs as the WHERE of a count over customer, through the guard, once."""
        if not isinstance(condition, str) or not condition.strip() or ";" in condition:
            raise PairRefused("a term needs one SQL condition", detail_ko="용어에는 SQL 조건 하나가 필요해요")
        condition = condition.strip()
        if not _one_condition(condition):  # "x) OR (1=1" would escape the parentheses it is run in
            raise PairRefused("the condition is not one SQL expression", detail_ko="조건이 SQL 식 하나가 아니에요")
        _, result = self.check_sql(f"SELECT COUNT(*) AS n FROM customer WHERE ({condition})")
        return condition, int(result.rows[0][0]) if result.rows else 0

    def propose_term(self, term, condition, aliases, description, staff: str | None) -> dict:
        """Stored pending; it reaches the rules parser and LLM prompts once approved."""
        term = term.strip() if isinstance(term, str) else ""
        if not 1 <= len(term) <= 64:
            raise PairRefused("a term is 1-64 characters", detail_ko="용어는 1-64자여야 해요")
        try:
            condition, matched = self.check_condition(condition)
        except PairRefused as exc:
            self._record("term_propose", staff, term, condition if isinstance(condition, str) else None, None, exc.code)
            raise
        spellings = [a.strip() for a in (aliases or "").split(",") if a.strip()] if isinstance(aliases, str) else []
        proposed = self.store.propose_term(term, condition, aliases=spellings,
                                           description=description.strip() if isinstance(description, str) else None,
                                           by=staff)
        self._record("term_propose", staff, term, condition, matched, "ok")
        return {**proposed, "matched": matched}

    def approve_term(self, term_id, staff: str | None) -> dict:
        term_id = _pair_id(term_id)
        term = next((t for t in self.store.list_terms() if t["id"] == term_id), None)
        if term is None:
            raise BadInput(f"there is no term {term_id}", detail_ko=f"{term_id}번 용어가 없어요")
        self.check_condition(term["condition"])
        approved = self.store.approve_term(term_id, staff)
        self._record("term_approve", staff, term["term"], term["condition"], None, "ok")
        return approved

    def remove_term(self, term_id, staff: str | None) -> dict:
        removed = self.store.remove_term(_pair_id(term_id))
        self._record("term_remove", staff, removed["term"], removed["condition"], None, "ok")
        return removed

    def list_terms(self) -> list[dict]:
        """The reviewed file's terms (read-only here), then those staff proposed, pending or approved."""
        from db.glossary import load_glossary

        filed = [{"id": None, "term": e.term, "aliases": list(e.aliases), "condition": e.condition,
                  "description": e.description, "status": "file"} for e in load_glossary()]
        return [*filed, *self.store.list_terms()]

    # --- audit --------------------------------------------------------------------------------
    def _record(self, action, staff, question, sql, row_count, outcome) -> None:
        try:
            self.engine.state.record(action, staff=staff, question=question, sql=sql, row_count=row_count,
                                     outcome=outcome)
        except Exception as exc:
            log.error("audit log write failed: %s", describe_unexpected(exc))


def _one_condition(condition: str) -> bool:
    import sqlglot
    from sqlglot.errors import ParseError

    try:
        parsed = sqlglot.parse(condition, read="sqlite")
    except ParseError:
        return False
    return len(parsed) == 1 and parsed[0] is not None and _balanced(condition)


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def _pair_id(value) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise BadInput("a pair id is a whole number", detail_ko="예시 번호는 정수여야 해요") from None
    if number < 1:
        raise BadInput("a pair id is a whole number", detail_ko="예시 번호는 정수여야 해요")
    return number


def _answer_ref(question: str, sql: str | None) -> str:
    """Which answer a pair came from: the question asked and the SQL that was shown for it."""
    return f"Q: {question}\nSQL: {sql or ''}"
