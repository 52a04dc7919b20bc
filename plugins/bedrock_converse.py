"""`bedrock-converse`: a vectorizer and a SQL generator over the Bedrock Converse API with the prompts in prompts/."""
from __future__ import annotations

from plugins import BackendOutputInvalid, VectorizeRequest, VectorizeResult, Vectorizer, hookimpl
from plugins.aws import AwsSettings, BedrockModelSettings, LazyClient, call_mapped
from plugins.chat_sql import ChatSqlGenerator
from plugins.llm_output import parse_vectorizer_output
from plugins.prompting import vectorizer_prompt

VECTORIZER_MAX_TOKENS = 300


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

    def converse(self, turns: list[tuple[str, str]], *, system: str | None = None, max_tokens: int) -> str:
        params = {
            "modelId": self.config.bedrock_model_id,
            "messages": [{"role": role, "content": [{"text": text}]} for role, text in turns],
            "inferenceConfig": {"maxTokens": max_tokens, "temperature": 0.0},
        }
        if system:
            params["system"] = [{"text": system}]
        response = call_mapped(lambda: self._client.get().converse(**params), self.backend_id)
        blocks = ((response.get("output") or {}).get("message") or {}).get("content") or []
        text = "".join(block.get("text", "") for block in blocks if isinstance(block, dict))
        if not text.strip():
            reason = response.get("stopReason")
            raise BackendOutputInvalid(f"empty reply (stopReason {reason})", backend=self.backend_id)
        return text


class BedrockConverseVectorizer(ConverseBackend, Vectorizer):
    description = "Amazon Bedrock Converse API with prompts/vectorizer.txt (the Flow's prompt), BEDROCK_MODEL_ID"

    def vectorize(self, request: VectorizeRequest) -> VectorizeResult:
        text = self.converse([("user", vectorizer_prompt(request))], max_tokens=VECTORIZER_MAX_TOKENS)
        features, group = parse_vectorizer_output(text, self.backend_id)
        return VectorizeResult(features=features, product_group=group, raw=text)


class BedrockConverseSqlGenerator(ConverseBackend, ChatSqlGenerator):
    description = "Amazon Bedrock Converse API with prompts/sql_system.txt and retrieved examples as few-shot turns"

    def complete(self, system: str | None, turns: list[tuple[str, str]], max_tokens: int) -> str:
        return self.converse(turns, system=system, max_tokens=max_tokens)


@hookimpl
def register_vectorizers(register):
    register(BedrockConverseVectorizer)


@hookimpl
def register_sql_generators(register):
    register(BedrockConverseSqlGenerator)
