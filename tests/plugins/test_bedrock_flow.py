"""bedrock-flow through real boto3 against a local server speaking InvokeFlow's event-stream wire protocol."""
from __future__ import annotations

import json

import pytest
from botocore.eventstream import EventStreamBuffer

from core.errors import BackendError, BackendOutputInvalid, BackendThrottled, BackendTimeout
from engine.settings import offline_settings
from plugins.base import VectorizeRequest
from plugins.bedrock_flow import BedrockFlowVectorizer
from wire.eventstream import corrupt, encode_message
from wire.servers import (
    SENTINEL_AWS_KEY_ID,
    StreamReply,
    aws_error,
    event,
    flow_completion,
    flow_output,
    flow_success,
    stream_exception,
)

NAMED = '{"age": 35, "houseHold": 4, "amt": 30, "size": 30, "score": null, "discRate": null, "product_group": "정수기"}'
REQUEST = VectorizeRequest("35살 4인 가족, 30평, 월 3만원 정도 정수기", "ko", carried={"score": 70.0})

# Every error event InvokeFlow's response stream defines in botocore's bedrock-agent-runtime model.
STREAM_ERRORS = {
    "throttlingException": BackendThrottled,
    "validationException": BackendError,
    "accessDeniedException": BackendError,
    "resourceNotFoundException": BackendError,
    "conflictException": BackendError,
    "dependencyFailedException": BackendError,
    "badGatewayException": BackendError,
    "internalServerException": BackendError,
    "serviceQuotaExceededException": BackendThrottled,
}
RETRIED = {"throttlingException", "badGatewayException", "internalServerException"}


def flow_settings(**overrides):
    values = dict(
        vectorizer="bedrock-flow",
        aws_region="us-east-1",
        bedrock_flow_id="FLOW123456",
        bedrock_flow_alias_id="ALIAS12345",
        backend_connect_timeout=2.0,
        backend_read_timeout=3.0,
        backend_max_attempts=3,
    )
    return offline_settings(**{**values, **overrides})


@pytest.fixture
def flow(aws_env):
    return BedrockFlowVectorizer(flow_settings(), retry_backoff=0.001)


def test_encoder_round_trips_through_botocore_decoder():
    buffer = EventStreamBuffer()
    buffer.add_data(encode_message({":event-type": "x", ":message-type": "event"}, b'{"a": 1}'))
    (message,) = list(buffer)
    assert message.headers == {":event-type": "x", ":message-type": "event"}
    assert message.payload == b'{"a": 1}'


def test_named_keys_document_string(flow, aws_env):
    aws_env.push(flow_success(NAMED))
    result = flow.vectorize(REQUEST)
    assert result.features == dict(age=35.0, houseHold=4.0, amt=30.0, size=30.0, score=None, discRate=None)
    assert result.product_group == "정수기"
    assert result.raw == NAMED
    (sent,) = aws_env.requests
    assert sent.method == "POST" and sent.path == "/flows/FLOW123456/aliases/ALIAS12345"
    assert sent.headers["Authorization"].startswith(f"AWS4-HMAC-SHA256 Credential={SENTINEL_AWS_KEY_ID}/")
    (flow_input,) = sent.json()["inputs"]
    assert flow_input["nodeName"] == "FlowInputNode" and flow_input["nodeOutputName"] == "document"
    assert flow_input["content"]["document"]["text"] == REQUEST.text
    assert json.loads(flow_input["content"]["document"]["carried"]) == {"score": 70.0}


def test_document_as_object_and_plain_array(flow, aws_env):
    aws_env.push(flow_success({"age": "41", "houseHold": 2, "product_group": None}))
    result = flow.vectorize(REQUEST)
    assert result.features["age"] == 41.0 and result.features["amt"] is None and result.product_group is None
    aws_env.push(flow_success("```json\n[35, 4, 30, 30, 50, 10]\n```"))
    result = flow.vectorize(REQUEST)
    assert list(result.features.values()) == [35.0, 4.0, 30.0, 30.0, 50.0, 10.0]


def test_prose_around_json_and_trace_events_are_tolerated(flow, aws_env):
    node_trace = {"nodeName": "Vectorizer", "fields": [], "timestamp": "2026-01-01T00:00:00Z"}
    trace = event("flowTraceEvent", {"trace": {"nodeOutputTrace": node_trace}})
    aws_env.push(StreamReply([trace, flow_output(f"Here you go:\n{NAMED}\nHope it helps"), flow_completion()]))
    assert flow.vectorize(REQUEST).features["age"] == 35.0


@pytest.mark.parametrize("exception_type", sorted(STREAM_ERRORS))
def test_each_in_stream_error(flow, aws_env, exception_type):
    attempts = 3 if exception_type in RETRIED else 1
    aws_env.push(*[StreamReply([stream_exception(exception_type)]) for _ in range(attempts)])
    with pytest.raises(STREAM_ERRORS[exception_type]) as caught:
        flow.vectorize(REQUEST)
    assert exception_type in str(caught.value)
    assert len(aws_env.requests) == attempts


def test_in_stream_throttling_then_success(flow, aws_env):
    aws_env.push(
        StreamReply([stream_exception("throttlingException")]),
        StreamReply([stream_exception("internalServerException")]),
        flow_success(NAMED),
    )
    assert flow.vectorize(REQUEST).features["houseHold"] == 4.0
    assert len(aws_env.requests) == 3


def test_http_429_before_the_stream_is_retried_by_botocore(flow, aws_env, no_botocore_backoff):
    aws_env.push(*[aws_error(429, "ThrottlingException") for _ in range(3)])
    with pytest.raises(BackendThrottled):
        flow.vectorize(REQUEST)
    assert len(aws_env.requests) == 3  # backend_max_attempts, all spent by botocore's standard retries


def test_http_429_then_success(aws_env, no_botocore_backoff):
    flow = BedrockFlowVectorizer(flow_settings(backend_max_attempts=2), retry_backoff=0.001)
    aws_env.push(aws_error(429, "ThrottlingException"), flow_success(NAMED))
    assert flow.vectorize(REQUEST).features["age"] == 35.0
    assert len(aws_env.requests) == 2


def test_bad_crc(flow, aws_env):
    aws_env.push(StreamReply([corrupt(flow_output(NAMED)), flow_completion()]))
    with pytest.raises(BackendError, match="checksum"):
        flow.vectorize(REQUEST)
    assert len(aws_env.requests) == 1


def test_stream_without_completion_event(flow, aws_env):
    aws_env.push(StreamReply([flow_output(NAMED)]))
    with pytest.raises(BackendError, match="without a completion event"):
        flow.vectorize(REQUEST)


def test_completion_without_output_and_input_required(flow, aws_env):
    aws_env.push(StreamReply([flow_completion()]))
    with pytest.raises(BackendOutputInvalid):
        flow.vectorize(REQUEST)
    aws_env.push(StreamReply([flow_output(NAMED), flow_completion("INPUT_REQUIRED")]))
    with pytest.raises(BackendError, match="INPUT_REQUIRED"):
        flow.vectorize(REQUEST)


def test_read_timeout_mid_stream(aws_env):
    flow = BedrockFlowVectorizer(flow_settings(backend_read_timeout=0.3), retry_backoff=0.001)
    aws_env.push(StreamReply([flow_output(NAMED), flow_completion()], stall_after=1, stall_seconds=1.5))
    with pytest.raises(BackendTimeout):
        flow.vectorize(REQUEST)


def test_read_timeout_before_headers(aws_env, no_botocore_backoff):
    from wire.servers import JsonReply

    flow = BedrockFlowVectorizer(flow_settings(backend_read_timeout=0.3, backend_max_attempts=2))
    aws_env.push(JsonReply(delay=1.0), JsonReply(delay=1.0))
    with pytest.raises(BackendTimeout):
        flow.vectorize(REQUEST)
    assert len(aws_env.requests) == 2


@pytest.mark.parametrize(
    "document",
    [
        "I could not understand the customer.",
        '{"age": 35, "houseHold": 4, "notes": "family"}',
        "[35, 4, 30]",
        '{"age": 400}',
        '{"amt": -5}',
        '{"age": "서른다섯"}',
        '{"product_group": "냉장고"}',
        "[NaN, 4000, 30000, -30, 500, 900]",
        42,
    ],
)
def test_malformed_and_out_of_range_output(flow, aws_env, document):
    aws_env.push(flow_success(document))
    with pytest.raises(BackendOutputInvalid):
        flow.vectorize(REQUEST)
    assert len(aws_env.requests) == 1


@pytest.mark.parametrize(
    "document, kept",
    [
        ("[35, 4, 30, 30, 50, NaN]", {"age": 35.0, "houseHold": 4.0, "amt": 30.0, "size": 30.0, "score": 50.0}),
        ('{"age": 400, "houseHold": 2, "product_group": "비데"}', {"houseHold": 2.0}),
    ],
)
def test_the_flow_output_is_checked_against_the_schema_field_by_field(flow, aws_env, document, kept):
    aws_env.push(flow_success(document))
    result = flow.vectorize(REQUEST)
    assert {name: value for name, value in result.features.items() if value is not None} == kept


def test_missing_settings_refuse_before_any_request(aws_env):
    from core.errors import BackendNotConfigured

    with pytest.raises(BackendNotConfigured, match="BEDROCK_FLOW_ALIAS_ID"):
        BedrockFlowVectorizer(flow_settings(bedrock_flow_alias_id=None)).vectorize(REQUEST)
    assert aws_env.requests == []
    assert BedrockFlowVectorizer.readiness(offline_settings()).missing == (
        "AWS_REGION", "BEDROCK_FLOW_ID", "BEDROCK_FLOW_ALIAS_ID"
    )


def test_service_specific_endpoint_variable_is_honoured(monkeypatch, aws_env):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_AGENT_RUNTIME", aws_env.url)
    aws_env.push(flow_success(NAMED))
    assert BedrockFlowVectorizer(flow_settings()).vectorize(REQUEST).features["age"] == 35.0


def test_cli_vectorize_through_the_flow(aws_env, monkeypatch, capsys):
    from engine.cli import main

    for name, value in {"AWS_REGION": "us-east-1", "BEDROCK_FLOW_ID": "FLOW123456",
                        "BEDROCK_FLOW_ALIAS_ID": "ALIAS12345"}.items():
        monkeypatch.setenv(name, value)
    aws_env.push(flow_success(NAMED))
    assert main(["vectorize", "--backend", "bedrock-flow", REQUEST.text]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["backend"] == "bedrock-flow" and out["product_group"] == "정수기"
    assert out["features"]["age"] == 35 and out["sources"]["age"] == "extracted"
    assert out["sources"]["score"] == "default" and out["raw"] == NAMED
