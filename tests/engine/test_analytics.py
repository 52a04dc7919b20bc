"""The analytics pipeline's steps with a scripted SqlGenerator (a real subclass, registered nowhere)."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from engine.analytics import AnalyticsPipeline
from core.errors import CannotAnswer, QueryFailed, SqlRefused
from db.retrieval import KnowledgeBase
from engine.session import ChatSession
from engine.sql_exec import ReadOnlyDatabase
from plugins.base import SqlGenerator, SqlResult

COUNT_ALL = "SELECT COUNT(*) AS users FROM customer"
COUNT_WATER = "SELECT COUNT(*) AS users FROM customer WHERE prdtGrpCd = '정수기'"
BY_GROUP = "SELECT prdtGrpCd, COUNT(*) AS users FROM customer GROUP BY prdtGrpCd ORDER BY users DESC"
PAIRS = [("총 정수기 사용자 알려줘", COUNT_WATER), ("How many customers do we have in total?", COUNT_ALL),
         ("제품군별 사용자 수", BY_GROUP)]


class ScriptedGenerator(SqlGenerator):
    """Returns the scripted SQL strings in order and records every request it was given."""

    backend_id = "scripted"

    def __init__(self, *script, retry=True, answer=None, suggestions=()):
        super().__init__(settings=None)
        self.script = list(script)
        self.requests = []
        self.retry_on_db_error = retry
        self.answer_text = answer
        self.suggestions = tuple(suggestions)

    def generate_sql(self, request):
        self.requests.append(request)
        sql = self.script.pop(0)
        return SqlResult(sql=sql, raw=f"raw output: {sql}", suggestions=self.suggestions)

    def write_answer(self, question, language, columns, rows):
        return self.answer_text


@pytest.fixture(scope="module")
def database(small_db):
    db = ReadOnlyDatabase(small_db, timeout_seconds=2.0, max_rows=1000, max_chars=10_000)
    yield db
    db.close()


@pytest.fixture
def pipeline(database):
    return AnalyticsPipeline(database, KnowledgeBase.from_pairs(PAIRS), history_turns=3)


@pytest.fixture(scope="module")
def total_customers(database):
    return database.run(COUNT_ALL).rows[0][0]


def db_fingerprint(url: str) -> dict[str, str]:
    path = Path(url.removeprefix("sqlite:///"))
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(path.parent.iterdir())}


def test_a_rejected_statement_is_retried_with_the_database_error_fed_back(pipeline, total_customers):
    generator = ScriptedGenerator("SELECT nope FROM customer", COUNT_ALL)
    session = ChatSession()
    answer = pipeline.answer("How many customers?", "en", generator, session)
    assert answer.sql == COUNT_ALL
    assert answer.rows == [[total_customers]]
    assert [a["sql"] for a in answer.attempts] == ["SELECT nope FROM customer", COUNT_ALL]
    assert "nope" in answer.attempts[0]["error"] and answer.attempts[1]["error"] is None
    first, second = generator.requests
    assert first.error_feedback is None
    assert "SELECT nope FROM customer" in second.error_feedback and "nope" in second.error_feedback.split("error:")[1]
    assert answer.raw == f"raw output: {COUNT_ALL}"
    assert [t.sql for t in session.sql_history] == [COUNT_ALL]


def test_retries_stop_after_two_and_the_failure_is_raised(pipeline):
    generator = ScriptedGenerator("SELECT a FROM customer", "SELECT b FROM customer", "SELECT c FROM customer",
                                  COUNT_ALL)
    session = ChatSession()
    with pytest.raises(QueryFailed):
        pipeline.answer("q", "en", generator, session)
    assert len(generator.requests) == 3
    assert generator.script == [COUNT_ALL]
    assert session.sql_history == []


def test_deterministic_backends_are_not_retried(pipeline):
    generator = ScriptedGenerator("SELECT nope FROM customer", COUNT_ALL, retry=False)
    with pytest.raises(QueryFailed) as caught:
        pipeline.answer("q", "en", generator, ChatSession())
    assert "nope" in caught.value.detail
    assert len(generator.requests) == 1


@pytest.mark.parametrize("hostile", ["DROP TABLE customer", "DELETE FROM customer",
                                     f"{COUNT_ALL}; DROP TABLE customer", "PRAGMA writable_schema = 1"])
def test_a_refused_statement_changes_nothing(pipeline, small_db, total_customers, hostile):
    before = db_fingerprint(small_db)
    generator = ScriptedGenerator(hostile, COUNT_ALL)
    session = ChatSession()
    with pytest.raises(SqlRefused) as caught:
        pipeline.answer("지워줘", "ko", generator, session)
    assert caught.value.refused and caught.value.message("ko")
    assert caught.value.sql == hostile  # the SQL panel shows exactly what was refused
    assert len(generator.requests) == 1  # a refusal is final, never retried
    assert session.sql_history == []
    assert db_fingerprint(small_db) == before
    assert pipeline.database.run(COUNT_ALL).rows == [[total_customers]]


def test_a_backend_that_declines_gives_cannot_answer_with_suggestions(pipeline):
    generator = ScriptedGenerator(None, suggestions=("총 정수기 사용자 알려줘", "제품군별 사용자 수", "전체 고객 수"))
    with pytest.raises(CannotAnswer) as caught:
        pipeline.answer("날씨 어때?", "ko", generator, ChatSession())
    assert caught.value.suggestions == ["총 정수기 사용자 알려줘", "제품군별 사용자 수", "전체 고객 수"]
    assert "- 제품군별 사용자 수" in caught.value.message("ko")


def test_blank_sql_is_declined_too(pipeline):
    with pytest.raises(CannotAnswer):
        pipeline.answer("q", "en", ScriptedGenerator("   "), ChatSession())


def test_a_decline_without_suggestions_suggests_the_closest_sample_questions(pipeline):
    with pytest.raises(CannotAnswer) as caught:
        pipeline.answer("정수기 사용자 수를 알려줘", "ko", ScriptedGenerator(None), ChatSession())
    assert len(caught.value.suggestions) == 3
    assert any("정수기" in s for s in caught.value.suggestions)


def test_fenced_sql_from_an_llm_is_unwrapped(pipeline):
    answer = pipeline.answer("q", "en", ScriptedGenerator(f"```sql\n{COUNT_WATER}\n```"), ChatSession())
    assert answer.sql == COUNT_WATER


def test_examples_are_retrieved_and_sent_with_the_schema(pipeline):
    generator = ScriptedGenerator(COUNT_WATER)
    answer = pipeline.answer("정수기 사용자 수 알려줘", "ko", generator, ChatSession())
    request = generator.requests[0]
    assert "Table customer" in request.schema_text
    assert request.examples[0].sql == COUNT_WATER
    assert [e.question for e in answer.examples] == [e.question for e in request.examples]
    assert len(answer.examples) == 3


def test_template_answer_with_sql_when_asked_and_a_chart_when_asked(pipeline):
    answer = pipeline.answer("제품군별 사용자 수를 그래프로 보여주고 쿼리도 보여줘", "ko",
                             ScriptedGenerator(BY_GROUP), ChatSession())
    assert answer.show_sql
    assert answer.answer.startswith("제품군별 사용자 수는 ")
    assert answer.answer.endswith(f"```sql\n{BY_GROUP}\n```")
    assert answer.chart["type"] == "bar" and answer.chart["x"] == "prdtGrpCd"
    assert len(answer.chart["data"]) == len(answer.rows) == 5


def test_plain_question_has_no_chart_and_no_sql_in_the_answer(pipeline, database):
    answer = pipeline.answer("총 정수기 사용자 알려줘", "ko", ScriptedGenerator(COUNT_WATER), ChatSession())
    water = database.run(COUNT_WATER).rows[0][0]
    assert answer.answer == f"정수기 사용자는 총 {water:,}명이에요."
    assert answer.chart is None and not answer.show_sql


def test_a_backend_may_phrase_the_answer_itself_when_rows_may_reach_it(pipeline):
    generator = ScriptedGenerator(COUNT_ALL, COUNT_ALL, answer="LLM says hello")
    kept = pipeline.answer("how many customers? show the sql", "en", generator, ChatSession())
    assert "LLM says hello" not in kept.answer  # LLM_RESULT_ROWS is off by default: the templates write it
    assert kept.answer_writer == {"by": "template", "rows_sent": False, "rows_allowed": False}
    pipeline.rows_to_llm = True
    answer = pipeline.answer("how many customers? show the sql", "en", generator, ChatSession())
    assert answer.answer.startswith("LLM says hello\n\nHere is the SQL I ran:")
    assert answer.to_json()["answer_writer"] == {"by": "scripted", "rows_sent": True, "rows_allowed": True}


def test_history_sent_to_the_backend_is_bounded(database):
    pipeline = AnalyticsPipeline(database, KnowledgeBase.from_pairs(PAIRS), history_turns=2)
    session = ChatSession()
    generator = ScriptedGenerator(*(f"SELECT {i} AS n" for i in range(5)))
    for i in range(5):
        pipeline.answer(f"question {i}", "en", generator, session)
    assert [len(r.history) for r in generator.requests] == [0, 1, 2, 2, 2]
    assert [t.question for t in generator.requests[-1].history] == ["question 2", "question 3"]
    assert len(session.sql_history) == 2


def test_to_json_carries_the_cli_contract_and_the_trace(pipeline):
    answer = pipeline.answer("share of groups chart", "en", ScriptedGenerator(BY_GROUP), ChatSession())
    payload = json.loads(json.dumps(answer.to_json()))
    assert {"backend", "sql", "columns", "rows", "answer", "chart", "examples", "attempts", "truncated"} <= set(payload)
    assert payload["backend"] == "scripted"
    assert payload["columns"] == ["prdtGrpCd", "users"]
    assert payload["chart"]["type"] == "pie"
    assert payload["attempts"] == [{"sql": BY_GROUP, "error": None}]
    assert payload["truncated"] is False


def test_truncated_results_are_flagged(small_db):
    small = ReadOnlyDatabase(small_db, timeout_seconds=2.0, max_rows=5, max_chars=10_000)
    try:
        pipeline = AnalyticsPipeline(small, KnowledgeBase.from_pairs(PAIRS))
        answer = pipeline.answer("list", "en", ScriptedGenerator("SELECT id, age FROM customer"), ChatSession())
    finally:
        small.close()
    assert answer.truncated and len(answer.rows) == 5
    assert "only the first 5 rows" in answer.answer


# --- the rules backend end to end on the small database -------------------------------------------------
@pytest.fixture(scope="module")
def rules_pipeline(database):
    from engine.settings import offline_settings
    from plugins.rules.sql import RulesSqlGenerator

    return AnalyticsPipeline(database, KnowledgeBase.load()), RulesSqlGenerator(offline_settings())


def direct(url: str, sql: str) -> list[list]:
    """The expected rows, read with plain sqlite3 so the check does not go through the code under test."""
    import sqlite3

    with sqlite3.connect(f"file:{url.removeprefix('sqlite:///')}?mode=ro", uri=True) as conn:
        return [list(row) for row in conn.execute(sql)]


def test_rules_count_answers_in_korean(rules_pipeline, small_db):
    pipeline, rules = rules_pipeline
    answer = pipeline.answer("총 정수기 사용자 알려줘", "ko", rules, ChatSession())
    [[expected]] = direct(small_db, "SELECT COUNT(*) FROM customer WHERE prdtGrpCd = '정수기'")
    assert answer.rows == [[expected]]
    assert answer.answer == f"정수기 사용자는 총 {expected:,}명이에요."
    assert answer.backend == "rules" and answer.attempts == [{"sql": answer.sql, "error": None}]
    assert answer.examples and answer.examples[0].question


def test_rules_band_distribution_with_chart_and_sql(rules_pipeline, small_db):
    pipeline, rules = rules_pipeline
    answer = pipeline.answer("연령대별 식기세척기 사용자수를 그래프로 보여주고 쿼리도 보여줘", "ko", rules, ChatSession())
    expected = direct(small_db, "SELECT (age/10)*10, COUNT(*) FROM customer WHERE prdtGrpCd = '식기세척기' "
                                "GROUP BY 1 ORDER BY 1")
    assert sorted(answer.rows) == expected
    assert answer.chart["type"] == "line"
    assert [p[answer.chart["y"]] for p in answer.chart["data"]] == [count for _, count in expected]
    assert answer.answer.startswith("식기세척기 사용자의 연령대별 사용자 수는 ")
    assert answer.answer.endswith(f"```sql\n{answer.sql}\n```")


@pytest.mark.parametrize(
    "first, follow_up, language, expected_sql",
    [
        ("정수기 사용자 수 알려줘", "그럼 40대는?", "ko",
         "SELECT COUNT(*) FROM customer WHERE prdtGrpCd = '정수기' AND age BETWEEN 40 AND 49"),
        ("How many air purifier customers?", "what about bidets?", "en",
         "SELECT COUNT(*) FROM customer WHERE prdtGrpCd = '비데'"),
    ],
)
def test_rules_follow_up_modifies_the_previous_question(rules_pipeline, small_db, first, follow_up, language,
                                                        expected_sql):
    pipeline, rules = rules_pipeline
    session = ChatSession()
    pipeline.answer(first, language, rules, session)
    answer = pipeline.answer(follow_up, language, rules, session)
    assert answer.rows == direct(small_db, expected_sql)
    assert [t.question for t in session.sql_history] == [first, follow_up]


def test_rules_follow_up_without_history_is_not_guessed(rules_pipeline):
    pipeline, rules = rules_pipeline
    with pytest.raises(CannotAnswer) as caught:
        pipeline.answer("그럼 40대는?", "ko", rules, ChatSession())
    assert len(caught.value.suggestions) == 3


def test_rules_unanswerable_question_suggests_three_questions(rules_pipeline):
    pipeline, rules = rules_pipeline
    session = ChatSession()
    with pytest.raises(CannotAnswer) as caught:
        pipeline.answer("오늘 날씨 어때?", "ko", rules, session)
    assert len(caught.value.suggestions) == 3
    assert session.sql_history == []


def test_a_follow_up_keeps_the_chart_the_conversation_asked_for(small_db):
    from engine.app import Engine
    from engine.settings import offline_settings

    engine = Engine(offline_settings(database_url=small_db))
    session = ChatSession()
    assert engine.ask("제품별 사용자수를 그래프로 보여줘", session).chart is not None
    follow_up = engine.ask("그럼 40대는?", session)
    assert follow_up.chart is not None and "40" in follow_up.sql
    assert engine.ask("정수기 사용자 수", session).chart is None  # a new question starts plain again
