"""`openai`: a vectorizer and a SQL generator for any OpenAI-compatible Chat Completions server
(Ollama, vLLM, LM Studio, llama.cpp server), over httpx, asking for JSON output where the server offers it."""
from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator

from plugins import (
    BackendError,
    BackendNotConfigured,
    BackendOutputInvalid,
    BackendOutputTruncated,
    BackendSettings,
    BackendThrottled,
    BackendTimeout,
    SecretStr,
    VectorizeRequest,
    VectorizeResult,
    Vectorizer,
    hookimpl,
)
from plugins.chat_sql import ChatSqlGenerator
from plugins.llm_output import SCHEMA_NAME, parse_vectorizer_output, vectorizer_schema
from plugins.prompting import vectorizer_prompt
from plugins.retry import backoff_delay

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER_SECONDS = 10.0
# How to ask for schema-shaped JSON, best first: OpenAI's json_schema (vLLM, Ollama, LM Studio, llama.cpp's own
# server); llama-cpp-python's json_object with a schema (it refuses json_schema with HTTP 500); plain JSON mode;
# nothing. A server that refuses one is asked the next way, and that is remembered.
RESPONSE_FORMATS = ("json_schema", "json_object+schema", "json_object", None)
FORMAT_REFUSAL_STATUSES = frozenset({400, 422, 500})
VECTORIZER_MAX_TOKENS = 300


class OpenAISettings(BackendSettings):
    """Where the server is and which model it serves; the key only if the server asks for one."""

    openai_base_url: str  # e.g. http://127.0.0.1:11434/v1 for Ollama
    openai_model: str
    openai_api_key: SecretStr | None = None


class OpenAIBackend:
    """What both OpenAI-compatible backends share: a lazily created httpx client and one retried call."""

    backend_id = "openai"
    aliases = ("openai-compatible",)
    settings_model = OpenAISettings

    def __init__(self, settings, config: OpenAISettings | None = None, *, retry_backoff: float = 0.5,
                 transport=None):
        super().__init__(settings, config)
        self.retry_backoff = retry_backoff
        self._transport = transport
        self._client = None
        self._lock = threading.Lock()
        self._format_level = 0  # index into RESPONSE_FORMATS; moves down once per refusal

    def _http(self):
        import httpx

        with self._lock:
            if self._client is None:
                settings = self.settings
                timeout = httpx.Timeout(settings.backend_read_timeout, connect=settings.backend_connect_timeout)
                self._client = httpx.Client(
                    base_url=self.config.openai_base_url.rstrip("/") + "/", timeout=timeout, transport=self._transport
                )
            return self._client

    def _headers(self) -> dict:
        key = self.config.openai_api_key
        return {"Authorization": f"Bearer {key.get_secret_value()}"} if key else {}

    def chat(self, messages: list[dict], *, schema: dict | None = None, max_tokens: int = 800) -> str:
        """The reply's text; with `schema`, the reply is asked to be JSON that fits it (see RESPONSE_FORMATS)."""
        body = {"model": self.config.openai_model, "messages": messages, "temperature": 0, "max_tokens": max_tokens}
        while True:
            response_format = self._response_format(schema)
            if response_format:
                body["response_format"] = response_format
            else:
                body.pop("response_format", None)
            response = self._post(body)
            if not (response_format and self._refuses_format(response)):
                break
            log.info("%s: the server refused response_format %s; asking the next way", self.backend_id,
                     RESPONSE_FORMATS[self._format_level])
            self._format_level += 1
        self._raise_for_status(response.status_code)
        try:
            choice = response.json()["choices"][0]
            text = choice["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise BackendOutputInvalid("not a Chat Completions response", backend=self.backend_id) from None
        if isinstance(choice, dict) and choice.get("finish_reason") == "length":
            raise BackendOutputTruncated(f"max_tokens={max_tokens}", backend=self.backend_id)
        if not isinstance(text, str) or not text.strip():
            raise BackendOutputInvalid("empty reply", backend=self.backend_id)
        return self.redact(text)  # a misbehaving server may echo the key back; it must not reach the panels

    def stream_chat(self, messages: list[dict], *, max_tokens: int = 800) -> Iterator[str]:
        """The reply's text piece by piece as the server writes it (Server-Sent Events). Closing the iterator
        closes the connection, and the server stops generating."""
        import httpx

        body = {"model": self.config.openai_model, "messages": messages, "temperature": 0, "max_tokens": max_tokens,
                "stream": True}
        redactor = _StreamRedactor(self)
        try:
            with self._http().stream("POST", "chat/completions", json=body, headers=self._headers()) as response:
                if response.status_code >= 400:
                    response.read()
                    self._raise_for_status(response.status_code)
                finish = None
                for line in response.iter_lines():
                    if not line.startswith("data:"):
                        continue
                    data = line[len("data:"):].strip()
                    if data == "[DONE]":
                        break
                    try:
                        choice = json.loads(data)["choices"][0]
                        piece = (choice.get("delta") or {}).get("content") or ""
                    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
                        raise BackendOutputInvalid("not a Chat Completions stream", backend=self.backend_id) from None
                    finish = choice.get("finish_reason") or finish
                    safe = redactor.feed(piece if isinstance(piece, str) else "")
                    if safe:
                        yield safe
                if finish == "length":
                    raise BackendOutputTruncated(f"max_tokens={max_tokens}", backend=self.backend_id)
                rest = redactor.flush()
                if rest:
                    yield rest
        except httpx.TimeoutException as exc:
            log.warning("%s: the stream stalled (%s)", self.backend_id, type(exc).__name__)
            raise BackendTimeout(type(exc).__name__, backend=self.backend_id) from None
        except httpx.HTTPError as exc:
            log.warning("%s: the stream failed (%s)", self.backend_id, type(exc).__name__)
            raise BackendError(f"connection failed ({type(exc).__name__})", backend=self.backend_id) from None

    def _response_format(self, schema: dict | None) -> dict | None:
        kind = RESPONSE_FORMATS[self._format_level] if schema is not None else None
        if kind == "json_schema":
            return {"type": "json_schema", "json_schema": {"name": SCHEMA_NAME, "schema": schema, "strict": True}}
        if kind == "json_object+schema":
            return {"type": "json_object", "schema": schema}
        return {"type": "json_object"} if kind == "json_object" else None

    @staticmethod
    def _refuses_format(response) -> bool:
        return response.status_code in FORMAT_REFUSAL_STATUSES and "response_format" in response.text[:4000]

    def _post(self, body: dict):
        import httpx

        attempts = self.settings.backend_max_attempts
        for attempt in range(1, attempts + 1):
            try:
                response = self._http().post("chat/completions", json=body, headers=self._headers())
            except httpx.TimeoutException as exc:
                log.warning("%s: no answer in time (%s)", self.backend_id, type(exc).__name__)
                raise BackendTimeout(type(exc).__name__, backend=self.backend_id) from None
            except httpx.HTTPError as exc:
                if attempt < attempts and isinstance(exc, httpx.ConnectError):
                    time.sleep(self._delay(attempt, None))
                    continue
                log.warning("%s: connection failed (%s)", self.backend_id, type(exc).__name__)
                raise BackendError(f"connection failed ({type(exc).__name__})", backend=self.backend_id) from None
            # A refused response_format is answered at once by asking another way, not by asking again.
            refused = "response_format" in body and self._refuses_format(response)
            if response.status_code in RETRY_STATUSES and attempt < attempts and not refused:
                delay = self._delay(attempt, response.headers.get("retry-after"))
                log.info("%s: HTTP %d, retry %d after %.2fs", self.backend_id, response.status_code, attempt, delay)
                time.sleep(delay)
                continue
            return response
        raise AssertionError("unreachable")

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        """Our capped backoff, or the server's Retry-After seconds when it asks for longer (bounded too)."""
        delay = backoff_delay(attempt, self.retry_backoff)
        try:
            return max(delay, min(float(retry_after), MAX_RETRY_AFTER_SECONDS)) if retry_after else delay
        except ValueError:  # an HTTP-date Retry-After: our own backoff decides
            return delay

    def _raise_for_status(self, status: int) -> None:
        """Only the status number goes into the error: servers echo request details (even keys) in bodies."""
        if status < 400:
            return
        log.warning("%s: HTTP %d", self.backend_id, status)
        if status == 429:
            raise BackendThrottled(f"HTTP {status}", backend=self.backend_id)
        if status in (401, 403):
            raise BackendNotConfigured(f"a valid OPENAI_API_KEY (HTTP {status})", backend=self.backend_id)
        if status in (408, 504):
            raise BackendTimeout(f"HTTP {status}", backend=self.backend_id)
        raise BackendError(f"HTTP {status}", backend=self.backend_id)


class OpenAIVectorizer(OpenAIBackend, Vectorizer):
    description = "OpenAI-compatible Chat Completions (OPENAI_BASE_URL, OPENAI_MODEL) with prompts/vectorizer.txt"

    max_tokens = VECTORIZER_MAX_TOKENS

    def vectorize(self, request: VectorizeRequest) -> VectorizeResult:
        prompt = [{"role": "user", "content": vectorizer_prompt(request)}]
        text = self.chat(prompt, schema=vectorizer_schema(), max_tokens=self.max_tokens)
        features, group = parse_vectorizer_output(text, self.backend_id)
        return VectorizeResult(features=features, product_group=group, raw=text)


class OpenAISqlGenerator(OpenAIBackend, ChatSqlGenerator):
    description = "OpenAI-compatible Chat Completions with prompts/sql_system.txt and few-shot examples"

    def complete(self, system: str | None, turns: list[tuple[str, str]], max_tokens: int) -> str:
        messages = [{"role": "system", "content": system}] if system else []
        messages += [{"role": role, "content": text} for role, text in turns]
        return self.chat(messages, max_tokens=max_tokens)

    def stream_complete(self, system: str | None, turns: list[tuple[str, str]], max_tokens: int) -> Iterator[str]:
        messages = [{"role": "system", "content": system}] if system else []
        messages += [{"role": role, "content": text} for role, text in turns]
        return self.stream_chat(messages, max_tokens=max_tokens)


class _StreamRedactor:
    """Blanks the backend's secrets out of streamed text: the last few characters wait for the next piece,
    so a key split across two pieces is still caught whole."""

    def __init__(self, backend):
        self.backend = backend
        secrets = [v.get_secret_value() for v in dict(backend.config or {}).values() if isinstance(v, SecretStr)]
        self.hold = max((len(secret) for secret in secrets if secret), default=1) - 1
        self.pending = ""

    def feed(self, piece: str) -> str:
        self.pending = self.backend.redact(self.pending + piece)
        if len(self.pending) <= self.hold:
            return ""
        cut = len(self.pending) - self.hold
        safe, self.pending = self.pending[:cut], self.pending[cut:]
        return safe

    def flush(self) -> str:
        rest, self.pending = self.backend.redact(self.pending), ""
        return rest


@hookimpl
def register_vectorizers(register):
    register(OpenAIVectorizer)


@hookimpl
def register_sql_generators(register):
    register(OpenAISqlGenerator)
