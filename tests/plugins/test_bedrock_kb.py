"""bedrock-kb through real boto3 against a local server speaking RetrieveAndGenerate's REST-JSON protocol."""
from __future__ import annotations

import pytest

from db.schema import SCHEMA_TEXT
from core.errors import BackendError, BackendNotConfigured, BackendThrottled, InputTooLong
from engine.settings import offline_settings
from plugins.base import Example, SqlRequest, Turn
from plugins.bedrock_kb import MAX_TEMPLATE_CHARS, BedrockKnowledgeBaseSqlGenerator, generation_template
from plugins.prompting import answer_prompt
from wire.servers import JsonReply, aws_error

REQUEST = SqlRequest(
    question="공기청정기 고객의 평균 예산은?",
    language="ko",
    schema_text=SCHEMA_TEXT,
    examples=(Example("정수기 고객 수", "SELECT COUNT(*) AS n FROM customer WHERE prdtGrpCd = '정수기'"),),
)


def kb_reply(text: str) -> JsonReply:
    return JsonReply(body={"output": {"text": text}, "sessionId": "session-1", "citations": []})


def kb_settings(**overrides):
    return offline_settings(**{"aws_region": "us-west-2", "bedrock_kb_id": "KB12345678", "backend_max_attempts": 2,
                               **overrides})


def test_generates_sql_from_the_knowledge_base(aws_env):
    aws_env.push(kb_reply("Here it is:\n```sql\nSELECT ROUND(AVG(amt), 1) AS avg_amt FROM customer "
                          "WHERE prdtGrpCd = '공기청정기'\n```"))
    result = BedrockKnowledgeBaseSqlGenerator(kb_settings()).generate_sql(REQUEST)
    assert result.sql == "SELECT ROUND(AVG(amt), 1) AS avg_amt FROM customer WHERE prdtGrpCd = '공기청정기'"
    (sent,) = aws_env.requests
    assert sent.path == "/retrieveAndGenerate"
    body = sent.json()
    assert body["input"] == {"text": REQUEST.question}
    config = body["retrieveAndGenerateConfiguration"]["knowledgeBaseConfiguration"]
    assert config["knowledgeBaseId"] == "KB12345678"
    assert config["modelArn"] == "arn:aws:bedrock:us-west-2::foundation-model/amazon.nova-pro-v1:0"
    template = config["generationConfiguration"]["promptTemplate"]["textPromptTemplate"]
    assert "$search_results$" in template and "$query$" in template and "Table customer" in template


def test_explicit_model_arn_wins(aws_env):
    arn = "arn:aws:bedrock:us-west-2:123456789012:inference-profile/us.amazon.nova-pro-v1:0"
    aws_env.push(kb_reply("SELECT 1"))
    BedrockKnowledgeBaseSqlGenerator(kb_settings(bedrock_kb_model_arn=arn)).generate_sql(REQUEST)
    body = aws_env.requests[0].json()
    assert body["retrieveAndGenerateConfiguration"]["knowledgeBaseConfiguration"]["modelArn"] == arn


def test_feedback_and_history_go_into_the_template_not_the_search_query():
    request = SqlRequest("q", "en", SCHEMA_TEXT, history=(Turn("earlier $query$", "SELECT 2"),),
                         error_feedback="no such column: $search_results$ agee")
    template = generation_template(request)
    assert "earlier query" in template and "no such column: search_results agee" in template
    assert template.count("$query$") == 1 and template.count("$search_results$") == 1


def test_template_stays_within_the_service_limit():
    history = tuple(Turn(f"question {i} " + "x" * 300, "SELECT " + "y" * 300) for i in range(20))
    template = generation_template(SqlRequest("q", "en", SCHEMA_TEXT, history=history))
    assert len(template) <= MAX_TEMPLATE_CHARS and "question 19" in template and "question 0 " not in template


def test_decline_and_question_too_long(aws_env):
    aws_env.push(kb_reply("CANNOT_ANSWER"))
    result = BedrockKnowledgeBaseSqlGenerator(kb_settings()).generate_sql(REQUEST)
    assert result.sql is None and result.suggestions == ("정수기 고객 수",)
    with pytest.raises(InputTooLong):
        BedrockKnowledgeBaseSqlGenerator(kb_settings()).generate_sql(SqlRequest("q" * 1001, "en", SCHEMA_TEXT))
    assert len(aws_env.requests) == 1


@pytest.mark.parametrize(
    "status, code, expected",
    [(429, "ThrottlingException", BackendThrottled), (424, "DependencyFailedException", BackendError),
     (404, "ResourceNotFoundException", BackendError), (400, "ServiceQuotaExceededException", BackendThrottled)],
)
def test_service_errors(aws_env, no_botocore_backoff, status, code, expected):
    aws_env.push(aws_error(status, code), aws_error(status, code))
    with pytest.raises(expected, match=code):
        BedrockKnowledgeBaseSqlGenerator(kb_settings()).generate_sql(REQUEST)


def test_readiness_names_the_missing_settings():
    readiness = BedrockKnowledgeBaseSqlGenerator.readiness(offline_settings(aws_region=None))
    assert readiness.missing == ("AWS_REGION", "BEDROCK_KB_ID")
    with pytest.raises(BackendNotConfigured, match="BEDROCK_KB_ID"):
        BedrockKnowledgeBaseSqlGenerator(offline_settings(aws_region="us-east-1")).generate_sql(REQUEST)


def converse_reply(text: str) -> JsonReply:
    return JsonReply(body={"output": {"message": {"role": "assistant", "content": [{"text": text}]}},
                           "stopReason": "end_turn", "usage": {}, "metrics": {}})


def test_write_answer_phrases_the_rows_through_converse_with_the_answer_prompt(aws_env):
    aws_env.push(converse_reply("  정수기 고객은 1,234명이에요.\n"))
    generator = BedrockKnowledgeBaseSqlGenerator(kb_settings(bedrock_model_id="anthropic.claude-test-v1:0"))
    assert generator.write_answer("정수기 고객 수", "ko", ["users"], [[1234]]) == "정수기 고객은 1,234명이에요."
    (sent,) = aws_env.requests
    assert sent.path == "/model/anthropic.claude-test-v1%3A0/converse"
    body = sent.json()
    assert body["messages"] == [
        {"role": "user", "content": [{"text": answer_prompt("정수기 고객 수", "ko", ["users"], [[1234]])}]}
    ]
    assert "[1234]" in body["messages"][0]["content"][0]["text"] and "Korean" in body["messages"][0]["content"][0]["text"]


@pytest.mark.parametrize("reply", [aws_error(500, "InternalServerException"), aws_error(403, "AccessDeniedException"),
                                   converse_reply("")])
def test_write_answer_returns_none_so_the_templates_answer(aws_env, no_botocore_backoff, reply):
    aws_env.push(reply, reply)
    assert BedrockKnowledgeBaseSqlGenerator(kb_settings()).write_answer("q", "en", ["users"], [[3]]) is None
    assert aws_env.requests and all(r.path.endswith("/converse") for r in aws_env.requests)


def test_the_analytics_answer_comes_from_the_model_given_the_real_rows(aws_env, small_db):
    from engine.app import Engine

    aws_env.push(kb_reply("```sql\nSELECT COUNT(*) AS users FROM customer WHERE prdtGrpCd = '비데'\n```"),
                 converse_reply("비데 고객은 총 몇 백 명이에요."))
    answer = Engine(kb_settings(database_url=small_db, llm_result_rows=True)).ask("비데 사용자 수", backend="bedrock-kb")
    assert answer.backend == "bedrock-kb" and answer.answer == "비데 고객은 총 몇 백 명이에요."
    users = answer.rows[0][0]
    assert users > 0
    prompt = aws_env.requests[-1].json()["messages"][0]["content"][0]["text"]
    assert f"[{users}]" in prompt and "비데 사용자 수" in prompt
