"""Builds what the LLM backends send from the texts in prompts/, so Flow, Converse and OpenAI say the same thing."""
from __future__ import annotations

import functools
import json
import re

from core.features import FEATURES
from core.paths import PROMPTS_DIR
from plugins.base import SqlRequest, VectorizeRequest

_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
MAX_FEEDBACK_CHARS = 800
ANSWER_ROW_LIMIT = 20
LANGUAGE_NAMES = {"ko": "Korean", "en": "English"}


@functools.cache
def load_prompt(name: str) -> str:
    return (PROMPTS_DIR / name).read_text(encoding="utf-8")


def render(template: str, **values: str) -> str:
    """Fill {{name}} placeholders in one pass, so a value that itself contains braces is never re-expanded."""
    missing = sorted(set(_PLACEHOLDER.findall(template)) - set(values))
    if missing:
        raise KeyError(f"prompt placeholders without values: {missing}")
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], template)


def carried_json(request: VectorizeRequest) -> str:
    known = {name: request.carried[name] for name in FEATURES if name in request.carried}
    if request.carried_group:
        known["product_group"] = request.carried_group
    return json.dumps(known, ensure_ascii=False)


def flow_document(request: VectorizeRequest) -> dict:
    """The Flow input node's document; the deployed Flow's prompt node reads `$.data.text` and `$.data.carried`."""
    return {"text": request.text, "carried": carried_json(request)}


def vectorizer_prompt(request: VectorizeRequest) -> str:
    """The same instructions the Flow's Prompt resource holds, filled in for Converse and OpenAI."""
    return render(load_prompt("vectorizer.txt"), text=request.text, carried=carried_json(request))


def feedback_text(request: SqlRequest) -> str:
    """The database's complaint about the previous attempt, bounded so a long error cannot crowd the prompt."""
    error = (request.error_feedback or "").strip()[:MAX_FEEDBACK_CHARS]
    return f"{error}\nWrite a corrected query for the same question." if error else ""


def suggestions(request: SqlRequest, limit: int = 3) -> tuple[str, ...]:
    """When an LLM declines, the closest sample questions are the honest thing to offer instead."""
    return tuple(example.question for example in request.examples[:limit])


def glossary_text(request: SqlRequest) -> str:
    """The company's terms as prompt lines, or a line saying there are none."""
    from db.glossary import prompt_text

    return prompt_text(request.glossary) or "(none)"


def sql_messages(request: SqlRequest) -> tuple[str, list[tuple[str, str]]]:
    """System text plus (role, text) turns: retrieved examples and earlier turns become user/assistant pairs."""
    system = render(load_prompt("sql_system.txt"), schema=request.schema_text.strip(), glossary=glossary_text(request))
    turns: list[tuple[str, str]] = []
    for pair in (*request.examples, *request.history):
        turns.append(("user", pair.question))
        turns.append(("assistant", f"```sql\n{pair.sql}\n```"))
    question = request.question
    feedback = feedback_text(request)
    if feedback:
        question = f"{question}\n\n{feedback}"
    turns.append(("user", question))
    return system, turns


def answer_prompt(question: str, language: str, columns: list[str], rows: list[list]) -> str:
    shown = rows[:ANSWER_ROW_LIMIT]
    return render(
        load_prompt("sql_answer.txt"),
        question=question,
        columns=json.dumps(list(columns), ensure_ascii=False),
        rows="\n".join(json.dumps(list(row), ensure_ascii=False, default=str) for row in shown) or "(no rows)",
        row_limit=str(ANSWER_ROW_LIMIT),
        row_count=str(len(rows)),
        language=LANGUAGE_NAMES.get(language, "English"),
    )
