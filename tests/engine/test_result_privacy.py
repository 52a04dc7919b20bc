"""LLM_RESULT_ROWS: off by default, no result row reaches a backend (the templates write the answer from the
result's shape and the trace says so); on, the backend writes it and the trace says the rows were sent."""
from __future__ import annotations

from engine.app import Engine
from engine.session import ChatSession
from engine.settings import offline_settings
from plugins.base import SqlGenerator, SqlResult

SQL = "SELECT prdtCd, COUNT(*) AS users FROM customer GROUP BY prdtCd ORDER BY prdtCd"


class Recording(SqlGenerator):
    backend_id = "recording"
    description = "test double that records what it is shown"

    def __init__(self, settings=None):
        super().__init__(settings=None)
        self.shown_rows = []
        self.requests = []

    def generate_sql(self, request):
        self.requests.append(request)
        return SqlResult(sql=SQL, raw="")

    def write_answer(self, question, language, columns, rows):
        self.shown_rows.append(rows)
        return "written by the LLM"


def _answer(small_db, tmp_path, **settings):
    engine = Engine(offline_settings(database_url=small_db, state_database_url=f"sqlite:///{tmp_path / 's.db'}",
                                     **settings))
    generator = Recording()
    answer = engine.analytics.answer("제품별 사용자 수", "ko", generator, ChatSession())
    return answer, generator


def test_rows_stay_away_from_the_llm_by_default(small_db, tmp_path):
    answer, generator = _answer(small_db, tmp_path)
    assert generator.shown_rows == [] and "written by the LLM" not in answer.answer and answer.rows
    assert answer.to_json()["answer_writer"] == {"by": "template", "rows_sent": False, "rows_allowed": False}
    request = generator.requests[0]
    shown = repr((request.schema_text, request.examples, request.history, request.glossary, request.error_feedback))
    assert str(answer.rows[0][1]) not in shown  # schema, retrieved pairs and terms only: no result value


def test_with_the_setting_on_the_llm_writes_the_answer_and_the_trace_says_so(small_db, tmp_path):
    answer, generator = _answer(small_db, tmp_path, llm_result_rows=True)
    assert generator.shown_rows and answer.answer == "written by the LLM"
    assert answer.to_json()["answer_writer"] == {"by": "recording", "rows_sent": True, "rows_allowed": True}


def test_the_rules_backend_answers_from_templates_and_sends_nothing(small_db, tmp_path):
    engine = Engine(offline_settings(database_url=small_db, state_database_url=f"sqlite:///{tmp_path / 's.db'}",
                                     llm_result_rows=True))
    answer = engine.ask("제품별 사용자 수", ChatSession(), "rules")
    assert answer.answer_writer == {"by": "template", "rows_sent": False, "rows_allowed": True}
