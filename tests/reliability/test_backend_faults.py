"""Faults of the default backend (bedrock-flow) through the whole engine and real boto3 against a local
event-stream server: the customer gets a clear message, nothing is remembered, the next request works."""
import pytest

from engine.app import Engine
from core.errors import BackendError, BackendOutputInvalid, BackendTimeout
from engine.session import ChatSession
from engine.settings import offline_settings
from wire.servers import SENTINEL_AWS_SECRET, StreamReply, flow_output, flow_success, stream_exception

GOOD = '{"age": 35, "houseHold": 4, "amt": 30, "size": 30, "score": null, "discRate": null, "product_group": "정수기"}'
TEXT = "35살 4인 가족 30평 월 3만원 정수기"


@pytest.fixture
def engine(aws_env, no_botocore_backoff):
    settings = offline_settings(
        vectorizer="bedrock-flow", aws_region="us-east-1", bedrock_flow_id="FLOW123456",
        bedrock_flow_alias_id="ALIAS12345", backend_connect_timeout=1.0, backend_read_timeout=0.5,
        backend_max_attempts=2,
    )
    engine = Engine(settings)
    assert engine.fallback_for("vectorizer") is None  # the real backend runs, not the rules fallback
    return engine


def assert_clear_and_safe(error: BackendError):
    for lang in ("ko", "en"):
        text = error.message(lang)
        assert "bedrock-flow" in text and SENTINEL_AWS_SECRET not in text and "Traceback" not in text


def recovers(engine, server, session):
    server.replies.clear()
    server.push(flow_success(GOOD))
    rec = engine.recommend(TEXT, session)
    assert rec.vector.backend == "bedrock-flow"
    assert rec.vector.features["age"] == 35 and {p.group for p in rec.top} == {"정수기"}


def test_throttling_then_success_is_retried_transparently(engine, aws_env):
    aws_env.push(StreamReply([stream_exception("throttlingException")]), flow_success(GOOD))
    rec = engine.recommend(TEXT, ChatSession())
    assert rec.vector.features["houseHold"] == 4
    assert len(aws_env.requests) == 2


def test_a_hang_past_the_read_timeout_is_a_clear_timeout(engine, aws_env):
    stalled = StreamReply([flow_output(GOOD)], stall_after=0, stall_seconds=2.0)
    aws_env.push(stalled, stalled, stalled)
    session = ChatSession()
    with pytest.raises(BackendTimeout) as caught:
        engine.recommend(TEXT, session)
    assert_clear_and_safe(caught.value)
    assert session.carried == {}
    recovers(engine, aws_env, session)


def test_malformed_output_is_refused_before_the_model(engine, aws_env):
    aws_env.push(flow_success("Sorry, I can only talk about the weather."))
    session = ChatSession()
    with pytest.raises(BackendOutputInvalid) as caught:
        engine.recommend(TEXT, session)
    assert_clear_and_safe(caught.value)
    assert session.carried == {}
    recovers(engine, aws_env, session)


def test_a_stream_cut_midway_is_an_error_not_a_half_answer(engine, aws_env):
    aws_env.push(StreamReply([flow_output(GOOD)[:25]]), StreamReply([flow_output(GOOD)[:25]]))
    session = ChatSession()
    with pytest.raises(BackendError) as caught:
        engine.recommend(TEXT, session)
    assert_clear_and_safe(caught.value)
    assert session.carried == {}
    recovers(engine, aws_env, session)


def test_out_of_range_output_never_reaches_the_model(engine, aws_env):
    aws_env.push(flow_success('{"age": 35000, "houseHold": -4, "amt": 30, "size": 30}'),
                 flow_success('{"age": 35000, "houseHold": -4}'))
    rec = engine.recommend(TEXT, ChatSession())  # refused field by field: the two in range still count
    assert rec.vector.stated["age"] is None and rec.vector.stated["houseHold"] is None
    assert rec.vector.sources["age"] == rec.vector.sources["houseHold"] == "default"
    assert rec.vector.features["amt"] == 30 and rec.vector.sources["amt"] == "extracted"
    with pytest.raises(BackendOutputInvalid):  # nothing usable at all
        engine.recommend(TEXT, ChatSession())
