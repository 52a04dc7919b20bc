"""`bedrock-converse`: a vectorizer and a SQL generator over the Bedrock Converse API with the prompts in prompts/."""
from __future__ import annotations

import json
import logging
from collections.abc import Iterator

from plugins import (BackendOutputInvalid, BackendOutputTruncated, VectorizeRequest, VectorizeResult, Vectorizer,
                     hookimpl)
from plugins.aws import AwsSettings, BedrockModelSettings, LazyClient, call_mapped
from plugins.chat_sql import ChatSqlGenerator
from plugins.llm_output import SCHEMA_NAME, parse_vectorizer_output, vectorizer_schema
from plugins.prompting import vectorizer_prompt

log = logging.getLogger(__name__)
VECTORIZER_MAX_TOKENS = 300
# The vectorizer's answer is a forced tool call whose input schema is VectorizerOutput's; models that refuse a
# named tool choice are asked for any tool, then for plain text (still validated against the same model).
TOOL_CHOICES = ("tool", "any", None)


class _ToolsRefused(Exception):
    """The model refused this toolChoice (a ValidationException naming it): ask the next way."""


class ConverseSettings(AwsSettings, BedrockModelSettings):
    """The region (required) and the model (Amazon Nova Pro unless BEDROCK_MODEL_ID says otherwise)."""


class ConverseBackend:
    """What both Converse backends share: the lazy client and one call that returns the reply's text."""

    backend_id = "bedrock-converse"
    aliases = ("converse",)
    settings_model = ConverseSettings

    def __init__(self, settings, config: ConverseSettings | None = None, *, client_factory=None):
        super().__init__(settings, config)
        self._client = LazyClient("bedrock-runtime", settings, self.config, client_factory)

    def _params(self, turns: list[tuple[str, str]], system: str | None, max_tokens: int) -> dict:
        params = {
            "modelId": self.config.bedrock_model_id,
            "messages": [{"role": role, "content": [{"text": text}]} for role, text in turns],
            "inferenceConfig": {"maxTokens": max_tokens, "temperature": 0.0},
        }
        if system:
            params["system"] = [{"text": system}]
        return params

    def _blocks(self, response: dict) -> list[dict]:
        if response.get("stopReason") == "max_tokens":
            raise BackendOutputTruncated("stopReason max_tokens", backend=self.backend_id)
        blocks = ((response.get("output") or {}).get("message") or {}).get("content") or []
        return [block for block in blocks if isinstance(block, dict)]

    def converse(self, turns: list[tuple[str, str]], *, system: str | None = None, max_tokens: int) -> str:
        response = call_mapped(lambda: self._client.get().converse(**self._params(turns, system, max_tokens)),
                               self.backend_id)
        text = "".join(str(block.get("text", "")) for block in self._blocks(response))
        if not text.strip():
            reason = response.get("stopReason")
            raise BackendOutputInvalid(f"empty reply (stopReason {reason})", backend=self.backend_id)
        return text

    def converse_stream(self, turns: list[tuple[str, str]], *, system: str | None = None,
                        max_tokens: int) -> Iterator[str]:
        """The reply's text as the model writes it (ConverseStream); closing the iterator closes the stream."""
        params = self._params(turns, system, max_tokens)
        response = call_mapped(lambda: self._client.get().converse_stream(**params), self.backend_id)
        stream = response["stream"]
        events = iter(stream)
        try:
            stop = None
            while (event := call_mapped(lambda: next(events, None), self.backend_id)) is not None:
                if "contentBlockDelta" in event:
                    piece = ((event["contentBlockDelta"] or {}).get("delta") or {}).get("text")
                    if isinstance(piece, str) and piece:
                        yield piece
                elif "messageStop" in event:
                    stop = (event["messageStop"] or {}).get("stopReason")
            if stop == "max_tokens":
                raise BackendOutputTruncated("stopReason max_tokens", backend=self.backend_id)
        finally:
            stream.close()


class BedrockConverseVectorizer(ConverseBackend, Vectorizer):
    description = "Amazon Bedrock Converse API with prompts/vectorizer.txt (the Flow's prompt), BEDROCK_MODEL_ID"

    max_tokens = VECTORIZER_MAX_TOKENS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._tool_choice = 0  # index into TOOL_CHOICES; moves down once per refusal

    def vectorize(self, request: VectorizeRequest) -> VectorizeResult:
        turns = [("user", vectorizer_prompt(request))]
        while (choice := TOOL_CHOICES[self._tool_choice]) is not None:
            try:
                document = self._record_facts(turns, choice)
            except _ToolsRefused:
                log.info("%s: the model refused toolChoice %s; asking the next way", self.backend_id, choice)
                self._tool_choice += 1
                continue
            features, group = parse_vectorizer_output(document, self.backend_id)
            return VectorizeResult(features=features, product_group=group, raw=json.dumps(document, ensure_ascii=False))
        text = self.converse(turns, max_tokens=self.max_tokens)
        features, group = parse_vectorizer_output(text, self.backend_id)
        return VectorizeResult(features=features, product_group=group, raw=text)

    def _record_facts(self, turns: list[tuple[str, str]], choice: str) -> dict:
        """The forced tool call's input: the model's facts, shaped by VectorizerOutput's JSON Schema."""
        params = self._params(turns, None, self.max_tokens)
        params["toolConfig"] = {
            "tools": [{"toolSpec": {"name": SCHEMA_NAME, "description": "Record the facts the customer's message "
                                    "states; null for every fact it does not state.",
                                    "inputSchema": {"json": vectorizer_schema()}}}],
            "toolChoice": {"tool": {"name": SCHEMA_NAME}} if choice == "tool" else {"any": {}},
        }

        def call():
            from botocore.exceptions import ClientError

            try:
                return self._client.get().converse(**params)
            except ClientError as exc:
                error = exc.response.get("Error") or {}
                if error.get("Code") == "ValidationException" and "tool" in str(error.get("Message", "")).lower():
                    raise _ToolsRefused() from None
                raise

        response = call_mapped(call, self.backend_id)
        for block in self._blocks(response):
            use = block.get("toolUse")
            if isinstance(use, dict) and use.get("name") == SCHEMA_NAME:
                if not isinstance(use.get("input"), dict):
                    raise BackendOutputInvalid("the tool call's input is not an object", backend=self.backend_id)
                return use["input"]
        raise BackendOutputInvalid(f"no {SCHEMA_NAME} tool call in the reply", backend=self.backend_id)


class BedrockConverseSqlGenerator(ConverseBackend, ChatSqlGenerator):
    description = "Amazon Bedrock Converse API with prompts/sql_system.txt and retrieved examples as few-shot turns"

    def complete(self, system: str | None, turns: list[tuple[str, str]], max_tokens: int) -> str:
        return self.converse(turns, system=system, max_tokens=max_tokens)

    def stream_complete(self, system: str | None, turns: list[tuple[str, str]], max_tokens: int) -> Iterator[str]:
        return self.converse_stream(turns, system=system, max_tokens=max_tokens)


@hookimpl
def register_vectorizers(register):
    register(BedrockConverseVectorizer)


@hookimpl
def register_sql_generators(register):
    register(BedrockConverseSqlGenerator)
