"""Sentinel secrets in the environment never reach logs, error messages, tracebacks, results or CLI output,
on any success or failure path of any LLM backend."""
from __future__ import annotations

import json
import logging
import traceback

import pytest

from engine.cli import main
from core.errors import ChatError
from engine.settings import offline_settings
from plugins.base import SqlRequest, VectorizeRequest
from plugins.bedrock_converse import BedrockConverseSqlGenerator, BedrockConverseVectorizer
from plugins.bedrock_flow import BedrockFlowVectorizer
from plugins.bedrock_kb import BedrockKnowledgeBaseSqlGenerator
from plugins.deploy_flow import deploy_flow
from plugins.openai_compat import OpenAISqlGenerator, OpenAIVectorizer
from wire.eventstream import corrupt
from wire.servers import (
    SENTINEL_AWS_SECRET,
    SENTINEL_OPENAI_KEY,
    JsonReply,
    StreamReply,
    aws_error,
    flow_completion,
    flow_output,
    flow_success,
    stream_exception,
)

SENTINELS = (SENTINEL_AWS_SECRET, SENTINEL_OPENAI_KEY)
TEXT = VectorizeRequest("35살 4인 가족 정수기", "ko")
QUESTION = SqlRequest("정수기 고객 수", "ko", "Table customer (id INTEGER)")
NAMED = '{"age": 35, "houseHold": 4, "product_group": "정수기"}'


@pytest.fixture
def secrets_env(aws_env, monkeypatch, caplog, no_botocore_backoff):
    """Both sentinels set where real deployments keep them; every logger recorded at DEBUG."""
    monkeypatch.setenv("OPENAI_API_KEY", SENTINEL_OPENAI_KEY)
    caplog.set_level(logging.DEBUG)
    return aws_env


def settings(server, **overrides):
    """Read from the environment like the app does, so OPENAI_API_KEY arrives as a SecretStr."""
    values = {"aws_region": "us-east-1", "bedrock_flow_id": "FLOW123456", "bedrock_flow_alias_id": "ALIAS12345",
              "bedrock_kb_id": "KB12345678", "openai_base_url": server.url, "openai_model": "m",
              "backend_max_attempts": 2, "backend_read_timeout": 0.4}
    return offline_settings(**{**values, **overrides})


def visible_text(outcome, caplog) -> str:
    """Everything a user, a log reader or a trace could see from one call."""
    parts = [caplog.text, "\n".join(str(r.args) for r in caplog.records)]
    if isinstance(outcome, BaseException):
        parts += [str(outcome), repr(outcome), "".join(traceback.format_exception(outcome))]
        if isinstance(outcome, ChatError):
            parts += [outcome.message("ko"), outcome.message("en"), json.dumps(outcome.to_json(), ensure_ascii=False)]
    else:
        parts.append(repr(outcome))
    return "\n".join(parts)


def call(fn, *args):
    try:
        return fn(*args)
    except Exception as exc:  # every path, failures included, is inspected
        return exc


def assert_no_secret(text: str) -> None:
    for sentinel in SENTINELS:
        assert sentinel not in text
        assert sentinel[8:30] not in text  # not even a fragment


FLOW_PATHS = {
    "success": [flow_success(NAMED)],
    "throttled twice": [StreamReply([stream_exception("throttlingException")])] * 2,
    "access denied": [StreamReply([stream_exception("accessDeniedException", "User: arn:... is not authorized")])],
    "http 429": [aws_error(429, "ThrottlingException")] * 2,
    "http 403 signature": [aws_error(403, "InvalidSignatureException", "The request signature we calculated...")],
    "bad crc": [StreamReply([corrupt(flow_output(NAMED)), flow_completion()])],
    "no completion": [StreamReply([flow_output(NAMED)])],
    "timeout": [StreamReply([flow_output(NAMED), flow_completion()], stall_after=0, stall_seconds=1.2)],
    "malformed": [flow_success("no json here")],
    "out of range": [flow_success('{"age": 1000}')],
}


@pytest.mark.parametrize("path", sorted(FLOW_PATHS))
def test_bedrock_flow_paths(secrets_env, caplog, path):
    secrets_env.push(*FLOW_PATHS[path])
    outcome = call(BedrockFlowVectorizer(settings(secrets_env), retry_backoff=0.001).vectorize, TEXT)
    assert isinstance(outcome, ChatError) == (path != "success")
    assert_no_secret(visible_text(outcome, caplog))


CONVERSE_PATHS = {
    "success": [JsonReply(body={"output": {"message": {"role": "assistant", "content": [{"text": NAMED}]}},
                                "stopReason": "end_turn", "usage": {}, "metrics": {}})],
    "unrecognized client": [aws_error(403, "UnrecognizedClientException", "The security token is invalid")],
    "server error": [aws_error(500, "InternalServerException")] * 2,
    "garbage body": [JsonReply(body=b"\x00\xffnot json")],
}


@pytest.mark.parametrize("path", sorted(CONVERSE_PATHS))
def test_bedrock_converse_and_kb_paths(secrets_env, caplog, path):
    secrets_env.push(*CONVERSE_PATHS[path])
    outcome = call(BedrockConverseVectorizer(settings(secrets_env)).vectorize, TEXT)
    secrets_env.push(*CONVERSE_PATHS[path])
    outcome_sql = call(BedrockConverseSqlGenerator(settings(secrets_env)).generate_sql, QUESTION)
    for each in (outcome, outcome_sql):
        # Every failure is one of our errors with a safe message; a raw exception would reach the user.
        assert isinstance(each, ChatError) == (path != "success"), repr(each)
        assert_no_secret(visible_text(each, caplog))


def test_bedrock_kb_throttled_then_answering(secrets_env, caplog):
    secrets_env.push(aws_error(429, "ThrottlingException"), JsonReply(body={"output": {"text": "SELECT 1"}}))
    outcome = call(BedrockKnowledgeBaseSqlGenerator(settings(secrets_env)).generate_sql, QUESTION)
    assert not isinstance(outcome, Exception)
    assert_no_secret(visible_text(outcome, caplog))


def test_deploy_flow_failure(secrets_env, caplog):
    secrets_env.push(aws_error(403, "AccessDeniedException"), aws_error(403, "AccessDeniedException"))
    outcome = call(lambda: deploy_flow(settings(secrets_env), model_id=None, role_arn="arn:aws:iam::1:role/r",
                                       dry_run=False))
    assert isinstance(outcome, ChatError)
    assert_no_secret(visible_text(outcome, caplog))


ECHO = JsonReply(401, {"error": {"message": f"Incorrect API key provided: {SENTINEL_OPENAI_KEY}"}})
OPENAI_PATHS = {
    "success": [JsonReply(body={"choices": [{"message": {"content": NAMED}}]})],
    "401 echoing the key": [ECHO],
    "429": [JsonReply(429, {"error": SENTINEL_OPENAI_KEY})] * 2,
    "500": [JsonReply(500, {"error": SENTINEL_OPENAI_KEY})] * 2,
    "timeout": [JsonReply(delay=1.0)],
    "content echoing the key": [JsonReply(body={"choices": [{"message": {"content": f"key={SENTINEL_OPENAI_KEY}"}}]})],
}


@pytest.mark.parametrize("path", sorted(OPENAI_PATHS))
def test_openai_paths(secrets_env, caplog, path):
    assert settings(secrets_env).openai_api_key.get_secret_value() == SENTINEL_OPENAI_KEY
    for backend, request in ((OpenAIVectorizer, TEXT), (OpenAISqlGenerator, QUESTION)):
        secrets_env.push(*OPENAI_PATHS[path])
        method = backend.vectorize if backend is OpenAIVectorizer else backend.generate_sql
        instance = backend(settings(secrets_env), retry_backoff=0.001)
        outcome = call(method, instance, request)
        assert_no_secret(visible_text(outcome, caplog) + repr(instance.settings))


@pytest.mark.parametrize(
    "backend, env, replies",
    [
        ("bedrock-flow", {"BEDROCK_FLOW_ID": "FLOW123456", "BEDROCK_FLOW_ALIAS_ID": "ALIAS12345"},
         [StreamReply([stream_exception("accessDeniedException")])]),
        ("openai", {"OPENAI_MODEL": "m"}, [ECHO]),
    ],
)
def test_cli_output_on_backend_failure(secrets_env, monkeypatch, capsys, caplog, backend, env, replies):
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("OPENAI_BASE_URL", secrets_env.url)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    secrets_env.push(*replies)
    assert main(["vectorize", "--backend", backend, "35살 4인 가족 정수기"]) == 1
    out, err = capsys.readouterr()
    assert json.loads(out)["code"] in {"backend_error", "backend_not_configured"}
    assert_no_secret(out + err + caplog.text)
