"""Execution accuracy of a SQL generator on the knowledge base's held-out eval pairs, on a fresh database.

    .venv/bin/python bench/eval_sql.py [--backend rules] [--database URL] [--goal 0.9]

The comparison lives in engine/evaluation.py (the same one `python -m engine eval --kind sql` uses); this
script only builds a 70,000-row database in a temporary directory unless --database is given, prints each
pair as PASS or FAIL, and exits 1 below the goal.
"""
from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.evaluation import asks_for_order, results_match  # noqa: E402,F401 (kept importable from here)


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


def main(argv: list[str] | None = None) -> int:
    from engine.evaluation import eval_pairs, evaluate_sql

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="rules")
    parser.add_argument("--database", help="SQLAlchemy URL; default: build a 70,000-row database in a temp dir")
    parser.add_argument("--goal", type=float, default=0.9, help="exit 1 below this accuracy")
    args = parser.parse_args(argv)

    with database_url(args.database) as url:
        figures = evaluate_sql(make_engine(args.backend, url), args.backend, eval_pairs())
    for outcome in figures["outcomes"]:
        print(f"{'PASS' if outcome['passed'] else 'FAIL'}  line {outcome['line']:>3}  {outcome['question']}")
        if not outcome["passed"]:
            print(f"        expected: {outcome['expected']}\n        got:      {outcome['sql']}\n        {outcome['why']}")
    accuracy = figures["execution_accuracy"] or 0.0
    print(f"\n{args.backend}: {figures['passed']}/{figures['pairs']} eval pairs = {accuracy:.1%} execution accuracy "
          f"(goal {args.goal:.0%})")
    return 0 if accuracy >= args.goal else 1


if __name__ == "__main__":
    sys.exit(main())
