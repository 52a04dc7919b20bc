"""`openai`: a vectorizer and a SQL generator for any OpenAI-compatible Chat Completions server
(Ollama, vLLM, LM Studio, llama.cpp server), over httpx, asking for JSON output where the server offers it."""
from __future__ import annotations

import logging
import threading
import time

from plugins import (
    BackendError,
    BackendNotConfigured,
    BackendOutputInvalid,
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
from plugins.llm_output import parse_vectorizer_output
from plugins.prompting import vectorizer_prompt
from plugins.retry import backoff_delay

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER_SECONDS = 10.0


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
        self._json_mode = True  # switched off once if the server rejects response_format

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

    def chat(self, messages: list[dict], *, json_mode: bool = False, max_tokens: int = 800) -> str:
        body = {"model": self.config.openai_model, "messages": messages, "temperature": 0, "max_tokens": max_tokens}
        if json_mode and self._json_mode:
            body["response_format"] = {"type": "json_object"}
        response = self._post(body)
        if response.status_code == 400 and "response_format" in body and "response_format" in response.text:
            log.info("%s: the server does not offer JSON mode; asking without it", self.backend_id)
            self._json_mode = False
            del body["response_format"]
            response = self._post(body)
        self._raise_for_status(response.status_code)
        try:
            text = response.json()["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise BackendOutputInvalid("not a Chat Completions response", backend=self.backend_id) from None
        if not isinstance(text, str) or not text.strip():
            raise BackendOutputInvalid("empty reply", backend=self.backend_id)
        return self.redact(text)  # a misbehaving server may echo the key back; it must not reach the panels

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
            if response.status_code in RETRY_STATUSES and attempt < attempts:
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

    def vectorize(self, request: VectorizeRequest) -> VectorizeResult:
        text = self.chat([{"role": "user", "content": vectorizer_prompt(request)}], json_mode=True, max_tokens=300)
        features, group = parse_vectorizer_output(text, self.backend_id)
        return VectorizeResult(features=features, product_group=group, raw=text)


class OpenAISqlGenerator(OpenAIBackend, ChatSqlGenerator):
    description = "OpenAI-compatible Chat Completions with prompts/sql_system.txt and few-shot examples"

    def complete(self, system: str | None, turns: list[tuple[str, str]], max_tokens: int) -> str:
        messages = [{"role": "system", "content": system}] if system else []
        messages += [{"role": role, "content": text} for role, text in turns]
        return self.chat(messages, max_tokens=max_tokens)


@hookimpl
def register_vectorizers(register):
    register(OpenAIVectorizer)


@hookimpl
def register_sql_generators(register):
    register(OpenAISqlGenerator)
