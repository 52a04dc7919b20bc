"""SQL generation shared by every chat-style LLM backend: prompt, extraction and answer wording live here,
so a backend only says how to send a system prompt and turns and get text back."""
from __future__ import annotations

import logging
from collections.abc import Iterator

from core.errors import BackendError
from plugins.base import SqlGenerator, SqlRequest, SqlResult
from plugins.prompting import answer_prompt, sql_messages, sql_result

log = logging.getLogger(__name__)


class ChatSqlGenerator(SqlGenerator):
    sql_max_tokens = 800
    answer_max_tokens = 400

    def complete(self, system: str | None, turns: list[tuple[str, str]], max_tokens: int) -> str:
        """Send the system prompt and (role, text) turns; return the reply's text."""
        raise NotImplementedError

    def generate_sql(self, request: SqlRequest) -> SqlResult:
        system, turns = sql_messages(request)
        return sql_result(self.complete(system, turns, self.sql_max_tokens), request)

    def stream_complete(self, system: str | None, turns: list[tuple[str, str]], max_tokens: int) -> Iterator[str]:
        """The reply's text piece by piece; a backend that cannot stream answers in one piece."""
        yield self.complete(system, turns, max_tokens)

    def stream_answer(self, question: str, language: str, columns: list[str], rows: list[list]) -> Iterator[str]:
        """The answer as the model writes it; a BackendError part way through is the engine's to handle."""
        prompt = answer_prompt(question, language, columns, rows)
        stream = self.stream_complete(None, [("user", prompt)], self.answer_max_tokens)
        try:
            yield from stream
        finally:
            close = getattr(stream, "close", None)
            if close:  # a stopped turn closes the connection, so the server stops writing
                close()

    def write_answer(self, question: str, language: str, columns: list[str], rows: list[list]) -> str | None:
        """The model phrases the answer from the real rows; if it cannot, the engine's templates answer."""
        try:
            prompt = answer_prompt(question, language, columns, rows)
            return self.complete(None, [("user", prompt)], self.answer_max_tokens).strip()
        except BackendError as exc:
            log.warning("%s could not phrase the answer, using the template: %s", self.backend_id, exc.code)
            return None
