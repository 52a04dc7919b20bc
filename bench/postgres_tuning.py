"""Before/after for the PostgreSQL tuning, on the database bench/scale.py built and cached (run that first).

    .venv/bin/python bench/postgres_tuning.py [--rows 7000000] [--repeat 3] [--change index|parallel|jit]

Each bench question's SQL (the rules backend's, translated) runs alternately as built and without one
thing, inside a transaction that is rolled back, so both see the same machine load: `index` drops
ix_customer_prdtGrpCd_age, `parallel` sets max_parallel_workers_per_gather = 0 (no parallel workers),
`jit` turns JIT compilation off (a candidate that was measured and not adopted).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.analytics import QUESTIONS  # noqa: E402  (needs the path above)
from bench.scale import OUT, database_url  # noqa: E402

UNDO = {
    "index": ["DROP INDEX \"ix_customer_prdtGrpCd_age\""],
    "parallel": ["SET LOCAL max_parallel_workers_per_gather = 0"],
    "jit": ["SET LOCAL jit = off"],
}


def bench_sql() -> list[tuple[str, str, str]]:
    """(type, question, PostgreSQL SQL) for every timed question, generated offline by the rules backend."""
    from engine.app import Engine
    from engine.session import ChatSession
    from engine.settings import offline_settings
    from engine.sql_dialect import translate_sql

    engine = Engine(offline_settings(database_url=f"sqlite:///{OUT / 'customers-70000.db'}"))
    out = []
    for kind, conversations in QUESTIONS.items():
        for turns in conversations:
            session = ChatSession()
            for turn in turns:
                answer = engine.ask(turn, session, backend="rules")
            out.append((kind, turns[-1], translate_sql(answer.sql, "postgres")))
    return out


def timed(conn, setup: list[str], sql: str) -> float:
    conn.exec_driver_sql("BEGIN")
    try:
        for statement in setup:
            conn.exec_driver_sql(statement)
        started = time.perf_counter()
        conn.exec_driver_sql(sql).fetchall()
        return (time.perf_counter() - started) * 1000
    finally:
        conn.exec_driver_sql("ROLLBACK")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=7_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--change", choices=sorted(UNDO), default="index")
    args = parser.parse_args(argv)
    from sqlalchemy import create_engine

    from bench.postgres_server import running_postgres

    statements = bench_sql()
    with running_postgres(OUT / "postgres", keep=True) as admin:
        engine = create_engine(database_url("postgres", args.rows, admin), isolation_level="AUTOCOMMIT")
        before_all, after_all = [], []
        print(f"| question type | question | without {args.change} ms | as built ms |\n|---|---|---|---|")
        with engine.connect() as conn:
            for kind, question, sql in statements:
                before, after = [], []
                for _ in range(args.repeat):
                    before.append(timed(conn, UNDO[args.change], sql))
                    after.append(timed(conn, [], sql))
                b, a = statistics.median(before), statistics.median(after)
                before_all.append(b)
                after_all.append(a)
                print(f"| {kind} | {question} | {b:,.0f} | {a:,.0f} |", flush=True)
        engine.dispose()
    print(f"\nmedian of the medians: without {args.change} {statistics.median(before_all):,.0f} ms, as built "
          f"{statistics.median(after_all):,.0f} ms; slowest: without {max(before_all):,.0f} ms, as built "
          f"{max(after_all):,.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
