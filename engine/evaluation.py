"""`python -m engine eval`: how well a backend reads held-out cases, for any backend (rules included).

Vectorizer: db/vectorizer_cases.jsonl, one customer message per line with the six facts it states (null where
it does not) and the product group the app should end up with. A field counts as right when the backend read
the same number (within 0.5, or 2% for large values) or left an unstated fact null; repeating a fact carried
from an earlier turn is not an invention. Invented values are numbers read where the message states nothing:
worse than null, because they reach the model as if the customer had said them.

SQL: the knowledge base's held-out pairs (SPLIT: eval, never retrieved as examples). A pair passes when the
backend's SQL, run through the app's own path (validation, retrieval, guard), returns the reference SQL's
result set: rows compared as multisets, or as lists when the question asks for an order; numbers rounded to
one decimal; columns matched by their values, so aliases and column order do not matter.
"""
from __future__ import annotations

import itertools
import json
import re
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import BackendNotConfigured, BadInput, ChatError, UnknownBackend
from core.features import FEATURES
from core.paths import DB_DIR
from engine.session import ChatSession

VECTORIZER_CASES_FILE = DB_DIR / "vectorizer_cases.jsonl"
KINDS = {"vectorizer": "vectorizer", "sql": "sql_generator"}
_ORDER = re.compile(r"가장|순서|순위|상위|하위|많은 순|높은 순|정렬|(?<![a-z])(top|most|least|fewest|highest|lowest|"
                    r"rank(ed|ing)?|order(ed)?|sorted)(?![a-z])", re.I)
_MAX_MAPPINGS = 5_040  # 7! column orders; results here have far fewer columns


# --- vectorizer ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class VectorizerCase:
    text: str
    expected: dict[str, float | None]  # the six features this message states, None where it does not
    group: str | None  # the product group the app should end up with (named now, or carried)
    carried: dict[str, float] = field(default_factory=dict)
    carried_group: str | None = None
    line: int = 0


def load_vectorizer_cases(path: Path = VECTORIZER_CASES_FILE) -> list[VectorizerCase]:
    cases = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            entry = json.loads(raw)
            expected = entry["expected"]
            if set(expected) != {*FEATURES, "product_group"}:
                raise ValueError("expected must name the six features and product_group")
            cases.append(VectorizerCase(
                text=entry["text"], expected={name: expected[name] for name in FEATURES},
                group=expected["product_group"], carried=dict(entry.get("carried") or {}),
                carried_group=entry.get("carried_group"), line=number,
            ))
        except (ValueError, KeyError, TypeError) as exc:
            raise BadInput(f"{path.name} line {number}: {exc}") from None
    return cases


def same_value(expected: float | None, got: float | None) -> bool:
    if expected is None or got is None:
        return expected is None and got is None
    return abs(float(got) - float(expected)) <= max(0.5, 0.02 * abs(float(expected)))


def evaluate_vectorizer(engine, backend: str, cases: list[VectorizerCase]) -> dict:
    """Field accuracy (every field of every case, nulls included), the same over stated fields only,
    group accuracy, and the count of invented, missed and wrong values. A case the backend fails on
    counts every one of its fields and its group as wrong."""
    fields = correct = stated = stated_correct = groups = invented = missed = wrong = errors = 0
    misses, latencies = [], []
    for case in cases:
        session = ChatSession()
        session.remember_features(case.carried, case.carried_group)
        started = time.perf_counter()
        try:
            report = engine.vectorize(case.text, session, backend)
        except ChatError as exc:
            errors += 1
            fields += len(FEATURES)
            stated += sum(value is not None for value in case.expected.values())
            misses.append({"line": case.line, "text": case.text, "error": exc.code, "message": exc.message("en")})
            continue
        latencies.append((time.perf_counter() - started) * 1000)
        for name in FEATURES:
            want, got = case.expected[name], report.stated[name]
            if want is None and got is not None and name in case.carried and same_value(case.carried[name], got):
                got = None  # the carried fact, said again
            fields += 1
            stated += want is not None
            if same_value(want, got):
                correct += 1
                stated_correct += want is not None
                continue
            kind = "invented" if want is None else "missed" if got is None else "wrong"
            invented += kind == "invented"
            missed += kind == "missed"
            wrong += kind == "wrong"
            misses.append({"line": case.line, "text": case.text, "field": name, "expected": want, "got": got,
                           "kind": kind})
        if report.product_group == case.group:
            groups += 1
        else:
            misses.append({"line": case.line, "text": case.text, "field": "product_group", "expected": case.group,
                           "got": report.product_group, "kind": "group"})
    return {
        "cases": len(cases),
        "field_accuracy": _ratio(correct, fields),
        "stated_field_accuracy": _ratio(stated_correct, stated),
        "group_accuracy": _ratio(groups, len(cases)),
        "invented": invented,
        "missed": missed,
        "wrong": wrong,
        "errors": errors,
        "latency_ms_p50": round(statistics.median(latencies), 1) if latencies else None,
        "misses": misses,
    }


# --- SQL ----------------------------------------------------------------------------------------
def asks_for_order(question: str) -> bool:
    return bool(_ORDER.search(question))


def _normal(value):
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return round(float(value), 1)
    return str(value)


def results_match(expected: list, actual: list, ordered: bool) -> bool:
    """Same rows (in the same order when `ordered`) under some one-to-one matching of columns."""
    if len(expected) != len(actual):
        return False
    if not expected:
        return True
    want = [tuple(_normal(v) for v in row) for row in expected]
    got = [tuple(_normal(v) for v in row) for row in actual]
    width = len(want[0])
    if any(len(row) != width for row in got):
        return False
    # A column can only stand for a reference column that holds the same values.
    want_columns = [sorted(map(repr, column)) for column in zip(*want)]
    got_columns = [sorted(map(repr, column)) for column in zip(*got)]
    candidates = [[i for i in range(width) if got_columns[i] == want_columns[j]] for j in range(width)]
    orders = (p for p in itertools.product(*candidates) if len(set(p)) == width)
    for order in itertools.islice(orders, _MAX_MAPPINGS):
        mapped = [tuple(row[i] for i in order) for row in got]
        if (mapped == want) if ordered else Counter(mapped) == Counter(want):
            return True
    return False


def eval_pairs(path: Path | None = None) -> list:
    from db.knowledge_base import load_pairs

    return [pair for pair in (load_pairs(path) if path else load_pairs()) if pair.split == "eval"]


class _Ran(Exception):
    """The statement ran: what is scored is known, so the turn ends before an LLM phrases the answer."""


def _until_rows(ran: dict):
    def progress(step: str, data: dict) -> None:
        if step == "rows":
            ran.update(data)
            raise _Ran()

    return progress


def evaluate_sql(engine, backend: str, pairs) -> dict:
    """Execution accuracy over the held-out pairs; each miss says what came back instead. Each question takes
    the app's own path (validation, retrieval, generation with database-error retries, the guard) up to the
    result rows; the prose answer is not written, since it is not scored."""
    outcomes, latencies = [], []
    for pair in pairs:
        expected = engine.run_sql(pair.sql)
        started, ran = time.perf_counter(), {}
        try:
            engine.ask(pair.question, ChatSession(), backend=backend, progress=_until_rows(ran))
        except _Ran:
            pass
        except ChatError as exc:
            outcomes.append({"line": pair.line, "question": pair.question, "passed": False, "expected": pair.sql,
                             "sql": getattr(exc, "sql", None), "why": f"{exc.code}: {exc.message('en')}"})
            continue
        latencies.append((time.perf_counter() - started) * 1000)
        passed = results_match(expected.rows, ran["rows"], asks_for_order(pair.question))
        why = "" if passed else (f"{len(ran['rows'])} rows x {len(ran['columns'])} columns, expected "
                                 f"{len(expected.rows)} x {len(expected.columns)}")
        outcomes.append({"line": pair.line, "question": pair.question, "passed": passed, "expected": pair.sql,
                         "sql": ran["sql"], "why": why})
    passed = sum(outcome["passed"] for outcome in outcomes)
    return {
        "pairs": len(outcomes),
        "passed": passed,
        "execution_accuracy": _ratio(passed, len(outcomes)),
        "errors": sum(outcome["sql"] is None and not outcome["passed"] for outcome in outcomes),
        "latency_ms_p50": round(statistics.median(latencies), 1) if latencies else None,
        "outcomes": outcomes,
    }


# --- the command ---------------------------------------------------------------------------------
def run_eval(engine, backend: str, kind: str | None = None, verbose: bool = False) -> dict:
    """Figures for each kind the backend offers (or only `kind`); `verbose` keeps the list of misses.
    A backend that is not configured is refused: scoring the rules fallback under its name would mislead."""
    wanted = [kind] if kind else [k for k in KINDS if _offers(engine, KINDS[k], backend)]
    if not wanted:
        _offers(engine, "vectorizer", backend, strict=True)  # raises UnknownBackend with the choices
    payload: dict = {"backend": backend}
    for name in wanted:
        fallback = engine.fallback_for(KINDS[name], backend)
        if fallback:
            raise BackendNotConfigured(", ".join(fallback["missing"]), backend=backend)
        if name == "vectorizer":
            figures = evaluate_vectorizer(engine, backend, load_vectorizer_cases())
            detail = "misses"
        else:
            figures = evaluate_sql(engine, backend, eval_pairs())
            detail = "outcomes"
            figures["misses"] = [o for o in figures.pop(detail) if not o["passed"]]
            detail = "misses"
        if not verbose:
            figures.pop(detail)
        payload[name] = figures
    return payload


def _offers(engine, kind: str, backend: str, strict: bool = False) -> bool:
    try:
        engine.fallback_for(kind, backend)  # an unknown name raises here
    except UnknownBackend:
        if strict:
            raise
        return False
    return True


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None
