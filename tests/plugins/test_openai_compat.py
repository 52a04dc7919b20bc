"""openai through real httpx against a tiny local Chat Completions server."""
from __future__ import annotations

import itertools

import pytest

from db.schema import SCHEMA_TEXT
from core.errors import (BackendError, BackendNotConfigured, BackendOutputInvalid, BackendOutputTruncated,
                         BackendThrottled, BackendTimeout)
from engine.settings import offline_settings
from plugins.base import Example, SqlRequest, VectorizeRequest
from plugins.llm_output import vectorizer_schema
from plugins.openai_compat import OpenAISqlGenerator, OpenAIVectorizer
from wire.servers import SENTINEL_OPENAI_KEY, JsonReply, SseReply

REQUEST = VectorizeRequest("혼자 살고 원룸 10평, 공기청정기 월 2만원 이하", "ko", carried={"age": 29.0})
NAMED = ('{"age": null, "houseHold": 1, "amt": 20, "size": 10, "score": null, "discRate": null, '
         '"product_group": "공기청정기"}')


def completion(content) -> JsonReply:
    return JsonReply(body={"id": "c1", "object": "chat.completion", "model": "m",
                           "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                                        "finish_reason": "stop"}]})


def openai_settings(url: str, **overrides):
    values = {"openai_base_url": f"{url}/v1", "openai_model": "qwen2.5:7b", "openai_api_key": SENTINEL_OPENAI_KEY,
              "backend_max_attempts": 3, "backend_read_timeout": 2.0}
    return offline_settings(**{**values, **overrides})


@pytest.fixture
def vectorizer(local_server):
    return OpenAIVectorizer(openai_settings(local_server.url), retry_backoff=0.001)


def test_vectorizer_asks_for_json_and_parses_it(vectorizer, local_server):
    local_server.push(completion(NAMED))
    result = vectorizer.vectorize(REQUEST)
    assert result.features["houseHold"] == 1.0 and result.features["age"] is None
    assert result.product_group == "공기청정기" and result.raw == NAMED
    (sent,) = local_server.requests
    assert sent.method == "POST" and sent.path == "/v1/chat/completions"
    assert sent.headers["Authorization"] == f"Bearer {SENTINEL_OPENAI_KEY}"
    body = sent.json()
    assert body["model"] == "qwen2.5:7b"
    assert body["response_format"] == {"type": "json_schema", "json_schema": {
        "name": "customer_facts", "schema": vectorizer_schema(), "strict": True}}
    assert REQUEST.text in body["messages"][0]["content"] and '{"age": 29.0}' in body["messages"][0]["content"]


def test_each_refused_response_format_is_asked_the_next_way_once(vectorizer, local_server):
    local_server.push(
        JsonReply(400, {"error": {"message": "Unrecognized request argument: response_format"}}),
        # llama-cpp-python refuses json_schema with a 500 naming the field: asked another way, not retried
        JsonReply(500, {"error": {"message": "('body', 'response_format', 'type') Input should be 'json_object'"}}),
        JsonReply(422, {"detail": [{"loc": ["body", "response_format"], "msg": "extra fields not permitted"}]}),
        completion(f"```json\n{NAMED}\n```"),
        completion("[29, 1, 20, 10, 50, 0]"),
    )
    assert vectorizer.vectorize(REQUEST).features["amt"] == 20.0
    assert vectorizer.vectorize(REQUEST).features["score"] == 50.0
    formats = [r.json().get("response_format") for r in local_server.requests]
    assert [f and f["type"] for f in formats] == ["json_schema", "json_object", "json_object", None, None]
    assert formats[1]["schema"] == vectorizer_schema() and "schema" not in formats[2]


def test_llama_cpp_style_schema_mode_is_kept_once_found(vectorizer, local_server):
    local_server.push(JsonReply(500, {"error": {"message": "response_format: Input should be 'text' or 'json_object'"}}),
                      completion(NAMED), completion(NAMED))
    vectorizer.vectorize(REQUEST)
    vectorizer.vectorize(REQUEST)
    assert [r.json()["response_format"]["type"] for r in local_server.requests] == [
        "json_schema", "json_object", "json_object"]


def test_a_server_error_that_is_not_about_the_format_is_retried_as_before(vectorizer, local_server):
    local_server.push(JsonReply(500, {"error": "overloaded"}), completion(NAMED))
    vectorizer.vectorize(REQUEST)
    assert [r.json()["response_format"]["type"] for r in local_server.requests] == ["json_schema", "json_schema"]


def test_one_out_of_range_field_is_refused_and_the_others_count(vectorizer, local_server):
    local_server.push(completion('{"age": 29, "houseHold": 1e9, "amt": 20}'))
    result = vectorizer.vectorize(REQUEST)
    assert result.features["age"] == 29.0 and result.features["amt"] == 20.0 and result.features["houseHold"] is None


def test_a_reply_cut_at_max_tokens_is_its_own_error(vectorizer, local_server):
    local_server.push(JsonReply(body={"choices": [{"index": 0, "finish_reason": "length",
                                                   "message": {"role": "assistant", "content": '{"age": 2'}}]}))
    with pytest.raises(BackendOutputTruncated) as caught:
        vectorizer.vectorize(REQUEST)
    assert "잘렸" in caught.value.message("ko") or "끊겼" in caught.value.message("ko")
    assert "cut off" in caught.value.message("en")


def test_the_answer_streams_piece_by_piece(local_server):
    generator = OpenAISqlGenerator(openai_settings(local_server.url, openai_api_key=None))  # no key: nothing held back
    local_server.push(SseReply(["There are ", "3,000", " customers."]))
    pieces = list(generator.stream_answer("How many customers?", "en", ["n"], [[3000]]))
    assert "".join(pieces) == "There are 3,000 customers." and len(pieces) >= 2
    body = local_server.requests[0].json()
    assert body["stream"] is True and "response_format" not in body


def test_a_streamed_key_is_redacted_even_when_split_across_pieces(local_server):
    generator = OpenAISqlGenerator(openai_settings(local_server.url))
    half = len(SENTINEL_OPENAI_KEY) // 2
    local_server.push(SseReply(["Your key ", SENTINEL_OPENAI_KEY[:half], SENTINEL_OPENAI_KEY[half:], " is set."]))
    pieces = list(generator.stream_answer("q", "en", ["n"], [[1]]))
    for shown in itertools.accumulate(pieces):
        assert SENTINEL_OPENAI_KEY[:8] not in shown
    assert "".join(pieces) == "Your key [redacted] is set."


def test_a_stream_cut_at_max_tokens_or_broken_raises(local_server):
    generator = OpenAISqlGenerator(openai_settings(local_server.url))
    local_server.push(SseReply(["There are"], finish_reason="length"), JsonReply(503), JsonReply(body=b"data: {oops\n\n"))
    with pytest.raises(BackendOutputTruncated):
        list(generator.stream_answer("q", "en", ["n"], [[1]]))
    with pytest.raises(BackendError):
        list(generator.stream_answer("q", "en", ["n"], [[1]]))
    with pytest.raises(BackendOutputInvalid):
        list(generator.stream_answer("q", "en", ["n"], [[1]]))


def test_closing_the_stream_hangs_up(local_server):
    generator = OpenAISqlGenerator(openai_settings(local_server.url))
    local_server.push(SseReply([f"word{i} " for i in range(50)], pause=0.05))
    stream = generator.stream_answer("q", "en", ["n"], [[1]])
    first = next(stream)
    stream.close()
    assert first.startswith("word0")


def test_sql_generator_sends_system_and_few_shot_turns(local_server):
    local_server.push(completion("SQL: SELECT prdtCd, COUNT(*) AS n FROM customer GROUP BY prdtCd ORDER BY n DESC;"))
    request = SqlRequest("제품별 고객 수", "ko", SCHEMA_TEXT, examples=(Example("총 고객 수", "SELECT COUNT(*) FROM customer"),))
    result = OpenAISqlGenerator(openai_settings(local_server.url)).generate_sql(request)
    assert result.sql == "SELECT prdtCd, COUNT(*) AS n FROM customer GROUP BY prdtCd ORDER BY n DESC"
    body = local_server.requests[0].json()
    assert [m["role"] for m in body["messages"]] == ["system", "user", "assistant", "user"]
    assert "response_format" not in body and "Table customer" in body["messages"][0]["content"]


def test_no_key_sends_no_authorization(local_server):
    local_server.push(completion(NAMED))
    OpenAIVectorizer(openai_settings(local_server.url, openai_api_key=None)).vectorize(REQUEST)
    assert "Authorization" not in local_server.requests[0].headers


def test_throttling_then_success(vectorizer, local_server):
    local_server.push(JsonReply(429, {"error": "slow down"}, {"Retry-After": "0"}), JsonReply(503), completion(NAMED))
    assert vectorizer.vectorize(REQUEST).features["size"] == 10.0
    assert len(local_server.requests) == 3


def test_throttling_until_attempts_run_out(vectorizer, local_server):
    local_server.push(*[JsonReply(429, {"error": "slow down"}) for _ in range(3)])
    with pytest.raises(BackendThrottled):
        vectorizer.vectorize(REQUEST)
    assert len(local_server.requests) == 3


def test_rejected_key_names_the_setting_not_the_key(vectorizer, local_server):
    local_server.push(JsonReply(401, {"error": {"message": f"Incorrect API key provided: {SENTINEL_OPENAI_KEY}"}}))
    with pytest.raises(BackendNotConfigured, match="OPENAI_API_KEY") as caught:
        vectorizer.vectorize(REQUEST)
    assert SENTINEL_OPENAI_KEY not in str(caught.value) and len(local_server.requests) == 1


def test_read_timeout(local_server):
    vectorizer = OpenAIVectorizer(openai_settings(local_server.url, backend_read_timeout=0.2))
    local_server.push(JsonReply(delay=1.0, body={}))
    with pytest.raises(BackendTimeout):
        vectorizer.vectorize(REQUEST)


def test_unreachable_server():
    vectorizer = OpenAIVectorizer(openai_settings("http://127.0.0.1:9", backend_max_attempts=2), retry_backoff=0.001)
    with pytest.raises(BackendError, match="connection failed"):
        vectorizer.vectorize(REQUEST)


@pytest.mark.parametrize(
    "reply",
    [JsonReply(body=b"<html>not json</html>"), JsonReply(body={"choices": []}), completion(None), completion(""),
     completion("I think they are about thirty."), completion('{"houseHold": 1e9}')],
)
def test_malformed_replies(vectorizer, local_server, reply):
    local_server.push(reply)
    with pytest.raises(BackendOutputInvalid):
        vectorizer.vectorize(REQUEST)


def test_write_answer_and_its_fallback(local_server):
    generator = OpenAISqlGenerator(openai_settings(local_server.url, backend_max_attempts=1))
    local_server.push(completion(" There are 3,000 customers. "), JsonReply(500))
    assert generator.write_answer("How many customers?", "en", ["n"], [[3000]]) == "There are 3,000 customers."
    assert generator.write_answer("How many customers?", "en", ["n"], [[3000]]) is None


def test_readiness():
    assert OpenAIVectorizer.readiness(offline_settings()).missing == ("OPENAI_BASE_URL", "OPENAI_MODEL")
    with pytest.raises(BackendNotConfigured):
        OpenAIVectorizer(offline_settings()).vectorize(REQUEST)
