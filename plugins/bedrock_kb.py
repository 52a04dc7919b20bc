"""`bedrock-kb`: SQL through a Bedrock Knowledge Base that holds the sample queries (`retrieve_and_generate`).

The Knowledge Base's S3 data source is filled from `python -m engine export-kb DIR`; the generation prompt
(prompts/kb_generation.txt) adds the schema, recent turns and the previous attempt's database error.
Answers are phrased from the real rows through Converse with BEDROCK_MODEL_ID and prompts/sql_answer.txt.
"""
from __future__ import annotations

from plugins import InputTooLong, SqlGenerator, SqlRequest, SqlResult, hookimpl
from plugins.aws import LazyClient, call_mapped
from plugins.bedrock_converse import BedrockConverseSqlGenerator, ConverseSettings
from plugins.prompting import feedback_text, glossary_text, load_prompt, render, sql_result

MAX_QUERY_CHARS = 1000  # RetrieveAndGenerateInput.text in the service model
MAX_TEMPLATE_CHARS = 4000  # TextPromptTemplate in the service model
MAX_RESULTS = 5


def _service_safe(text: str) -> str:
    """Our values must not create Knowledge Base placeholders such as $query$ inside the template."""
    return text.replace("$", "")


def generation_template(request: SqlRequest) -> str:
    """The KB generation prompt, dropping the oldest earlier turns until it fits the service's limit."""
    schema = _service_safe(request.schema_text.strip())
    feedback = feedback_text(request)
    feedback = f"\nThe previous attempt failed:\n{_service_safe(feedback)}\n" if feedback else ""
    history = list(request.history)
    while True:
        lines = [f"Q: {_service_safe(t.question)}\nSQL: {_service_safe(t.sql)}" for t in history]
        earlier = "\nEarlier in this conversation:\n" + "\n".join(lines) + "\n" if lines else ""
        template = render(load_prompt("kb_generation.txt"), schema=schema, history=earlier, feedback=feedback,
                          glossary=_service_safe(glossary_text(request)))
        if len(template) <= MAX_TEMPLATE_CHARS or not history:
            return template[:MAX_TEMPLATE_CHARS]
        history.pop(0)


class KnowledgeBaseSettings(ConverseSettings):
    """The Knowledge Base holding the sample queries, and the model that generates from it."""

    bedrock_kb_id: str
    bedrock_kb_model_arn: str | None = None  # default: the foundation-model ARN of BEDROCK_MODEL_ID


class BedrockKnowledgeBaseSqlGenerator(SqlGenerator):
    backend_id = "bedrock-kb"
    aliases = ("kb",)
    description = "Amazon Bedrock Knowledge Base of sample queries via retrieve_and_generate (BEDROCK_KB_ID)"
    settings_model = KnowledgeBaseSettings

    def __init__(self, settings, config: KnowledgeBaseSettings | None = None, *, client_factory=None):
        super().__init__(settings, config)
        self._client = LazyClient("bedrock-agent-runtime", settings, self.config, client_factory)
        # retrieve_and_generate runs before the query does, so the answer needs a second call with the rows:
        # the Converse generator already owns that prompt, that call and the fall-back to templates.
        self._answer_writer = BedrockConverseSqlGenerator(settings, self.config, client_factory=client_factory)

    def model_arn(self) -> str:
        """BEDROCK_KB_MODEL_ARN, or the foundation-model ARN of BEDROCK_MODEL_ID in the configured region."""
        if self.config.bedrock_kb_model_arn:
            return self.config.bedrock_kb_model_arn
        return f"arn:aws:bedrock:{self.config.aws_region}::foundation-model/{self.config.bedrock_model_id}"

    def generate_sql(self, request: SqlRequest) -> SqlResult:
        if len(request.question) > MAX_QUERY_CHARS:
            raise InputTooLong(length=len(request.question), limit=MAX_QUERY_CHARS)
        params = {
            "input": {"text": request.question},
            "retrieveAndGenerateConfiguration": {
                "type": "KNOWLEDGE_BASE",
                "knowledgeBaseConfiguration": {
                    "knowledgeBaseId": self.config.bedrock_kb_id,
                    "modelArn": self.model_arn(),
                    "retrievalConfiguration": {"vectorSearchConfiguration": {"numberOfResults": MAX_RESULTS}},
                    "generationConfiguration": {
                        "promptTemplate": {"textPromptTemplate": generation_template(request)},
                        "inferenceConfig": {"textInferenceConfig": {"temperature": 0.0, "maxTokens": 800}},
                    },
                },
            },
        }
        response = call_mapped(lambda: self._client.get().retrieve_and_generate(**params), self.backend_id)
        return sql_result(str((response.get("output") or {}).get("text") or ""), request)

    def write_answer(self, question: str, language: str, columns: list[str], rows: list[list]) -> str | None:
        """The model phrases the answer from the rows; None (templates answer) if Converse fails."""
        return self._answer_writer.write_answer(question, language, columns, rows)


@hookimpl
def register_sql_generators(register):
    register(BedrockKnowledgeBaseSqlGenerator)
