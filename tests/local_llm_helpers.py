"""Settings that point the `openai` backends at the local LLM the `local_llm` fixture started."""
from __future__ import annotations

from engine.settings import offline_settings

# The machine is shared and a 135M model on 2 cores takes seconds per answer; a stall still ends.
READ_TIMEOUT_SECONDS = 240.0


def llm_settings(local_llm: dict, database_url: str, **overrides):
    values = {"openai_base_url": local_llm["OPENAI_BASE_URL"], "openai_model": local_llm["OPENAI_MODEL"],
              "vectorizer": "openai", "sql_generator": "openai", "backend_read_timeout": READ_TIMEOUT_SECONDS,
              "backend_max_attempts": 1, "database_url": database_url}
    return offline_settings(**{**values, **overrides})
