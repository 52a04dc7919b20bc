"""Builds what the LLM backends send from the texts in prompts/, so Flow, Converse and OpenAI say the same thing."""
from __future__ import annotations

import functools
import json
import re

from core.features import FEATURES
from core.paths import PROMPTS_DIR
from plugins.base import SqlRequest, SqlResult, VectorizeRequest
from plugins.llm_output import extract_sql

_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
_CLARIFY = re.compile(r"^\s*CLARIFY:?[ \t]*\n?(.*)", re.S | re.M)
_FENCED = re.compile(r"```.*?(?:```|$)", re.S)
_LIST_MARK = re.compile(r"^(?:[-*•]|\d+[.)])\s+")
MAX_CLARIFY_CHOICES = 4
MAX_CLARIFY_CHARS = 200
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


def clarifying_questions(text: str | None) -> tuple[str, ...]:
    """The readings after a CLARIFY: line (sql_system.txt), at most four, each one line of plain text; none when
    the reply does not ask back. They are shown as buttons, so a line that is code or overlong is dropped."""
    found = _CLARIFY.search(text or "")
    if not found:
        return ()
    unfenced = _FENCED.sub("", found.group(1))
    lines = (_LIST_MARK.sub("", line.strip()).strip() for line in unfenced.splitlines())
    kept = [line for line in lines if line and len(line) <= MAX_CLARIFY_CHARS and "`" not in line]
    return tuple(dict.fromkeys(kept))[:MAX_CLARIFY_CHOICES]


def sql_result(text: str, request: SqlRequest) -> SqlResult:
    """An LLM reply as a SqlResult: its SQL; or, when it asks back, its readings to pick from; or, when it
    declines, the closest sample questions."""
    choices = clarifying_questions(text)
    if len(choices) >= 2:  # asked back: never run a statement the same reply may hold; one "reading" is no choice
        return SqlResult(sql=None, raw=text, suggestions=choices, ambiguous=True)
    sql = extract_sql(text)
    return SqlResult(sql=sql, raw=text, suggestions=() if sql else suggestions(request))


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
