"""Sentinel secrets in the environment never reach logs, error messages, tracebacks, results or CLI output,
on any success or failure path of any LLM backend, a third-party backend's own secret setting included."""
from __future__ import annotations

import json
import logging
import traceback

import pytest
from pydantic import field_validator

from engine.app import Engine
from engine.cli import main
from core.errors import ChatError
from engine.settings import offline_settings
from plugin_helpers import registered
from plugins import BackendError, BackendSettings, SecretStr, Vectorizer, VectorizeResult, hookimpl
from plugins.base import SqlRequest, VectorizeRequest
from plugins.bedrock_converse import BedrockConverseSqlGenerator, BedrockConverseVectorizer
from plugins.bedrock_flow import BedrockFlowVectorizer
from plugins.bedrock_kb import BedrockKnowledgeBaseSqlGenerator
from plugins.deploy_flow import deploy_flow
from plugins.openai_compat import OpenAISqlGenerator, OpenAIVectorizer
from ui import render
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

SENTINEL_ACME_KEY = "acme-SENTINEL-plugin-key-doNotLeak-9876543210"
SENTINELS = (SENTINEL_AWS_SECRET, SENTINEL_OPENAI_KEY, SENTINEL_ACME_KEY)
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
    # The vectorizer reads the forced tool call, the SQL generator the text.
    "success": [JsonReply(body={"output": {"message": {"role": "assistant", "content": [
        {"text": NAMED}, {"toolUse": {"toolUseId": "t1", "name": "customer_facts", "input": json.loads(NAMED)}}]}},
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
    for backend, request in ((OpenAIVectorizer, TEXT), (OpenAISqlGenerator, QUESTION)):
        secrets_env.push(*OPENAI_PATHS[path])
        method = backend.vectorize if backend is OpenAIVectorizer else backend.generate_sql
        instance = backend(settings(secrets_env), retry_backoff=0.001)
        assert instance.config.openai_api_key.get_secret_value() == SENTINEL_OPENAI_KEY
        outcome = call(method, instance, request)
        assert_no_secret(visible_text(outcome, caplog) + repr(instance.settings) + repr(instance.config))


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


class AcmeSettings(BackendSettings):
    """A third-party backend's own secret, with a validator whose message would quote it if it were ever shown."""

    acme_api_key: SecretStr

    @field_validator("acme_api_key")
    @classmethod
    def _acme_shaped(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value().startswith("acme-"):
            raise ValueError(f"{value.get_secret_value()} is not an acme key")
        return value


class AcmeVectorizer(Vectorizer):
    backend_id = "acme"
    description = "a third-party backend that needs ACME_API_KEY"
    settings_model = AcmeSettings

    def vectorize(self, request):
        key = self.config.acme_api_key.get_secret_value()
        logging.getLogger("acme").debug("calling acme with %s", self.config)
        if "refuse" in request.text:
            raise BackendError("HTTP 401", backend=self.backend_id)
        # A server that echoes the request back: the backend's own redact() keeps the key off the panel.
        return VectorizeResult(features={"age": 35.0}, product_group=None, raw=self.redact(f"age 35 (key {key})"))


class AcmePlugin:
    @hookimpl
    def register_vectorizers(self, register):
        register(AcmeVectorizer)


@pytest.fixture
def acme(monkeypatch, caplog):
    caplog.set_level(logging.DEBUG)
    with registered(AcmePlugin()):
        yield monkeypatch


def acme_surfaces(engine) -> str:
    """What the CLI's `plugins`, the UI's backend list and its banner would show about the acme backend."""
    status = engine.backend_status()
    fallback = engine.fallback_for("vectorizer", "acme")
    return "\n".join([json.dumps(status, ensure_ascii=False), render.banner([fallback] if fallback else [], []),
                      repr(render.backend_choices(status["vectorizers"]))])


def test_a_plugins_own_secret_stays_out_of_results_panels_and_logs(acme, caplog, capsys):
    acme.setenv("ACME_API_KEY", SENTINEL_ACME_KEY)
    engine = Engine(offline_settings())
    assert engine.fallback_for("vectorizer", "acme") is None
    report = engine.vectorize("35살이에요", backend="acme")
    assert report.backend == "acme" and report.features["age"] == 35
    refused = call(engine.vectorize, "please refuse", None, "acme")
    assert isinstance(refused, BackendError)
    assert main(["vectorize", "--backend", "acme", "please refuse"]) == 1
    assert main(["plugins"]) == 0
    out, err = capsys.readouterr()
    shown = [acme_surfaces(engine), render.vector_panel(report.to_json()), repr(report), out, err]
    assert_no_secret("\n".join(shown) + visible_text(refused, caplog))


def test_a_plugins_rejected_secret_is_named_not_shown(acme, caplog, capsys):
    acme.setenv("ACME_API_KEY", SENTINEL_ACME_KEY.removeprefix("acme-"))
    engine = Engine(offline_settings())
    assert AcmeVectorizer.readiness(engine.settings).invalid == ("ACME_API_KEY",)
    fallback = engine.fallback_for("vectorizer", "acme")
    assert fallback["invalid"] == ["ACME_API_KEY"] and "a valid ACME_API_KEY" in fallback["message_en"]
    assert engine.vectorize("35살", backend="acme").backend == "rules"
    refused = call(AcmeVectorizer, engine.settings)
    assert isinstance(refused, ChatError) and "ACME_API_KEY" in refused.message("en")
    assert main(["plugins"]) == 0
    out, err = capsys.readouterr()
    assert "ACME_API_KEY" in out
    assert_no_secret("\n".join([acme_surfaces(engine), out, err]) + visible_text(refused, caplog))
