"""bedrock-converse through real boto3 against a local server speaking the Converse REST-JSON protocol."""
from __future__ import annotations

import pytest

from db.schema import SCHEMA_TEXT
from core.errors import (BackendError, BackendNotConfigured, BackendOutputInvalid, BackendOutputTruncated,
                         BackendThrottled, BackendTimeout)
from engine.settings import offline_settings
from plugins.base import Example, SqlRequest, Turn, VectorizeRequest
from plugins.bedrock_converse import BedrockConverseSqlGenerator, BedrockConverseVectorizer
from plugins.llm_output import vectorizer_schema
from plugins.prompting import load_prompt
from wire.servers import JsonReply, StreamReply, aws_error, event

REQUEST = VectorizeRequest("I'm 41, family of three, about 25,000 won a month, looking for a bidet", "en")
SQL_REQUEST = SqlRequest(
    question="식기세척기 사용자 연령대별 수",
    language="ko",
    schema_text=SCHEMA_TEXT,
    examples=(Example("정수기 고객 수", "SELECT COUNT(*) AS n FROM customer WHERE prdtGrpCd = '정수기'"),),
    history=(Turn("비데 고객 평균 나이", "SELECT ROUND(AVG(age), 1) AS avg_age FROM customer WHERE prdtGrpCd = '비데'"),),
)


def converse_reply(text: str, stop: str = "end_turn") -> JsonReply:
    return JsonReply(body={
        "output": {"message": {"role": "assistant", "content": [{"text": text}]}},
        "stopReason": stop,
        "usage": {"inputTokens": 10, "outputTokens": 5, "totalTokens": 15},
        "metrics": {"latencyMs": 12},
    })


def tool_reply(document, stop: str = "tool_use") -> JsonReply:
    return JsonReply(body={
        "output": {"message": {"role": "assistant", "content": [
            {"toolUse": {"toolUseId": "t1", "name": "customer_facts", "input": document}}]}},
        "stopReason": stop,
        "usage": {"inputTokens": 10, "outputTokens": 5, "totalTokens": 15},
        "metrics": {"latencyMs": 12},
    })


def stream_reply(pieces: list[str], stop: str = "end_turn") -> StreamReply:
    messages = [event("messageStart", {"role": "assistant"})]
    messages += [event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": piece}}) for piece in pieces]
    messages += [event("contentBlockStop", {"contentBlockIndex": 0}), event("messageStop", {"stopReason": stop}),
                 event("metadata", {"usage": {"inputTokens": 1, "outputTokens": 1, "totalTokens": 2},
                                    "metrics": {"latencyMs": 5}})]
    return StreamReply(messages)


def converse_settings(**overrides):
    return offline_settings(**{"aws_region": "us-east-1", "backend_max_attempts": 2, **overrides})


def test_vectorizer_forces_the_schema_tool_and_reads_its_input(aws_env):
    aws_env.push(tool_reply({"age": 41, "houseHold": 3, "amt": "25", "size": None, "score": None,
                             "discRate": None, "product_group": "bidet"}))
    result = BedrockConverseVectorizer(converse_settings()).vectorize(REQUEST)
    assert result.features["age"] == 41.0 and result.features["amt"] == 25.0 and result.product_group == "비데"
    assert '"age": 41' in result.raw
    (sent,) = aws_env.requests
    assert sent.path == "/model/amazon.nova-pro-v1%3A0/converse"
    body = sent.json()
    (message,) = body["messages"]
    prompt = message["content"][0]["text"]
    assert prompt.startswith(load_prompt("vectorizer.txt")[:200]) and REQUEST.text in prompt
    assert "{{" not in prompt
    assert body["inferenceConfig"]["temperature"] == 0.0
    (tool,) = body["toolConfig"]["tools"]
    assert tool["toolSpec"]["name"] == "customer_facts"
    assert tool["toolSpec"]["inputSchema"]["json"] == vectorizer_schema()
    assert body["toolConfig"]["toolChoice"] == {"tool": {"name": "customer_facts"}}


def test_a_model_without_forced_tools_is_asked_for_any_tool_then_for_text(aws_env):
    refusal = aws_error(400, "ValidationException", "This model doesn't support the toolConfig.toolChoice.tool field.")
    any_refused = aws_error(400, "ValidationException", "toolConfig.toolChoice.any is not supported by this model")
    aws_env.push(refusal, tool_reply({"age": 41}), any_refused, converse_reply('{"age": 42}'), converse_reply('{"age": 43}'))
    vectorizer = BedrockConverseVectorizer(converse_settings())
    assert vectorizer.vectorize(REQUEST).features["age"] == 41.0
    assert vectorizer.vectorize(REQUEST).features["age"] == 42.0
    assert vectorizer.vectorize(REQUEST).features["age"] == 43.0  # remembered: no third refusal
    choices = [r.json().get("toolConfig", {}).get("toolChoice") for r in aws_env.requests]
    assert choices == [{"tool": {"name": "customer_facts"}}, {"any": {}}, {"any": {}}, None, None]


def test_tool_input_out_of_range_is_refused_field_by_field(aws_env):
    aws_env.push(tool_reply({"age": 41, "houseHold": 50, "score": 101}), tool_reply({"houseHold": 50}),
                 tool_reply({"age": 41}, stop="max_tokens"))
    vectorizer = BedrockConverseVectorizer(converse_settings())
    result = vectorizer.vectorize(REQUEST)
    assert result.features["age"] == 41.0 and result.features["houseHold"] is None and result.features["score"] is None
    with pytest.raises(BackendOutputInvalid, match="houseHold"):
        vectorizer.vectorize(REQUEST)
    with pytest.raises(BackendOutputTruncated):
        vectorizer.vectorize(REQUEST)


def test_the_answer_streams_through_converse_stream(aws_env):
    generator = BedrockConverseSqlGenerator(converse_settings())
    aws_env.push(stream_reply(["30대가 ", "120명으로 ", "가장 많아요."]), stream_reply(["30대가"], stop="max_tokens"))
    pieces = list(generator.stream_answer("연령대별 수", "ko", ["ageBand", "n"], [[30, 120]]))
    assert pieces == ["30대가 ", "120명으로 ", "가장 많아요."]
    assert aws_env.requests[0].path.endswith("/converse-stream")
    with pytest.raises(BackendOutputTruncated):
        list(generator.stream_answer("연령대별 수", "ko", ["ageBand", "n"], [[30, 120]]))


def test_sql_generator_turns_examples_and_history_into_few_shot_turns(aws_env):
    aws_env.push(converse_reply("```sql\nSELECT (age / 10) * 10 AS age_group, COUNT(*) AS n FROM customer "
                                "WHERE prdtGrpCd = '식기세척기' GROUP BY age_group ORDER BY age_group;\n```"))
    result = BedrockConverseSqlGenerator(converse_settings()).generate_sql(SQL_REQUEST)
    assert result.sql.startswith("SELECT (age / 10) * 10 AS age_group") and not result.sql.endswith(";")
    body = aws_env.requests[0].json()
    assert "Table customer" in body["system"][0]["text"]
    roles = [m["role"] for m in body["messages"]]
    assert roles == ["user", "assistant", "user", "assistant", "user"]
    assert body["messages"][0]["content"][0]["text"] == "정수기 고객 수"
    assert "prdtGrpCd = '비데'" in body["messages"][3]["content"][0]["text"]
    assert body["messages"][-1]["content"][0]["text"] == SQL_REQUEST.question


def test_error_feedback_reaches_the_last_turn(aws_env):
    aws_env.push(converse_reply("SELECT 1"))
    request = SqlRequest("q", "en", SCHEMA_TEXT, error_feedback="no such column: agee")
    BedrockConverseSqlGenerator(converse_settings()).generate_sql(request)
    last = aws_env.requests[0].json()["messages"][-1]["content"][0]["text"]
    assert last.startswith("q\n") and "no such column: agee" in last


def test_declining_returns_no_sql_and_example_suggestions(aws_env):
    aws_env.push(converse_reply("CANNOT_ANSWER"))
    result = BedrockConverseSqlGenerator(converse_settings()).generate_sql(SQL_REQUEST)
    assert result.sql is None and result.raw == "CANNOT_ANSWER"
    assert result.suggestions == ("정수기 고객 수",)


def test_write_answer_uses_the_rows_and_falls_back_on_failure(aws_env, no_botocore_backoff):
    generator = BedrockConverseSqlGenerator(converse_settings())
    aws_env.push(converse_reply("30대가 120명으로 가장 많아요."))
    assert generator.write_answer("연령대별 수", "ko", ["age_group", "n"], [[30, 120], [40, 80]]) == "30대가 120명으로 가장 많아요."
    prompt = aws_env.requests[-1].json()["messages"][0]["content"][0]["text"]
    assert "[30, 120]" in prompt and "Korean" in prompt
    aws_env.push(aws_error(500, "InternalServerException"), aws_error(500, "InternalServerException"))
    assert generator.write_answer("연령대별 수", "ko", ["age_group", "n"], [[30, 120]]) is None


@pytest.mark.parametrize(
    "status, code, expected",
    [
        (429, "ThrottlingException", BackendThrottled),
        (408, "ModelTimeoutException", BackendTimeout),
        (403, "AccessDeniedException", BackendError),
        (400, "ValidationException", BackendError),
        (403, "UnrecognizedClientException", BackendNotConfigured),
        (503, "ServiceUnavailableException", BackendError),
    ],
)
def test_service_errors_map_to_clear_types(aws_env, no_botocore_backoff, status, code, expected):
    aws_env.push(aws_error(status, code), aws_error(status, code))
    with pytest.raises(expected) as caught:
        BedrockConverseVectorizer(converse_settings()).vectorize(REQUEST)
    assert code in str(caught.value)


def test_empty_and_malformed_replies(aws_env):
    vectorizer = BedrockConverseVectorizer(converse_settings())
    aws_env.push(converse_reply("", stop="max_tokens"), converse_reply('{"age": 41, "houseHold": 50}'),
                 converse_reply("I would rather not use a tool."))
    with pytest.raises(BackendOutputTruncated, match="max_tokens"):
        vectorizer.vectorize(REQUEST)
    with pytest.raises(BackendOutputInvalid, match="no customer_facts tool call"):
        vectorizer.vectorize(REQUEST)
    with pytest.raises(BackendOutputInvalid, match="no customer_facts tool call"):
        vectorizer.vectorize(REQUEST)


def test_not_configured_without_region(aws_env):
    with pytest.raises(BackendNotConfigured, match="AWS_REGION"):
        BedrockConverseVectorizer(offline_settings(aws_region=None)).vectorize(REQUEST)
    assert aws_env.requests == []


def test_cli_sql_through_converse_runs_the_guarded_query_and_phrases_the_answer(aws_env, small_db, monkeypatch,
                                                                               capsys):
    import json

    from engine.cli import main

    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("DATABASE_URL", small_db)
    monkeypatch.setenv("LLM_RESULT_ROWS", "true")  # result rows may reach the LLM to phrase the answer
    aws_env.push(converse_reply("```sql\nSELECT COUNT(*) AS n FROM customer WHERE prdtGrpCd = '정수기'\n```"),
                 converse_reply("정수기 고객이 가장 많아요."))
    assert main(["sql", "--backend", "bedrock-converse", "정수기 고객은 몇 명이야?"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["backend"] == "bedrock-converse" and out["columns"] == ["n"] and out["rows"][0][0] > 0
    assert out["answer"].startswith("정수기 고객이 가장 많아요.")
    answer_prompt = aws_env.requests[1].json()["messages"][0]["content"][0]["text"]
    assert f"[{out['rows'][0][0]}]" in answer_prompt
