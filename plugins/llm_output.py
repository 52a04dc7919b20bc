"""Turns what an LLM wrote into checked values: the six features (validated with pydantic) or one SQL string.

One pydantic model, VectorizerOutput, both validates the answer and (through `vectorizer_schema()`) is the JSON
Schema every LLM backend asks for. LLMs wrap JSON in code fences and prose and write numbers as strings; all of
that is tolerated here. A value outside its range is refused on its own (that field reads "not stated", the
others still count); output with no usable field at all is refused with BackendOutputInvalid.
"""
from __future__ import annotations

import copy
import functools
import json
import logging
import math
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from db.catalog import GROUP_NAMES_EN
from core.errors import BackendOutputInvalid
from core.features import FEATURES, PRODUCT_GROUPS

log = logging.getLogger(__name__)

# Plausibility bounds, deliberately wider than the model's training range: the engine clamps values
# between the two and reports the clamping, while values outside these can only be a misreading.
SANITY_BOUNDS: dict[str, tuple[float, float]] = {
    "age": (0, 120),
    "houseHold": (0, 30),
    "amt": (0, 10_000),
    "size": (0, 2_000),
    "score": (0, 100),
    "discRate": (0, 100),
}

_KEY_ALIASES = {name.lower(): name for name in FEATURES} | {
    "household_size": "houseHold",
    "budget": "amt",
    "disc_rate": "discRate",
    "discount_rate": "discRate",
    "product_group": "product_group",
    "productgroup": "product_group",
    "prdtgrpcd": "product_group",
}
_GROUPS_BY_NAME = {g: g for g in PRODUCT_GROUPS} | {en.lower(): ko for ko, en in GROUP_NAMES_EN.items()}
_UNKNOWN_WORDS = {"", "null", "none", "unknown", "n/a", "na", "-", "알 수 없음", "없음", "모름"}
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_FENCE = re.compile(r"```[ \t]*([A-Za-z0-9_-]*)[ \t]*\n?(.*?)```", re.DOTALL)
_SQL_PREFIX = re.compile(r"(?:\bsql|\bquery|쿼리)\s*[:：]\s*", re.IGNORECASE)
# WITH must open a real CTE, so prose such as "With pleasure, ..." is not mistaken for SQL.
_SQL_HEAD = r"(SELECT\b|WITH\s+(RECURSIVE\s+)?[\w\"]+\s*(\([^)]*\))?\s*AS\s*\()"
_SQL_AT = re.compile(_SQL_HEAD, re.IGNORECASE)
_SQL_LINE = re.compile(r"^[ \t]*" + _SQL_HEAD, re.IGNORECASE | re.MULTILINE)
DECLINE_MARKER = "CANNOT_ANSWER"
# A vectorizer answer is a few hundred characters; scanning more only lets a runaway reply burn CPU.
MAX_SCAN_CHARS = 8_000
MAX_JSON_STARTS = 200


def _number(value: Any) -> float | None:
    """Numbers, or numbers written as strings ("35", "1,200"); words meaning 'unknown' become None."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError("a boolean is not a number")
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        if text.lower() in _UNKNOWN_WORDS:
            return None
        if _NUMBER.fullmatch(text):
            return float(text)
    raise ValueError("not a number")


SCHEMA_NAME = "customer_facts"
_NOT_STATED = " null when the message does not state it."


def _bounded(name: str, description: str):
    low, high = SANITY_BOUNDS[name]
    return Field(None, ge=low, le=high, allow_inf_nan=False, description=description + _NOT_STATED)


class VectorizerOutput(BaseModel):
    """Exactly the six features (None when the text does not say) and the product group, nothing else."""

    # Every key is required in the schema (null is always allowed), so a constrained decoder writes each one
    # and "not stated" is a single token away; validation still accepts an answer that leaves keys out.
    model_config = ConfigDict(
        extra="forbid", title=SCHEMA_NAME, json_schema_serialization_defaults_required=True,
        json_schema_extra={"description": "Only the facts the customer's message states; null for every other key."},
    )

    age: float | None = _bounded("age", "Age in years.")
    houseHold: float | None = _bounded("houseHold", "People living in the household.")
    amt: float | None = _bounded("amt", "Monthly rental budget in thousands of KRW (3만원 = 30).")
    size: float | None = _bounded("size", "Home size in pyeong (평).")
    score: float | None = _bounded("score", "Membership score, 0-100.")
    discRate: float | None = _bounded("discRate", "Discount rate in percent.")
    product_group: Literal[PRODUCT_GROUPS] | None = Field(  # type: ignore[valid-type]
        None, description="The product kind asked for." + _NOT_STATED)

    @field_validator(*FEATURES, mode="before")
    @classmethod
    def _coerce_number(cls, value):
        number = _number(value)
        if number is not None and not math.isfinite(number):
            raise ValueError("not a finite number")
        return number

    @field_validator("product_group", mode="before")
    @classmethod
    def _known_group(cls, value):
        if value is None:
            return None
        if not isinstance(value, str):
            raise ValueError("not a product group name")
        text = value.strip()
        if text.lower() in _UNKNOWN_WORDS:
            return None
        group = _GROUPS_BY_NAME.get(text) or _GROUPS_BY_NAME.get(text.lower())
        if group is None:
            raise ValueError("not one of the five product groups")
        return group


def _without_defaults(node):
    """Strict structured-output modes (OpenAI's) refuse `default`; every key is required anyway."""
    if isinstance(node, dict):
        return {key: _without_defaults(value) for key, value in node.items() if key != "default"}
    if isinstance(node, list):
        return [_without_defaults(value) for value in node]
    return node


@functools.cache
def _schema() -> dict:
    return _without_defaults(VectorizerOutput.model_json_schema(mode="serialization"))


def vectorizer_schema() -> dict:
    """The JSON Schema of VectorizerOutput that LLM backends constrain their answer to (a fresh copy)."""
    return copy.deepcopy(_schema())


def _json_candidates(text: str):
    """Every JSON value the text holds: the whole text, fenced blocks, then each embedded object/array."""
    yield text
    for match in _FENCE.finditer(text):
        yield match.group(2)
    decoder = json.JSONDecoder()
    starts = [index for index, char in enumerate(text) if char in "{["]
    for index in starts[:MAX_JSON_STARTS]:
        try:
            value, _ = decoder.raw_decode(text, index)
        except (ValueError, RecursionError):
            continue
        yield value


def find_json(text: str) -> dict | list | None:
    """The first JSON object in an LLM's text, else its first six-item array (a citation like [1] is no
    answer), else its first array, else None."""
    lists = []
    for candidate in _json_candidates(text.strip()[:MAX_SCAN_CHARS]):
        if isinstance(candidate, str):
            try:
                candidate = json.loads(candidate.strip())
            except (ValueError, RecursionError):
                continue
        if isinstance(candidate, dict):
            return candidate
        if isinstance(candidate, list):
            lists.append(candidate)
    six = [item for item in lists if len(item) == len(FEATURES)]
    return (six or lists or [None])[0]


def _as_fields(data: dict | list) -> dict:
    if isinstance(data, list):
        if len(data) == 1 and isinstance(data[0], list):
            data = data[0]
        if len(data) != len(FEATURES):
            raise BackendOutputInvalid(f"expected {len(FEATURES)} numbers, got {len(data)}")
        return dict(zip(FEATURES, data))
    if isinstance(data.get("features"), dict):
        data = {**data["features"], **{k: v for k, v in data.items() if k != "features"}}
    fields = {}
    for key, value in data.items():
        name = _KEY_ALIASES.get(str(key).strip().lower())
        if name is None:
            raise BackendOutputInvalid(f"unexpected key {str(key)[:40]!r}")
        fields[name] = value
    return fields


def parse_vectorizer_output(document: Any, backend: str) -> tuple[dict[str, float | None], str | None]:
    """Named-keys JSON or the prototype's six-number array (as text or already decoded) -> features, group."""
    data = document
    if isinstance(document, str):
        data = find_json(document)
        if data is None:
            raise BackendOutputInvalid("no JSON object or array in the output", backend=backend)
    if not isinstance(data, (dict, list)):
        raise BackendOutputInvalid("output is neither a JSON object nor an array", backend=backend)
    try:
        fields = _as_fields(data)
    except BackendOutputInvalid as exc:
        raise BackendOutputInvalid(exc.detail, backend=backend) from None
    checked = _checked_fields(fields, backend)
    features = {name: getattr(checked, name) for name in FEATURES}
    return features, checked.product_group


def _checked_fields(fields: dict, backend: str) -> VectorizerOutput:
    """Validated as a whole; a field that breaks its range or type is dropped on its own and the rest count.
    When nothing usable is left, the output is refused, naming the broken fields."""
    try:
        return VectorizerOutput(**fields)
    except ValidationError as exc:
        errors = exc.errors()
    problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors[:3])
    broken = {str(e["loc"][0]) for e in errors if e.get("loc")}
    kept = VectorizerOutput(**{name: value for name, value in fields.items() if name not in broken})
    if all(getattr(kept, name) is None for name in (*FEATURES, "product_group")):
        raise BackendOutputInvalid(problems, backend=backend)
    log.warning("%s: refused %s, kept the other fields (%s)", backend, ", ".join(sorted(broken)), problems)
    return kept


def raw_text(document: Any) -> str:
    """What the backend produced, as the text the 'show vector' panel displays."""
    return document if isinstance(document, str) else json.dumps(document, ensure_ascii=False)


def _strip_statement(sql: str) -> str | None:
    sql = sql.strip().rstrip(";").strip()
    return sql or None


def extract_sql(text: str | None) -> str | None:
    """One SQL string from an LLM's reply (fenced, prefixed, JSON or bare), or None when it declined.

    Only extraction happens here; the engine's guard decides whether the statement may run."""
    if not text or not text.strip():
        return None
    text = text.strip()
    data = find_json(text) if text[0] in "{[" else None
    if isinstance(data, dict) and "sql" in data:
        return _strip_statement(data["sql"]) if isinstance(data["sql"], str) else None
    fenced = [(lang.lower(), body.strip()) for lang, body in _FENCE.findall(text)]
    for lang, body in fenced:
        prefix = _SQL_PREFIX.match(body)
        body = body[prefix.end():] if prefix else body
        if _SQL_AT.match(body):
            return _strip_statement(body)
    # A fenced block labelled sql that is not a SELECT still goes on, so the guard refuses it visibly.
    labelled = [body for lang, body in fenced if lang == "sql" and body]
    if labelled:
        return _strip_statement(labelled[0])
    if DECLINE_MARKER in text:
        return None
    start = None
    for prefix in _SQL_PREFIX.finditer(text):
        start = _SQL_AT.match(text, prefix.end())
        if start:
            break
    start = start or _SQL_LINE.search(text)
    if start is None:
        return None
    statement = re.split(r"\n\s*\n", text[start.start():].lstrip(), maxsplit=1)[0]
    return _strip_statement(statement)
