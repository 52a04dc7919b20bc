"""The default vectorizer: the repository's Bedrock Flow (Prompt + Flow + alias) called with `invoke_flow`.

Deploy the Flow with `python -m engine deploy-flow`; it prints BEDROCK_FLOW_ID and BEDROCK_FLOW_ALIAS_ID.
"""
from __future__ import annotations

import logging

from core.errors import BackendError, BackendOutputInvalid
from plugins.aws import LazyClient, call_mapped, retry_stream_errors
from plugins.base import VectorizeRequest, VectorizeResult, Vectorizer
from plugins.hookspecs import hookimpl
from plugins.llm_output import parse_vectorizer_output, raw_text
from plugins.prompting import flow_document, require_settings

log = logging.getLogger(__name__)


def read_flow_stream(stream, backend: str):
    """The last output document of a flow run; only a SUCCESS completion event makes the run count."""
    outputs = []
    for event in stream:
        if "flowOutputEvent" in event:
            content = event["flowOutputEvent"].get("content") or {}
            if "document" in content:
                outputs.append(content["document"])
        elif "flowCompletionEvent" in event:
            reason = event["flowCompletionEvent"].get("completionReason")
            if reason != "SUCCESS":
                raise BackendError(f"flow completed with {reason}", backend=backend)
            if not outputs:
                raise BackendOutputInvalid("the flow completed without an output document", backend=backend)
            return outputs[-1]
        elif "flowMultiTurnInputRequestEvent" in event:
            raise BackendError("the flow asked for more input; the deployed flow must be single-turn", backend=backend)
    raise BackendError("the event stream ended without a completion event", backend=backend)


class BedrockFlowVectorizer(Vectorizer):
    backend_id = "bedrock-flow"
    aliases = ("flow",)
    description = "Amazon Bedrock Flow (Prompt + Flow + alias from prompts/flow_definition.json) via invoke_flow"
    required_settings = ("aws_region", "bedrock_flow_id", "bedrock_flow_alias_id")

    def __init__(self, settings, *, client_factory=None, retry_backoff: float = 0.5):
        super().__init__(settings)
        self._client = LazyClient("bedrock-agent-runtime", settings, client_factory)
        self.retry_backoff = retry_backoff

    def vectorize(self, request: VectorizeRequest) -> VectorizeResult:
        require_settings(self)
        document = call_mapped(
            lambda: retry_stream_errors(
                lambda: self._invoke_once(request),
                attempts=self.settings.backend_max_attempts,
                backoff=self.retry_backoff,
                backend=self.backend_id,
            ),
            self.backend_id,
        )
        features, group = parse_vectorizer_output(document, self.backend_id)
        return VectorizeResult(features=features, product_group=group, raw=raw_text(document))

    def _invoke_once(self, request: VectorizeRequest):
        response = self._client.get().invoke_flow(
            flowIdentifier=self.settings.bedrock_flow_id,
            flowAliasIdentifier=self.settings.bedrock_flow_alias_id,
            inputs=[
                {
                    "nodeName": self.settings.bedrock_flow_input_node,
                    "nodeOutputName": self.settings.bedrock_flow_input_output,
                    "content": {"document": flow_document(request)},
                }
            ],
        )
        stream = response["responseStream"]
        try:
            return read_flow_stream(stream, self.backend_id)
        finally:
            stream.close()


@hookimpl
def register_vectorizers(register):
    register(BedrockFlowVectorizer)
