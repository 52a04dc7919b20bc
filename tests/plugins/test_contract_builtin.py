"""Every built-in backend runs the reusable contract from plugins.testing, one line each; the LLM backends run
it through their real client libraries against local servers that always give a well-formed answer."""
from __future__ import annotations

import json

import pytest

from engine.settings import offline_settings
from plugins.bedrock_converse import BedrockConverseSqlGenerator, BedrockConverseVectorizer
from plugins.bedrock_flow import BedrockFlowVectorizer
from plugins.bedrock_kb import BedrockKnowledgeBaseSqlGenerator
from plugins.manager import DEFAULT_PLUGINS
from plugins.openai_compat import OpenAISqlGenerator, OpenAIVectorizer
from plugins.rules.sql import RulesSqlGenerator
from plugins.rules.vectorizer import RulesVectorizer
from plugins.testing import check_import_is_cheap, check_vectorizer, sql_generator_contract, vectorizer_contract
from wire.servers import JsonReply, flow_success

NAMED = '{"age": 35, "houseHold": 4, "amt": 30, "size": 30, "score": null, "discRate": null, "product_group": "정수기"}'
SQL = "```sql\nSELECT prdtGrpCd, COUNT(*) AS n FROM customer GROUP BY prdtGrpCd ORDER BY n DESC\n```"
AWS = {"aws_region": "us-east-1", "bedrock_flow_id": "FLOW123456", "bedrock_flow_alias_id": "ALIAS12345",
       "bedrock_kb_id": "KB12345678"}


def converse_text(text: str) -> JsonReply:
    return JsonReply(body={"output": {"message": {"role": "assistant", "content": [{"text": text}]}},
                           "stopReason": "end_turn", "usage": {}, "metrics": {}})


def converse_tool(document: str) -> JsonReply:
    use = {"toolUseId": "t1", "name": "customer_facts", "input": json.loads(document)}
    return JsonReply(body={"output": {"message": {"role": "assistant", "content": [{"toolUse": use}]}},
                           "stopReason": "tool_use", "usage": {}, "metrics": {}})


def chat_text(text: str) -> JsonReply:
    return JsonReply(body={"choices": [{"index": 0, "message": {"role": "assistant", "content": text}}]})


@pytest.fixture
def bedrock(aws_env):
    """One local endpoint for every Bedrock API, answering each with a well-formed reply."""
    def respond(request):
        if "/converse" in request.path and "toolConfig" in request.json():
            return converse_tool(NAMED)
        if "/converse" in request.path:
            text = SQL if request.json().get("system") else NAMED
            return converse_text("30대가 가장 많아요." if "explain a query result" in str(request.json()) else text)
        if request.path == "/retrieveAndGenerate":
            return JsonReply(body={"output": {"text": SQL}, "sessionId": "s"})
        return flow_success(NAMED)

    aws_env.responder = respond
    return offline_settings(**AWS)


@pytest.fixture
def chat_server(local_server):
    local_server.responder = lambda request: chat_text(
        NAMED if "response_format" in request.json() else SQL
    )
    return offline_settings(openai_base_url=local_server.url, openai_model="test-model")


test_rules_vectorizer = vectorizer_contract(lambda: RulesVectorizer(offline_settings()))
test_rules_sql_generator = sql_generator_contract(lambda: RulesSqlGenerator(offline_settings()))
test_bedrock_flow = vectorizer_contract(lambda bedrock: BedrockFlowVectorizer(bedrock))
test_bedrock_converse_vectorizer = vectorizer_contract(lambda bedrock: BedrockConverseVectorizer(bedrock))
test_bedrock_converse_sql = sql_generator_contract(lambda bedrock: BedrockConverseSqlGenerator(bedrock))
test_bedrock_kb = sql_generator_contract(lambda bedrock: BedrockKnowledgeBaseSqlGenerator(bedrock))
test_openai_vectorizer = vectorizer_contract(lambda chat_server: OpenAIVectorizer(chat_server))
test_openai_sql = sql_generator_contract(lambda chat_server: OpenAISqlGenerator(chat_server))


def test_builtin_plugin_modules_import_without_heavy_dependencies():
    for module in DEFAULT_PLUGINS:
        check_import_is_cheap(module)


def test_the_contract_catches_a_backend_that_breaks_it():
    from plugins.base import VectorizeResult, Vectorizer

    class Sloppy(Vectorizer):
        backend_id = "sloppy"
        description = "returns an impossible age"

        def vectorize(self, request):
            return VectorizeResult(features={"age": float("nan")}, product_group=None, raw="")

    with pytest.raises(AssertionError, match="'sloppy' breaks the contract: age=nan"):
        check_vectorizer(Sloppy(offline_settings()))


def test_the_contract_catches_a_backend_that_raises_a_raw_exception(local_server):
    local_server.responder = lambda request: chat_text("not json at all")
    vectorizer = OpenAIVectorizer(offline_settings(openai_base_url=local_server.url, openai_model="m"))
    with pytest.raises(Exception) as caught:
        check_vectorizer(vectorizer)
    assert type(caught.value).__name__ == "BackendOutputInvalid"
