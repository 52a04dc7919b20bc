"""Faults of an LLM SQL generator (openai, through httpx) against a local Chat Completions server, through
the whole analytics path: a clear message, nothing remembered, and the next question works."""
import pytest

from engine.app import Engine
from core.errors import AmbiguousQuestion, BackendError, BackendTimeout, CannotAnswer
from engine.session import ChatSession
from engine.settings import offline_settings
from wire.servers import SENTINEL_OPENAI_KEY, JsonReply

GOOD_SQL = "```sql\nSELECT COUNT(*) AS users FROM customer WHERE prdtGrpCd = '정수기'\n```"


def completion(content) -> JsonReply:
    return JsonReply(body={"id": "c1", "object": "chat.completion", "model": "m",
                           "choices": [{"index": 0, "message": {"role": "assistant", "content": content}}]})


@pytest.fixture
def engine(local_server, small_db):
    settings = offline_settings(
        sql_generator="openai", openai_base_url=f"{local_server.url}/v1", openai_model="qwen2.5:7b",
        openai_api_key=SENTINEL_OPENAI_KEY, backend_read_timeout=0.5, backend_max_attempts=2,
        database_url=small_db, llm_result_rows=True,  # the LLM writes the answer, so its faults are exercised
    )
    engine = Engine(settings)
    assert engine.fallback_for("sql_generator") is None
    return engine


def recovers(engine, server, session):
    server.replies.clear()
    server.push(completion(GOOD_SQL), completion("정수기 고객은 많아요."))
    answer = engine.ask("정수기 사용자 수", session)
    assert answer.backend == "openai" and answer.rows[0][0] > 0
    assert [turn.sql for turn in session.sql_history] == [answer.sql]


def assert_clear_and_safe(error):
    for lang in ("ko", "en"):
        assert "openai" in error.message(lang) and SENTINEL_OPENAI_KEY not in error.message(lang)


def test_throttling_then_success_is_retried(engine, local_server):
    local_server.push(JsonReply(429, {"error": "slow down"}, {"Retry-After": "0"}), completion(GOOD_SQL),
                      completion("정수기 고객은 많아요."))
    answer = engine.ask("정수기 사용자 수", ChatSession())
    assert answer.rows[0][0] > 0 and answer.answer == "정수기 고객은 많아요."


def test_a_hang_past_the_read_timeout(engine, local_server):
    local_server.push(JsonReply(delay=2.0, body={}))
    session = ChatSession()
    with pytest.raises(BackendTimeout) as caught:
        engine.ask("정수기 사용자 수", session)
    assert_clear_and_safe(caught.value)
    assert session.sql_history == []
    recovers(engine, local_server, session)


def test_junk_output_declines_with_suggestions(engine, local_server):
    local_server.push(completion("I'd rather talk about the weather."))
    session = ChatSession()
    with pytest.raises(CannotAnswer) as caught:
        engine.ask("정수기 사용자 수", session)
    assert len(caught.value.suggestions) == 3 and session.sql_history == []
    recovers(engine, local_server, session)


def test_a_broken_connection_midway(engine, local_server):
    local_server.push(JsonReply(body=b'{"choices": [{"index": 0, "message": {"role": "assist'))
    session = ChatSession()
    with pytest.raises(BackendError) as caught:
        engine.ask("정수기 사용자 수", session)
    assert_clear_and_safe(caught.value)
    recovers(engine, local_server, session)


def test_an_llm_that_asks_back_offers_its_readings_and_runs_nothing(engine, local_server):
    local_server.push(completion("CLARIFY:\n1. 사용자 수가 가장 많은 제품은?\n2. 고객이 가장 많은 연령대는?\n"
                                 "- `DROP TABLE customer`\n```sql\nSELECT 1\n```\n- " + "긴 질문 " * 60))
    session = ChatSession()
    with pytest.raises(AmbiguousQuestion) as caught:
        engine.ask("가장 많은 건?", session)
    assert caught.value.suggestions == ["사용자 수가 가장 많은 제품은?", "고객이 가장 많은 연령대는?"]
    assert session.sql_history == []
    recovers(engine, local_server, session)


def test_one_reading_is_no_choice_and_reads_as_a_decline(engine, local_server):
    local_server.push(completion("CLARIFY:\n사용자 수가 가장 많은 제품은?"))
    with pytest.raises(CannotAnswer) as caught:
        engine.ask("가장 많은 건?", ChatSession())
    assert not isinstance(caught.value, AmbiguousQuestion)
