"""The analytics pipeline as named steps: question -> examples -> request -> SQL -> guarded run -> answer, chart.

Input validation happens before this, in the engine facade; every statement runs through the database's guard.
"""
from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from db.schema import SCHEMA_TEXT
from engine.answers import append_sql, compose_answer
from engine.charts import choose_chart, is_follow_up, wants_chart, wants_sql
from core.errors import AmbiguousQuestion, BackendError, CannotAnswer, ChatError, QueryFailed
from engine.session import ChatSession
from engine.sql_exec import json_value
from plugins.base import Example, SqlGenerator, SqlRequest, SqlResult, Turn

MAX_DB_RETRIES = 2
Progress = Callable[[str, dict], None]
log = logging.getLogger(__name__)


def _silent(step: str, data: dict) -> None:
    return None


def _sends_rows(generator: SqlGenerator) -> bool:
    """A backend that writes answers itself (overrides write_answer or stream_answer) is handed the rows."""
    kind = type(generator)
    return kind.write_answer is not SqlGenerator.write_answer or kind.stream_answer is not SqlGenerator.stream_answer
_FENCE = re.compile(r"^```[a-zA-Z]*\s*\n?(.*?)\n?```$", re.S)


@dataclass
class AnalyticsAnswer:
    question: str
    language: str
    backend: str
    sql: str
    columns: list[str]
    rows: list[list]
    truncated: bool
    answer: str  # what the user reads: the prose, plus the SQL block when they asked for it
    chart: dict | None
    show_sql: bool
    examples: list[Example]
    attempts: list[dict]  # each {"sql", "error"}: every statement tried, the last one is the one answered
    raw: str  # the backend's raw output for the answered attempt
    elapsed_ms: float
    prose: str = ""  # the answer without the SQL block, for front ends that render the SQL themselves
    fallback: dict | None = None  # set by the engine when the configured backend was unavailable
    answer_writer: dict | None = None  # {"by": backend id or "template", "rows_sent": bool, "rows_allowed": bool}

    def to_json(self) -> dict:
        """The CLI `sql` contract plus the trace the SQL panel shows."""
        return {
            "backend": self.backend,
            "sql": self.sql,
            "columns": list(self.columns),
            "rows": [[json_value(value) for value in row] for row in self.rows],
            "answer": self.answer,
            "chart": self.chart,
            "truncated": self.truncated,
            "show_sql": self.show_sql,
            "examples": [{"question": e.question, "sql": e.sql, "score": e.score} for e in self.examples],
            "attempts": [dict(a) for a in self.attempts],
            "raw": self.raw,
            "language": self.language,
            "elapsed_ms": round(self.elapsed_ms, 3),
            "fallback": self.fallback,
            "answer_writer": self.answer_writer,
        }


class AnalyticsPipeline:
    """One per process: the database and knowledge base are shared; each conversation brings its session."""

    def __init__(self, database, knowledge_base, history_turns: int = 3, *, examples_k: int = 3,
                 rows_to_llm: bool = False):
        self.database = database
        self.rows_to_llm = rows_to_llm  # LLM_RESULT_ROWS: may result rows reach a backend to write the answer?
        self.knowledge_base = knowledge_base
        self.history_turns = history_turns
        self.examples_k = examples_k

    def answer(self, question: str, language: str, generator: SqlGenerator, session: ChatSession,
               progress: Progress | None = None) -> AnalyticsAnswer:
        """`progress(step, data)`, when given, hears each step as it ends ("examples", "sql", "rows", then
        "answer" with the text so far while an LLM writes it) and may raise to stop the turn there."""
        notify = progress or _silent
        started = time.perf_counter()
        examples = self.retrieve_examples(question)
        notify("examples", {"examples": examples})
        history = self.get_history(session)
        attempts: list[dict] = []
        feedback = None
        max_attempts = 1 + (MAX_DB_RETRIES if generator.retry_on_db_error else 0)
        for attempt in range(max_attempts):
            request = self.build_request(question, language, examples, history, feedback)
            result = self.generate(generator, request)
            sql = self.extract_sql(result, examples)
            notify("sql", {"sql": sql, "attempt": attempt + 1})
            try:
                outcome = self.run_sql(sql)
            except QueryFailed as exc:
                attempts.append({"sql": sql, "error": exc.detail or exc.message("en")})
                if attempt + 1 == max_attempts:
                    raise
                feedback = self.get_feedback(sql, exc)
                continue
            attempts.append({"sql": sql, "error": None})
            break
        columns, rows = list(outcome.columns), [list(row) for row in outcome.rows]
        show_sql = wants_sql(question)
        follow_up = is_follow_up(question)
        # A chart the analyst picked carries into follow-ups of the question; a new question, or one that names
        # a chart itself, starts again from what it asks for.
        chosen = session.chart_kind if follow_up and not wants_chart(question) else None
        chart_wanted = wants_chart(question) or (session.chart_wanted and follow_up) or chosen is not None
        chart = None if chosen == "table" else self.choose_chart(columns, rows, question, chart_wanted, chosen)
        notify("rows", {"sql": sql, "columns": columns, "rows": rows, "truncated": outcome.truncated, "chart": chart})
        writer = {"by": "template", "rows_sent": False, "rows_allowed": self.rows_to_llm}
        if not self.rows_to_llm:
            prose = compose_answer(question, language, columns, rows, sql=sql, truncated=outcome.truncated)
            notify("answer", {"text": prose})
        elif progress is None:
            prose = self.write_answer(question, language, generator, sql, columns, rows, outcome.truncated, writer)
        else:
            prose = self.stream_answer(question, language, generator, sql, columns, rows, outcome.truncated, notify,
                                       writer)
        text = append_sql(prose, sql, language) if show_sql else prose
        self.remember_turn(session, question, sql)
        session.chart_wanted = chart_wanted
        session.chart_kind = chosen
        return AnalyticsAnswer(
            question=question, language=language, backend=generator.backend_id, sql=sql, columns=columns,
            rows=rows, truncated=outcome.truncated, answer=text, prose=prose, chart=chart, show_sql=show_sql,
            examples=examples, attempts=attempts, raw=result.raw,
            elapsed_ms=(time.perf_counter() - started) * 1000, answer_writer=writer,
        )

    def retrieve_examples(self, question: str) -> list[Example]:
        return list(self.knowledge_base.search(question, k=self.examples_k))

    def get_history(self, session: ChatSession) -> tuple[Turn, ...]:
        """Only the last few turns: a follow-up needs its context, an LLM prompt must stay bounded."""
        return session.recent_sql(self.history_turns)

    def build_request(self, question: str, language: str, examples: list[Example], history: tuple[Turn, ...],
                      feedback: str | None) -> SqlRequest:
        glossary = getattr(self.knowledge_base, "glossary", None)
        return SqlRequest(question=question, language=language, schema_text=SCHEMA_TEXT,
                          examples=tuple(examples), history=history, error_feedback=feedback,
                          glossary=tuple(glossary()) if glossary else ())

    def generate(self, generator: SqlGenerator, request: SqlRequest) -> SqlResult:
        return generator.generate_sql(request)

    def extract_sql(self, result: SqlResult, examples: list[Example]) -> str:
        """The statement to run; a backend that declines (or returns nothing) becomes a clear CannotAnswer,
        suggesting the backend's questions or else the closest knowledge-base questions."""
        sql = (result.sql or "").strip()
        fenced = _FENCE.match(sql)
        if fenced:
            sql = fenced.group(1).strip()
        if not sql and result.ambiguous and result.suggestions:
            raise AmbiguousQuestion("the question has several readings", suggestions=list(result.suggestions))
        if not sql:
            suggestions = list(result.suggestions) or [example.question for example in examples]
            raise CannotAnswer("the backend produced no SQL", suggestions=suggestions, why=dict(result.why or {}))
        return sql

    def run_sql(self, sql: str):
        """Guarded and read-only; a refusal or failure propagates carrying the statement, for the SQL panel."""
        try:
            return self.database.run(sql)
        except ChatError as exc:
            exc.sql = sql
            raise

    def get_feedback(self, sql: str, error: QueryFailed) -> str:
        return f"The previous SQL failed.\nSQL: {sql}\nDatabase error: {error.detail or error.message('en')}"

    def write_answer(self, question: str, language: str, generator: SqlGenerator, sql: str, columns: list[str],
                     rows: list[list], truncated: bool, writer: dict | None = None) -> str:
        """Called only when rows may reach the backend; `writer`, when given, records who wrote the answer."""
        text = generator.write_answer(question, language, columns, rows)
        if writer is not None:
            writer.update(by=generator.backend_id if text else "template", rows_sent=_sends_rows(generator))
        return text or compose_answer(question, language, columns, rows, sql=sql, truncated=truncated)

    def stream_answer(self, question: str, language: str, generator: SqlGenerator, sql: str, columns: list[str],
                      rows: list[list], truncated: bool, notify: Progress, writer: dict | None = None) -> str:
        """Like write_answer, telling `notify` the text so far as the backend writes it; a backend that fails
        part way is replaced by the templates (and `notify` hears the template's text)."""
        parts: list[str] = []
        try:
            for piece in generator.stream_answer(question, language, columns, rows):
                if piece:
                    parts.append(piece)
                    notify("answer", {"text": "".join(parts)})
        except BackendError as exc:
            log.warning("%s stopped writing the answer, using the template: %s", generator.backend_id, exc.code)
            parts = []
        text = "".join(parts).strip()
        if writer is not None:
            writer.update(by=generator.backend_id if text else "template", rows_sent=_sends_rows(generator))
        if not text:
            text = compose_answer(question, language, columns, rows, sql=sql, truncated=truncated)
            notify("answer", {"text": text})
        return text

    def choose_chart(self, columns: list[str], rows: list[list], question: str, wanted: bool,
                     kind: str | None = None) -> dict | None:
        return choose_chart(columns, rows, question, asked=wanted, kind=kind)

    def remember_turn(self, session: ChatSession, question: str, sql: str) -> None:
        session.remember_sql(question, sql, keep=self.history_turns)
