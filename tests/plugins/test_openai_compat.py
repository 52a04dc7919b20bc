"""openai through real httpx against a tiny local Chat Completions server."""
from __future__ import annotations

import pytest

from db.schema import SCHEMA_TEXT
from core.errors import BackendError, BackendNotConfigured, BackendOutputInvalid, BackendThrottled, BackendTimeout
from engine.settings import offline_settings
from plugins.base import Example, SqlRequest, VectorizeRequest
from plugins.openai_compat import OpenAISqlGenerator, OpenAIVectorizer
from wire.servers import SENTINEL_OPENAI_KEY, JsonReply

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
    assert body["model"] == "qwen2.5:7b" and body["response_format"] == {"type": "json_object"}
    assert REQUEST.text in body["messages"][0]["content"] and '{"age": 29.0}' in body["messages"][0]["content"]


def test_server_without_json_mode_is_asked_again_plainly(vectorizer, local_server):
    local_server.push(
        JsonReply(400, {"error": {"message": "Unrecognized request argument: response_format"}}),
        completion(f"```json\n{NAMED}\n```"),
        completion("[29, 1, 20, 10, 50, 0]"),
    )
    assert vectorizer.vectorize(REQUEST).features["amt"] == 20.0
    assert vectorizer.vectorize(REQUEST).features["score"] == 50.0
    bodies = [r.json() for r in local_server.requests]
    assert ["response_format" in b for b in bodies] == [True, False, False]


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
     completion("I think they are about thirty."), completion('{"age": 29, "houseHold": 1e9}')],
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
