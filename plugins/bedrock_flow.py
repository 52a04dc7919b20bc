"""The default vectorizer: the repository's Bedrock Flow (Prompt + Flow + alias) called with `invoke_flow`.

Deploy the Flow with `python -m engine deploy-flow`; it prints BEDROCK_FLOW_ID and BEDROCK_FLOW_ALIAS_ID.
"""
from __future__ import annotations

import logging

from plugins import BackendError, BackendOutputInvalid, VectorizeRequest, VectorizeResult, Vectorizer, hookimpl
from plugins.aws import AwsSettings, LazyClient, call_mapped, retry_stream_errors
from plugins.llm_output import parse_vectorizer_output, raw_text
from plugins.prompting import flow_document

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


class FlowSettings(AwsSettings):
    """The deployed Flow's ids (printed by `python -m engine deploy-flow`) and its input node's names."""

    bedrock_flow_id: str
    bedrock_flow_alias_id: str
    bedrock_flow_input_node: str = "FlowInputNode"
    bedrock_flow_input_output: str = "document"


class BedrockFlowVectorizer(Vectorizer):
    backend_id = "bedrock-flow"
    aliases = ("flow",)
    description = "Amazon Bedrock Flow (Prompt + Flow + alias from prompts/flow_definition.json) via invoke_flow"
    settings_model = FlowSettings

    def __init__(self, settings, config: FlowSettings | None = None, *, client_factory=None,
                 retry_backoff: float = 0.5):
        super().__init__(settings, config)
        self._client = LazyClient("bedrock-agent-runtime", settings, self.config, client_factory)
        self.retry_backoff = retry_backoff

    def vectorize(self, request: VectorizeRequest) -> VectorizeResult:
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
            flowIdentifier=self.config.bedrock_flow_id,
            flowAliasIdentifier=self.config.bedrock_flow_alias_id,
            inputs=[
                {
                    "nodeName": self.config.bedrock_flow_input_node,
                    "nodeOutputName": self.config.bedrock_flow_input_output,
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
