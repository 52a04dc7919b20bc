"""Execution accuracy of a SQL generator on the knowledge base's held-out eval pairs.

    .venv/bin/python bench/eval_sql.py [--backend rules] [--database URL] [--goal 0.9]

A pair passes when the backend's SQL, run through the app's own path (validation, retrieval, guard), returns
the same result set as the reference SQL: rows compared as multisets, or as lists when the question asks for
an order; numbers rounded to one decimal; columns matched by their values, so aliases and column order do not
matter. Without --database a 70,000-row database is built in a temporary directory.
"""
from __future__ import annotations

import argparse
import contextlib
import itertools
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

_ORDER = re.compile(r"가장|순서|순위|상위|하위|많은 순|높은 순|정렬|(?<![a-z])(top|most|least|fewest|highest|lowest|"
                    r"rank(ed|ing)?|order(ed)?|sorted)(?![a-z])", re.I)
_MAX_MAPPINGS = 5_040  # 7! column orders; results here have far fewer columns


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


@contextlib.contextmanager
def database_url(url: str | None, rows: int = 70_000, seed: int = 42):
    """The given URL, or a freshly built SQLite file that is removed afterwards."""
    if url:
        yield url
        return
    from db.build import build_database

    with tempfile.TemporaryDirectory(prefix="rentalchat-bench-") as folder:
        built = f"sqlite:///{Path(folder) / 'customers.db'}"
        started = time.perf_counter()
        build_database(built, rows=rows, seed=seed)
        print(f"built a {rows:,}-row database in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        yield built


def make_engine(backend: str, url: str):
    from engine.app import Engine
    from engine.settings import load_settings, offline_settings

    settings = offline_settings(database_url=url) if backend == "rules" else load_settings(database_url=url)
    engine = Engine(settings)
    fallback = engine.fallback_for("sql_generator", backend)
    if fallback:
        raise SystemExit(f"cannot evaluate {backend}: {fallback['message_en']}")
    return engine


def evaluate(engine, backend: str, pairs) -> list[dict]:
    from core.errors import ChatError
    from engine.session import ChatSession

    outcomes = []
    for pair in pairs:
        expected = engine.run_sql(pair.sql)
        try:
            answer = engine.ask(pair.question, ChatSession(), backend=backend)
        except ChatError as exc:
            outcomes.append({"pair": pair, "passed": False, "sql": None, "why": f"{exc.code}: {exc.message('en')}"})
            continue
        passed = results_match(expected.rows, answer.rows, asks_for_order(pair.question))
        why = "" if passed else f"{len(answer.rows)} rows x {len(answer.columns)} columns, expected " \
                                f"{len(expected.rows)} x {len(expected.columns)}"
        outcomes.append({"pair": pair, "passed": passed, "sql": answer.sql, "why": why})
    return outcomes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="rules")
    parser.add_argument("--database", help="SQLAlchemy URL; default: build a 70,000-row database in a temp dir")
    parser.add_argument("--goal", type=float, default=0.9, help="exit 1 below this accuracy")
    args = parser.parse_args(argv)

    from db.knowledge_base import load_pairs
    from core.paths import KNOWLEDGE_BASE_FILE

    pairs = [p for p in load_pairs(KNOWLEDGE_BASE_FILE) if p.split == "eval"]
    with database_url(args.database) as url:
        engine = make_engine(args.backend, url)
        outcomes = evaluate(engine, args.backend, pairs)
    for outcome in outcomes:
        pair = outcome["pair"]
        print(f"{'PASS' if outcome['passed'] else 'FAIL'}  line {pair.line:>3}  {pair.question}")
        if not outcome["passed"]:
            print(f"        expected: {pair.sql}\n        got:      {outcome['sql']}\n        {outcome['why']}")
    passed = sum(o["passed"] for o in outcomes)
    accuracy = passed / len(outcomes) if outcomes else 0.0
    print(f"\n{args.backend}: {passed}/{len(outcomes)} eval pairs = {accuracy:.1%} execution accuracy "
          f"(goal {args.goal:.0%})")
    return 0 if accuracy >= args.goal else 1


if __name__ == "__main__":
    sys.exit(main())
